"""Read-side queries for the dashboards. Every function takes the tenant (or the
user's visible tenants) first and returns querysets or plain rows for charts and tables.

The pages read the rollups in `readiness.usage` (TenantRollup, TenantDay, SenderRollup),
never the raw daily facts, so their cost does not grow with the tenant's history.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import (
    Count,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from readiness.ingestion.models import IngestSchedule
from readiness.inventory.models import Mailbox
from readiness.milestones.choices import Kind, Status
from readiness.milestones.models import Milestone
from readiness.milestones.titles import title_display
from readiness.senders.choices import OPEN_TICKET_STATUSES
from readiness.senders.models import Sender, Ticket
from readiness.tenancy.models import Tenant
from readiness.usage.models import ClientObservation, TenantDay
from readiness.usage.readiness import PortfolioState, readiness_state_expression
from readiness.usage.selectors import usage_largest_across_sources

MILESTONE_KINDS = (Kind.DEADLINE, Kind.INTERNAL)


def today() -> date:
    return timezone.now().date()


def next_global_milestone(*, on: date | None = None) -> Milestone | None:
    return (Milestone.objects.for_tenant(None).upcoming(on or today())
            .filter(kind__in=MILESTONE_KINDS).order_by("date").first())


def portfolio_queryset(tenants: QuerySet[Tenant]) -> QuerySet[Tenant]:
    """Tenants with their rollup, connection, state, next internal target and last ingest."""
    internal = (Milestone.objects.filter(tenant=OuterRef("pk"), kind=Kind.INTERNAL,
                                         date__gte=today())
                .exclude(status=Status.SUPERSEDED).order_by("date"))
    last_ingest = (IngestSchedule.objects.filter(tenant=OuterRef("pk"),
                                                 last_success_at__isnull=False)
                   .order_by("-last_success_at").values("last_success_at")[:1])
    return (
        tenants.select_related("usage_rollup", "connection")
        .annotate(
            readiness_state=readiness_state_expression(),
            internal_target_date=Subquery(internal.values("date")[:1]),
            internal_target_title=Subquery(internal.values("title")[:1]),
            last_ingest_at=Subquery(last_ingest),
        )
        .order_by("name")
    )


def portfolio_summary(queryset: QuerySet[Tenant]) -> dict[str, int]:
    """How many tenants are in each state (one query)."""
    counts = dict(queryset.order_by().values_list("readiness_state")
                  .annotate(n=Count("pk")).values_list("readiness_state", "n"))
    return {state: counts.get(state, 0) for state, _ in PortfolioState.CHOICES}


def tenant_days(*, tenant: Tenant, start: date, end: date) -> list[dict]:
    return list(TenantDay.objects.for_tenant(tenant).filter(day__range=(start, end)).values(
        "day", "basic_messages", "oauth_messages", "unknown_messages", "basic_signins",
        "failed_signins", "basic_senders", "basic_senders_by_status", "sources"))


def milestone_rows(*, tenant: Tenant | None) -> list[dict]:
    rows = Milestone.objects.for_tenant(tenant).values(
        "key", "date", "title", "status", "kind", "precision", "source", "tenant_id")
    # Microsoft's seeded titles in the reader's language (milestones/titles.py).
    return [{**row, "title": title_display(row["title"], microsoft=row["tenant_id"] is None)}
            for row in rows]


def next_milestone(*, tenant: Tenant | None, on: date | None = None) -> Milestone | None:
    return (Milestone.objects.for_tenant(tenant).upcoming(on or today())
            .filter(kind__in=MILESTONE_KINDS).order_by("date").first())


def mailbox_state_counts(*, tenant: Tenant) -> dict[str, int]:
    return dict(Mailbox.objects.for_tenant(tenant).order_by().values_list("effective_state")
                .annotate(n=Count("pk")).values_list("effective_state", "n"))


def _open_tickets() -> QuerySet[Ticket]:
    return Ticket.objects.filter(status__in=OPEN_TICKET_STATUSES)


def sender_queryset(*, tenant: Tenant) -> QuerySet[Sender]:
    """Senders with their 30-day rollup, mailbox, owner, earliest open ticket and an IP.

    Observations are prefetched (one query per page) for the IP column.
    """
    ticket = _open_tickets().filter(senders=OuterRef("pk")).order_by(
        F("due_date").asc(nulls_last=True), "pk")
    first_ip = (ClientObservation.objects.filter(sender=OuterRef("pk")).exclude(client_ip="")
                .order_by("client_ip").values("client_ip")[:1])
    return (
        # Only the rollup is joined: sorting 50,000 rows stays narrow. Mailbox and owner
        # are fetched for the page's rows only (two constant queries).
        Sender.objects.for_tenant(tenant)
        .select_related("rollup")
        .prefetch_related("mailbox", "owner_user", "device_model", Prefetch(
            "observations", queryset=ClientObservation.objects.only(
                "sender_id", "client_ip", "tls_version").order_by("client_ip")))
        .annotate(
            ticket_due=Subquery(ticket.values("due_date")[:1]),
            ticket_title=Subquery(ticket.values("title")[:1]),
            first_ip=Subquery(first_ip),
        )
        .order_by("address")
    )


def mailbox_queryset(*, tenant: Tenant) -> QuerySet[Mailbox]:
    return Mailbox.objects.for_tenant(tenant).order_by("address")


def sender_for_tenant_or_404(*, tenant: Tenant, pk: int) -> Sender:
    from django.shortcuts import get_object_or_404

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


def usage_rows(*, tenant: Tenant, start: date, end: date) -> QuerySet:
    """The API's daily rows: one per day, from the de-duplicated tenant rollup."""
    return TenantDay.objects.for_tenant(tenant).filter(day__range=(start, end)).order_by("day")


def window(days: int, end: date | None = None) -> tuple[date, date]:
    end = end or today()
    return end - timedelta(days=days - 1), end
