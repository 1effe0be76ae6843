"""Read-side queries of senders: the sender table and page, coverage, relay needs,
panels and ticket queues."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Case, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from readiness.core.changes import ChangeFormatter
from readiness.senders.choices import OPEN_TICKET_STATUSES
from readiness.senders.models import Sender, SenderException, SenderStatusChange, Ticket
from readiness.tenancy import scoping
from readiness.tenancy.choices import Role
from readiness.tenancy.models import Membership, Tenant
from readiness.usage.models import ClientObservation, DailyUsage
from readiness.usage.selectors import usage_largest_across_sources

# Who may hold a ticket: the tenant's helpdesk and managers (and MSP admins).
ASSIGNABLE_ROLES = (Role.HELPDESK, Role.MANAGER)


def covered_days(*, tenant: Tenant, start: date, end: date) -> set[date]:
    """Days on which some source holds data for the tenant.

    A day is covered when any DailyUsage row exists for the tenant on it, from any
    source and for any sender: the sign-in log read, a detailed report or an Export
    (whose importer writes rows for the days of the period it covers). No row at all
    means nobody looked — not that nobody sent.
    """
    days = (DailyUsage.objects.for_tenant(tenant).filter(day__range=(start, end))
            .values_list("day", flat=True).distinct())
    return set(days)


def coverage_complete(*, tenant: Tenant, start: date, end: date) -> bool:
    if end < start:
        return False
    wanted = (end - start).days + 1
    return len(covered_days(tenant=tenant, start=start, end=end)) == wanted


def sender_needs_relay(sender: Sender) -> bool:
    """A device that cannot do OAuth must move to a relay, HVE or a connector."""
    return sender.needs_relay


def sender_history(*, tenant: Tenant, sender: Sender, limit: int = 20):
    return list(SenderStatusChange.objects.for_tenant(tenant).filter(sender=sender)
                .select_related("actor")[:limit])


def sender_tickets(*, tenant: Tenant, sender: Sender):
    return list(Ticket.objects.for_tenant(tenant).filter(senders=sender)
                .select_related("assignee").order_by("-created_at")[:10])


def sender_active_exceptions(*, tenant: Tenant, sender: Sender):
    return list(SenderException.objects.for_tenant(tenant)
                .filter(sender=sender, ended_at__isnull=True).select_related("approver"))


def _overdue_annotation(today: date):
    return Case(When(Q(due_date__lt=today, status__in=OPEN_TICKET_STATUSES), then=Value(True)),
                default=Value(False))


def ticket_queryset(*, tenant: Tenant, today: date | None = None) -> QuerySet[Ticket]:
    """The team queue: the tenant's tickets with the related rows the tables show."""
    today = today or timezone.now().date()
    return (Ticket.objects.for_tenant(tenant)
            .select_related("tenant", "assignee", "updated_by")
            .annotate(is_overdue=_overdue_annotation(today)))


def my_ticket_queryset(*, user, today: date | None = None) -> QuerySet[Ticket]:
    """My queue: tickets assigned to the user in every tenant the user may still see."""
    today = today or timezone.now().date()
    return (scoping.scope(Ticket.objects.filter(assignee=user), user)
            .select_related("tenant", "assignee", "updated_by")
            .annotate(is_overdue=_overdue_annotation(today)))


def overdue_tickets(*, tenant: Tenant, today: date) -> QuerySet[Ticket]:
    return (Ticket.objects.for_tenant(tenant)
            .filter(due_date__lt=today, status__in=OPEN_TICKET_STATUSES)
            .select_related("assignee"))


def tenant_members(*, tenant: Tenant, roles=None):
    """Active users with a membership in the tenant (optionally of these roles)."""
    memberships = Membership.objects.for_tenant(tenant)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return (get_user_model().objects.filter(is_active=True, pk__in=memberships.values("user"))
            .order_by("username"))


def assignable_users(*, tenant: Tenant):
    """Who may hold this tenant's tickets: its helpdesk and managers, and MSP admins."""
    assignable = Membership.objects.for_tenant(tenant).filter(role__in=ASSIGNABLE_ROLES)
    return (get_user_model().objects.filter(is_active=True)
            .filter(Q(pk__in=assignable.values("user")) | Q(is_superuser=True))
            .order_by("username"))


def assignee_by_username(*, tenant: Tenant, username: str):
    """The active user named `username` who may hold this tenant's tickets, else None.

    Looked up among the assignable users only, so an API caller cannot learn which
    usernames exist in other tenants.
    """
    return assignable_users(tenant=tenant).filter(username=username).first()


def _open_tickets() -> QuerySet[Ticket]:
    return Ticket.objects.filter(status__in=OPEN_TICKET_STATUSES)


def _earliest_first(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return tickets.order_by(F("due_date").asc(nulls_last=True), "pk")


def sender_queryset(*, tenant: Tenant) -> QuerySet[Sender]:
    """Senders with their 30-day rollup, mailbox, owner, open tickets and client IPs.

    The open tickets and the observations are prefetched: one query each, for the
    page's rows only. As annotations (correlated subqueries) PostgreSQL computed them
    for every row an OFFSET skips too, which made deep pages slow. Sorting on those
    columns adds them back (`with_earliest_ticket`, `with_first_ip`).
    """
    return (
        # Only the rollup is joined: sorting 50,000 rows stays narrow. Mailbox and owner
        # are fetched for the page's rows only (two constant queries).
        Sender.objects.for_tenant(tenant)
        .select_related("rollup")
        .prefetch_related(
            "mailbox", "owner_user", "device_model",
            Prefetch("observations", queryset=ClientObservation.objects.only(
                "sender_id", "client_ip", "tls_version").order_by("client_ip")),
            Prefetch("tickets", queryset=_earliest_first(_open_tickets()).only(
                "id", "title", "due_date"), to_attr="open_tickets"))
        .order_by("address")
    )


def earliest_open_ticket(sender: Sender) -> Ticket | None:
    """The open ticket due first (undated last), from `sender_queryset`'s prefetch."""
    return sender.open_tickets[0] if sender.open_tickets else None


def with_earliest_ticket(senders: QuerySet[Sender]) -> QuerySet[Sender]:
    """`ticket_title` and `ticket_due`, to sort on: computed for every sender, so a sort
    on them stays slower."""
    ticket = _earliest_first(_open_tickets().filter(senders=OuterRef("pk")))
    return senders.annotate(ticket_title=Subquery(ticket.values("title")[:1]),
                            ticket_due=Subquery(ticket.values("due_date")[:1]))


def with_first_ip(senders: QuerySet[Sender]) -> QuerySet[Sender]:
    """`first_ip`, to sort on: computed for every sender, so a sort on it stays slower."""
    first_ip = (ClientObservation.objects.filter(sender=OuterRef("pk")).exclude(client_ip="")
                .order_by("client_ip").values("client_ip")[:1])
    return senders.annotate(first_ip=Subquery(first_ip))


def sender_for_tenant_or_404(*, tenant: Tenant, pk: int) -> Sender:
    return get_object_or_404(
        Sender.objects.for_tenant(tenant).select_related("mailbox", "owner_user", "rollup"),
        pk=pk)


def sender_daily_rows(*, tenant: Tenant, sender: Sender, start: date, end: date) -> list[dict]:
    """Per day and method, de-duplicated across sources (the largest figure wins)."""
    return list(usage_largest_across_sources(tenant=tenant, start=start, end=end,
                                             sender=sender).order_by("day", "auth_method"))


def sender_observations(*, tenant: Tenant, sender: Sender) -> list[ClientObservation]:
    return list(ClientObservation.objects.for_tenant(tenant).filter(sender=sender)
                .order_by("-last_day", "client_ip"))


def sender_evidence_panel(*, tenant: Tenant, sender: Sender, days: int = 30) -> dict:
    """What the sender page shows beside the mailbox's state: the Basic evidence of the
    last `days` days, the conflict with its explanations, the breakage, the block note."""
    from readiness.usage.evidence import (
        block_note,
        conflict_explain,
        failing_label,
        sender_evidence,
    )

    end = timezone.now().date()
    evidence, conflict = sender_evidence(tenant=tenant, start=end - timedelta(days=days - 1),
                                         end=end, senders=[sender])[sender.pk]
    mailbox = sender.mailbox
    return {"evidence": evidence, "days": days,
            "conflict": conflict_explain(mailbox, evidence) if conflict else None,
            "failing": "" if conflict else failing_label(evidence),
            "block_note": block_note(mailbox, evidence) if mailbox else ""}


def ticket_history(*, ticket: Ticket) -> list[tuple]:
    """The ticket's events with their changes in words ("Assignee: — → Alice Nováková",
    "Status: Open → Done"): one query for the events, one per related model."""
    events = list(ticket.events.select_related("actor"))
    label = Ticket._meta.label
    pairs = [(e, {k: v[0] for k, v in e.changes.items()},
              {k: v[1] for k, v in e.changes.items()}) for e in events]
    formatter = ChangeFormatter().prime((label, before, after) for _e, before, after in pairs)
    return [(e, formatter.changes(label, before, after, ticket.tenant_id))
            for e, before, after in pairs]
