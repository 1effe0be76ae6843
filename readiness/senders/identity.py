"""The sender's identity beyond its model: which mailbox an address is. The facts below
the sender workflow (usage, intake) may use this module, models.py and choices.py; the
rest of the app (workflow, tickets, pages) sits above usage. See README, "Architecture"."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from readiness.inventory.models import Mailbox
from readiness.senders.models import Sender
from readiness.tenancy.models import Tenant


def sender_mailboxes_link(*, tenant: Tenant, sender_ids=None) -> int:
    """Link each sender to the mailbox with its address (or none), in one UPDATE.

    Runs after every complete mailbox snapshot and for newly seen senders, so the sender
    table can show the linked mailbox's effective state.
    """
    match = Mailbox.objects.filter(tenant=tenant, address__iexact=OuterRef("address"))
    senders = Sender.objects.for_tenant(tenant)
    if sender_ids is not None:
        senders = senders.filter(pk__in=sender_ids)
    linked = senders.update(mailbox=Subquery(match.values("pk")[:1]))
    _proxy_link(tenant, senders.filter(mailbox__isnull=True))
    # Report files carry no names; the mailbox's display name is the best label we have.
    senders.filter(display_name="", mailbox__isnull=False).update(
        display_name=Subquery(Mailbox.objects.filter(pk=OuterRef("mailbox_id"))
                              .values("display_name")[:1]))
    return linked


def _proxy_link(tenant: Tenant, unlinked) -> None:
    """A report row from an alias (EmailAddresses "smtp:") belongs to that mailbox too.
    Only the senders left unlinked by their primary address are looked up."""
    addresses = dict(unlinked.values_list("address", "pk"))
    if not addresses:
        return
    by_proxy = {}
    for pk, proxies in (Mailbox.objects.for_tenant(tenant).exclude(proxy_addresses=[])
                        .values_list("pk", "proxy_addresses").iterator(chunk_size=2000)):
        for proxy in proxies:
            if proxy in addresses:
                by_proxy[addresses[proxy]] = pk
    for sender_pk, mailbox_pk in by_proxy.items():
        Sender.objects.filter(pk=sender_pk).update(mailbox_id=mailbox_pk)


def mailbox_addresses_by_user(*, tenant: Tenant, user_ids) -> dict[str, str]:
    """Primary address by Entra object id (lower case): a sign-in names its user by id,
    and its UPN (often on the onmicrosoft.com domain) need not be any mail address."""
    wanted = {u.lower() for u in user_ids if u}
    if not wanted:
        return {}
    variants = wanted | {u.upper() for u in wanted}
    rows = Mailbox.objects.for_tenant(tenant).filter(object_id__in=variants).values_list(
        "object_id", "address")
    return {oid.lower(): address for oid, address in rows if oid.lower() in wanted}
