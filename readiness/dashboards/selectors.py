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
    QuerySet,
    Subquery,
)
from django.utils import timezone

from readiness.ingestion.models import IngestSchedule
from readiness.inventory.models import Mailbox
from readiness.milestones.choices import Kind, Status
from readiness.milestones.models import Milestone
from readiness.milestones.titles import title_display
from readiness.tenancy.models import Tenant
from readiness.usage.models import TenantDay
from readiness.usage.readiness import PortfolioState, readiness_state_expression

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
    # The source that succeeded longest ago (never first): it decides "stale".
    oldest = (IngestSchedule.objects.filter(tenant=OuterRef("pk"), enabled=True)
              .order_by(F("last_success_at").asc(nulls_first=True))
              .values("last_success_at")[:1])
    return (
        tenants.select_related("usage_rollup", "connection")
        .annotate(
            readiness_state=readiness_state_expression(),
            internal_target_date=Subquery(internal.values("date")[:1]),
            internal_target_title=Subquery(internal.values("title")[:1]),
            internal_target_precision=Subquery(internal.values("precision")[:1]),
            last_ingest_at=Subquery(last_ingest),
            oldest_ingest_at=Subquery(oldest),
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


def usage_rows(*, tenant: Tenant, start: date, end: date) -> QuerySet:
    """The API's daily rows: one per day, from the de-duplicated tenant rollup."""
    return TenantDay.objects.for_tenant(tenant).filter(day__range=(start, end)).order_by("day")


def window(days: int, end: date | None = None) -> tuple[date, date]:
    end = end or today()
    return end - timedelta(days=days - 1), end


# The overview lists this many conflicts; the readiness blockers give the full count.
CONFLICTS_LISTED = 20


def conflict_rows(*, tenant: Tenant, days: int = 30,
                  limit: int = CONFLICTS_LISTED) -> tuple[list[dict], bool]:
    """The first `limit` mailboxes in conflict (configuration blocks Basic, Basic
    succeeded in the last `days` days), with the explanation and the sender to open, and
    whether there are more (their count is the rollup's): bounded work on any tenant."""
    from readiness.usage.evidence import conflict_explain, conflicted_mailboxes

    end = today()
    conflicted, more = conflicted_mailboxes(tenant=tenant, start=end - timedelta(days=days - 1),
                                            end=end, limit=limit)
    from readiness.senders.models import Sender

    senders = dict(Sender.objects.for_tenant(tenant)
                   .filter(mailbox__in=[m for m, _e in conflicted])
                   .values_list("mailbox_id", "pk"))
    return [{"address": m.address, "sender_pk": senders.get(m.pk),
             "summary": conflict_explain(m, evidence).summary}
            for m, evidence in conflicted], more
