"""Read-only mailbox API. The tenant resolves through readiness.tenancy.scoping:
another tenant's slug is a 404, exactly as in the UI."""

from __future__ import annotations

from rest_framework import generics

from readiness.inventory import selectors
from readiness.inventory.api.serializers import MailboxSerializer
from readiness.inventory.filtersets import MailboxFilterSet
from readiness.inventory.models import Mailbox
from readiness.tenancy.api import ReadOnlyTenantAPIMixin


class MailboxListAPI(ReadOnlyTenantAPIMixin, generics.ListAPIView):
    serializer_class = MailboxSerializer
    filterset_class = MailboxFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Mailbox.objects.none()
        return selectors.mailbox_queryset(tenant=self.tenant)
