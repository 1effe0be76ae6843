"""Thin adapters: each names its queryset, filterset, table and chart builders."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from readiness.core.exports import SafeExportMixin
from readiness.dashboards import charts, selectors
from readiness.dashboards.filtersets import MailboxFilterSet, SenderFilterSet, TenantFilterSet
from readiness.dashboards.overview import TIMELINE_DAYS, tenant_overview
from readiness.dashboards.tables import (
    SENDER_OPTIONAL_COLUMNS,
    MailboxTable,
    PortfolioTable,
    SenderTable,
)
from readiness.tenancy import scoping
from readiness.tenancy.mixins import TenantScopedMixin


class PortfolioView(LoginRequiredMixin, SafeExportMixin, SingleTableMixin, FilterView):
    """Every tenant the user may see, one row each, with the portfolio totals on top."""

    template_name = "dashboards/portfolio.html"
    table_class = PortfolioTable
    filterset_class = TenantFilterSet
    table_pagination = {"per_page": 50}  # not paginate_by: ListView would count twice
    export_name = "portfolio"

    def get_queryset(self):
        return selectors.portfolio_queryset(scoping.visible_tenants(self.request.user))

    def get_table_kwargs(self):
        self.global_milestone = selectors.next_global_milestone()
        return {"global_milestone": self.global_milestone}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = selectors.portfolio_summary(self.get_queryset())
        context["total"] = sum(context["summary"].values())
        context["states"] = selectors.PortfolioState.CHOICES
        context["next_milestone"] = self.global_milestone
        return context


class TenantOverviewView(TenantScopedMixin, TemplateView):
    """KPI cards and the four charts of one tenant, all from the rollups."""

    template_name = "dashboards/tenant.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(tenant_overview(tenant=self.tenant))
        return context


class SenderListView(TenantScopedMixin, SafeExportMixin, SingleTableMixin, FilterView):
    """The sender table: search, filters, column chooser, bulk selection and export."""

    template_name = "dashboards/senders.html"
    table_class = SenderTable
    filterset_class = SenderFilterSet
    table_pagination = {"per_page": 50}
    export_name = "senders"

    def get_queryset(self):
        return selectors.sender_queryset(tenant=self.tenant)

    def chosen_columns(self) -> list[str]:
        chosen = [c for c in self.request.GET.getlist("columns") if c in SENDER_OPTIONAL_COLUMNS]
        return chosen or SENDER_OPTIONAL_COLUMNS

    def get_table_kwargs(self):
        hidden = [c for c in SENDER_OPTIONAL_COLUMNS if c not in self.chosen_columns()]
        return {"tenant": self.tenant, "exclude": hidden}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chosen = self.chosen_columns()
        context["column_choices"] = [
            (name, str(SenderTable.base_columns[name].header), name in chosen)
            for name in SENDER_OPTIONAL_COLUMNS]
        return context


class MailboxListView(TenantScopedMixin, SafeExportMixin, SingleTableMixin, FilterView):
    template_name = "dashboards/mailboxes.html"
    table_class = MailboxTable
    filterset_class = MailboxFilterSet
    table_pagination = {"per_page": 100}
    export_name = "mailboxes"

    def get_queryset(self):
        return selectors.mailbox_queryset(tenant=self.tenant)


class SenderDetailView(TenantScopedMixin, TemplateView):
    """One sender: usage history, IPs and TLS, its mailbox's state, the workflow panel."""

    template_name = "dashboards/sender.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sender = selectors.sender_for_tenant_or_404(tenant=self.tenant, pk=self.kwargs["pk"])
        start, end = selectors.window(TIMELINE_DAYS)
        rows = selectors.sender_daily_rows(tenant=self.tenant, sender=sender,
                                           start=start, end=end)
        coverage = selectors.tenant_days(tenant=self.tenant, start=start, end=end)
        day_rows = charts.sender_day_rows(rows, coverage, start, end)
        context.update(sender=sender, usage_rows=day_rows,
                       usage=charts.sender_usage_figure(day_rows),
                       observations=selectors.sender_observations(tenant=self.tenant,
                                                                  sender=sender))
        return context
