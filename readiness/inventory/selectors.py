"""Read-side queries of the mailbox inventory."""

from __future__ import annotations

from django.db.models import QuerySet

from readiness.inventory.models import Mailbox
from readiness.tenancy.models import Tenant


def mailbox_queryset(*, tenant: Tenant) -> QuerySet[Mailbox]:
    return Mailbox.objects.for_tenant(tenant).order_by("address")
