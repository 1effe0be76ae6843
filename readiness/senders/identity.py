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
    # Report files carry no names; the mailbox's display name is the best label we have.
    senders.filter(display_name="", mailbox__isnull=False).update(
        display_name=Subquery(Mailbox.objects.filter(pk=OuterRef("mailbox_id"))
                              .values("display_name")[:1]))
    return linked
