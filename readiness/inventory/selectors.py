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


def mailbox_reasons(*, tenant: Tenant, mailboxes) -> dict[int, str]:
    """Why each mailbox is in its state, in the active language.

    The stored `effective_reason` is written by background recomputes in the default
    language; the resolver is pure and cheap, so pages re-run it with the same inputs
    (one read of the organisation's settings and policies, whatever the row count)."""
    from readiness.inventory.resolver import Inputs, resolve
    from readiness.inventory.services import resolver_context

    mailboxes = list(mailboxes)
    if not mailboxes:
        return {}
    context = resolver_context(tenant=tenant)
    return {m.pk: resolve(Inputs(mailbox_switch=m.smtp_auth,
                                 user_policy=m.authentication_policy or None,
                                 mailbox_object_id=m.object_id, **context)).reason
            for m in mailboxes}
