"""Evidence against configuration, acted on (docs/domain.md, "Breakage watch"):

- a CONFLICT (the mailbox's configuration blocks Basic, yet Basic succeeded in the last
  30 days) is told to the owner and the managers, once per sender and configuration;
- BREAKAGE (step 5 of the migration): once a sender is blocked, its failed Basic
  attempts mean the device is now broken. The owner is told "failing since DATE (N
  attempts, error codes)" and the sender's ticket is re-opened, or one is raised.

Run by the workflow pass after every ingest and import. Idempotent: the notification
ledger (notify_once) keys each news item, so a second pass changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from readiness.inventory.choices import BASIC_BLOCKED_STATES
from readiness.senders.choices import TicketStatus
from readiness.senders.models import Sender, Ticket
from readiness.senders.services import messages
from readiness.senders.services.tickets import ticket_comment, ticket_create, ticket_update
from readiness.tenancy.models import Tenant
from readiness.usage.evidence import Evidence, conflict_explain, failing_label, sender_evidence

WINDOW_DAYS = 30
CLOSED = (TicketStatus.DONE, TicketStatus.CANCELLED)


def _blocked_senders(tenant: Tenant) -> list[Sender]:
    return list(Sender.objects.for_tenant(tenant).select_related("mailbox", "owner_user")
                .filter(mailbox__effective_state__in=BASIC_BLOCKED_STATES))


def senders_watch(*, tenant: Tenant, today: date) -> dict[str, int]:
    """Notify conflicts and breakages of blocked senders; re-open or raise tickets."""
    senders = _blocked_senders(tenant)
    if not senders:
        return {"conflicts": 0, "broken": 0}
    evidence = sender_evidence(tenant=tenant, start=today - timedelta(days=WINDOW_DAYS - 1),
                               end=today, senders=senders)
    conflicts = broken = 0
    for sender in senders:
        found, conflict = evidence[sender.pk]
        if conflict:
            explained = conflict_explain(sender.mailbox, found)
            conflicts += messages.sender_conflict(
                tenant=tenant, sender=sender, summary=explained.summary,
                checks=list(explained.checks), key=sender.mailbox.effective_reason[:80])
        elif found.failures_after_block:
            broken += _broken(tenant, sender, found)
    return {"conflicts": conflicts, "broken": broken}


@transaction.atomic
def _broken(tenant: Tenant, sender: Sender, evidence: Evidence) -> int:
    failing = failing_label(evidence)
    key = evidence.first_failure_after_block.date().isoformat()
    ticket = _ticket_reopened_or_raised(tenant, sender, failing, key)
    return int(messages.sender_broken(tenant=tenant, sender=sender, failing=failing,
                                      ticket_id=ticket.pk, key=key))


def _ticket_reopened_or_raised(tenant: Tenant, sender: Sender, failing: str,
                               key: str) -> Ticket:
    """The sender's latest ticket, re-opened with a comment saying why, or a new one.
    A ticket already commented for this breakage is left alone (idempotent)."""
    note = f"Blocked, and {failing}. [breakage {key}]"
    ticket = (Ticket.objects.for_tenant(tenant).filter(senders=sender)
              .order_by("-created_at").first())
    if ticket is None:
        ticket = ticket_create(tenant=tenant, senders=[sender], actor=None, source="task",
                               title=_("Broken after the cut-over: %(address)s")
                               % {"address": sender.address})
    elif ticket.comments.filter(body__contains=f"[breakage {key}]").exists():
        return ticket
    elif ticket.status in CLOSED:
        ticket = ticket_update(tenant=tenant, ticket=ticket, expected_version=ticket.version,
                               changes={"status": TicketStatus.OPEN}, actor=None,
                               source="task")
    ticket_comment(tenant=tenant, ticket=ticket, body=note, actor=None, source="task")
    return ticket
