"""Thin adapters: each names its queryset, filterset and table."""

from __future__ import annotations

from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from readiness.core.exports import SafeExportMixin
from readiness.inventory import selectors
from readiness.inventory.filtersets import MailboxFilterSet
from readiness.inventory.tables import MailboxTable
from readiness.tenancy.mixins import TenantScopedMixin


class MailboxListView(TenantScopedMixin, SafeExportMixin, SingleTableMixin, FilterView):
    template_name = "dashboards/mailboxes.html"
    table_class = MailboxTable
    filterset_class = MailboxFilterSet
    table_pagination = {"per_page": 100}
    export_name = "mailboxes"

    def get_queryset(self):
        return selectors.mailbox_queryset(tenant=self.tenant)

    def get_table_kwargs(self):
        return {"tenant": self.tenant,
                "policies": selectors.authentication_policies(tenant=self.tenant)}
