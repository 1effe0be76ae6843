"""The messages the sender workflow sends: e-mail to the people concerned and webhook
events, through readiness.notifications (which owns delivery, de-duplication and webhooks)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from readiness.notifications import services as notify
from readiness.notifications.choices import Event
from readiness.senders.choices import SenderStatus
from readiness.senders.models import Sender, SenderException, SenderStatusChange, Ticket
from readiness.senders.selectors import overdue_tickets
from readiness.tenancy.models import Tenant


def _day(value: date | None) -> str:
    """Dates in e-mails as on the pages: the locale's date format."""
    return date_format(value, "DATE_FORMAT") if value else ""


def ticket_assigned(*, ticket_id: int) -> None:
    ticket = Ticket.objects.select_related("tenant", "assignee").get(pk=ticket_id)
    if ticket.assignee is None:
        return
    tenant = ticket.tenant
    if notify.notify_once(tenant=tenant, kind="ticket.assigned",
                   key=f"{ticket.pk}:{ticket.version}:{ticket.assignee_id}",
                   recipients=[ticket.assignee.email]):
        notify.email_send_localised(lambda: (
            _("[%(tenant)s] Ticket assigned to you: %(title)s") % {
                "tenant": tenant.name, "title": ticket.title},
            _("Ticket #%(id)s '%(title)s' is now yours.\nDue: %(due)s; priority: %(priority)s.")
            % {"id": ticket.pk, "title": ticket.title,
               "due": _day(ticket.due_date) or _("no due date"),
               "priority": ticket.get_priority_display()}),
            [ticket.assignee.email])
    notify.webhooks_emit(tenant=tenant, event=Event.TICKET_ASSIGNED,
                  data={"ticket": ticket.pk, "title": ticket.title,
                        "assignee": ticket.assignee.get_username()})


def tickets_overdue(*, tenant: Tenant, today: date) -> int:
    """Daily: one reminder per overdue open ticket per day (assignee, else managers)."""
    sent = 0
    for ticket in overdue_tickets(tenant=tenant, today=today):
        recipients = [ticket.assignee.email] if ticket.assignee else notify.managers_emails(tenant)
        if not notify.notify_once(tenant=tenant, kind="ticket.overdue", key=f"{ticket.pk}:{today}",
                           recipients=recipients):
            continue
        notify.email_send_localised(lambda ticket=ticket: (
            _("[%(tenant)s] Overdue: %(title)s") % {"tenant": tenant.name, "title": ticket.title},
            _("Ticket #%(id)s '%(title)s' was due on %(due)s.") % {
                "id": ticket.pk, "title": ticket.title, "due": _day(ticket.due_date)}),
            recipients)
        notify.webhooks_emit(tenant=tenant, event=Event.TICKET_OVERDUE,
                      data={"ticket": ticket.pk, "due_date": ticket.due_date.isoformat()})
        sent += 1
    return sent


def sender_regressed(*, sender_id: int) -> None:
    sender = Sender.objects.select_related("tenant", "owner_user").get(pk=sender_id)
    tenant = sender.tenant
    recipients = [sender.owner_user.email if sender.owner_user else sender.owner_email]
    recipients += list(Ticket.objects.for_tenant(tenant).filter(senders=sender)
                       .exclude(assignee=None).values_list("assignee__email", flat=True))
    if notify.notify_once(tenant=tenant, kind="sender.regressed",
                   key=f"{sender.pk}:{sender.status_changed_at:%Y%m%d%H%M%S}",
                   recipients=recipients):
        notify.email_send_localised(lambda: (
            _("[%(tenant)s] %(address)s is using Basic authentication again") % {
                "tenant": tenant.name, "address": sender.address},
            _("%(address)s was migrated, but Basic SMTP AUTH usage was seen after the "
              "change. Its status is now “%(status)s”.") % {
                "address": sender.address, "status": SenderStatus.REGRESSED.label}),
            recipients)
    notify.webhooks_emit(tenant=tenant, event=Event.SENDER_REGRESSED,
                  data={"sender": sender.pk, "address": sender.address})


def senders_new_basic(*, tenant: Tenant, sender_ids: list[int]) -> int:
    """One digest to the tenant's managers listing senders not announced before.

    Ids of other tenants' senders are ignored."""
    senders = dict(Sender.objects.for_tenant(tenant).filter(pk__in=sender_ids)
                   .order_by("address").values_list("pk", "address"))
    fresh = {pk: address for pk, address in senders.items()
             if notify.notify_once(tenant=tenant, kind="sender.new_basic", key=str(pk),
                                   recipients=[])}
    if not fresh:
        return 0
    def compose():
        count = len(fresh)
        return (ngettext("[%(tenant)s] %(n)d new sender using Basic SMTP AUTH",
                         "[%(tenant)s] %(n)d new senders using Basic SMTP AUTH", count)
                % {"tenant": tenant.name, "n": count},
                _("Senders never seen before started submitting with Basic authentication:")
                + "\n" + "\n".join(f"- {a}" for a in fresh.values()))

    transaction.on_commit(lambda: notify.email_send_localised(
        compose, notify.managers_emails(tenant)))
    for pk, address in fresh.items():
        notify.webhooks_emit(tenant=tenant, event=Event.SENDER_NEW_BASIC,
                      data={"sender": pk, "address": address})
    return len(fresh)


def sender_status_changed(*, change_id: int) -> None:
    change = SenderStatusChange.objects.select_related("sender", "tenant").get(pk=change_id)
    notify.webhooks_emit(tenant=change.tenant, event=Event.SENDER_STATUS_CHANGED,
                  data={"sender": change.sender_id, "address": change.sender.address,
                        "from": change.from_status, "to": change.to_status,
                        "comment": change.comment})


def exception_expired(*, exception_id: int) -> None:
    exception = SenderException.objects.select_related(
        "tenant", "sender__owner_user", "approver").get(pk=exception_id)
    sender, tenant = exception.sender, exception.tenant
    recipients = [exception.approver.email,
                  sender.owner_user.email if sender.owner_user else sender.owner_email]
    if notify.notify_once(tenant=tenant, kind="exception.expired", key=str(exception.pk),
                   recipients=recipients):
        notify.email_send_localised(lambda: (
            _("[%(tenant)s] Exception expired for %(address)s") % {
                "tenant": tenant.name, "address": sender.address},
            _("The exception “%(kind)s” for %(address)s expired on %(day)s. Reason given: "
              "%(reason)s") % {"kind": exception.get_kind_display(), "address": sender.address,
                               "day": _day(exception.expires_on), "reason": exception.reason}),
            recipients)
    notify.webhooks_emit(tenant=tenant, event=Event.EXCEPTION_EXPIRED,
                  data={"sender": sender.pk, "address": sender.address,
                        "kind": exception.kind})


def _owner_and_managers(tenant: Tenant, sender: Sender) -> list[str]:
    owner = sender.owner_user.email if sender.owner_user else sender.owner_email
    return [owner, *notify.managers_emails(tenant)]


def sender_conflict(*, tenant: Tenant, sender: Sender, summary: str, checks: list[str],
                    key: str) -> bool:
    """Once per sender and configuration: its mailbox blocks Basic, yet Basic succeeded."""
    recipients = _owner_and_managers(tenant, sender)
    if not notify.notify_once(tenant=tenant, kind="sender.conflict", key=f"{sender.pk}:{key}",
                              recipients=recipients):
        return False
    notify.email_send(
        f"[{tenant.name}] Conflict: verify {sender.address}",
        f"{summary}.\nThe configuration says Basic SMTP AUTH cannot work for this mailbox, "
        "but the evidence says it did. What to check:\n"
        + "\n".join(f"- {c}" for c in checks), recipients)
    notify.webhooks_emit(tenant=tenant, event=Event.SENDER_CONFLICT,
                         data={"sender": sender.pk, "address": sender.address})
    return True


def sender_broken(*, tenant: Tenant, sender: Sender, failing: str, ticket_id: int,
                  key: str) -> bool:
    """Once per sender and first failure: a blocked device keeps trying Basic."""
    recipients = _owner_and_managers(tenant, sender)
    if not notify.notify_once(tenant=tenant, kind="sender.broken", key=f"{sender.pk}:{key}",
                              recipients=recipients):
        return False
    notify.email_send(
        f"[{tenant.name}] {sender.address} is failing with Basic authentication",
        f"{sender.address} is blocked from Basic SMTP AUTH and keeps trying: {failing}. "
        "The device or application is not sending mail (users see 550 5.7.30 or 535 "
        f"5.7.139). Ticket #{ticket_id} tracks the fix.", recipients)
    notify.webhooks_emit(tenant=tenant, event=Event.SENDER_BROKEN,
                         data={"sender": sender.pk, "address": sender.address,
                               "failing": failing, "ticket": ticket_id})
    return True
