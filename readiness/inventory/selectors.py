"""Read-side queries of the mailbox inventory."""

from __future__ import annotations

from django.db.models import Min, QuerySet

from readiness.inventory.models import AuthenticationPolicy, Mailbox
from readiness.tenancy.models import Tenant


def mailbox_queryset(*, tenant: Tenant) -> QuerySet[Mailbox]:
    # sender_id: the sender page the address links to (senders point at their mailbox).
    return (Mailbox.objects.for_tenant(tenant).annotate(sender_id=Min("senders__id"))
            .order_by("address"))


def authentication_policies(*, tenant: Tenant) -> list[AuthenticationPolicy]:
    return list(AuthenticationPolicy.objects.for_tenant(tenant).only(
        "name", "distinguished_name"))
