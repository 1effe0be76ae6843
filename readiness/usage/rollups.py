"""Usage rollups: the small tables the dashboards read instead of the raw daily facts.

`usage_rollups_refresh(*, tenant, days)` must run after every write to DailyUsage (sign-in
ingest, report import, demo seed) and nightly (the 30-day windows slide). It rebuilds:

- TenantDay for the last `days` days (per-day totals, coverage, burndown counts);
- SenderRollup for every sender of the tenant (the 30-day figures the table sorts on);
- TenantRollup (the portfolio row and KPI cards, including the readiness score).

`tenant_rollup_refresh(*, tenant)` rebuilds only TenantRollup; call it after changes that
do not touch usage: an inventory sync (mailbox states) or sender status changes.

Every function is idempotent: it recomputes from the facts and replaces what it wrote.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from readiness.inventory.choices import EffectiveState
from readiness.inventory.models import Mailbox
from readiness.senders.choices import SCORE_DONE_STATUSES, SenderStatus
from readiness.senders.models import Sender
from readiness.tenancy.models import Tenant
from readiness.usage.models import (
    ClientObservation,
    CoveredDay,
    DailyUsage,
    SenderRollup,
    TenantDay,
    TenantRollup,
)
from readiness.usage.readiness import readiness_score
from readiness.usage.selectors import failed_signins_by_day, usage_largest_across_sources

CHUNK = 5000
WINDOW_DAYS = 30
STILL_ON_BASIC_DAYS = 7  # a sender is "still on Basic" on day d if it used Basic in d-6..d
TREND_DAYS = 14

def usage_rollups_refresh(*, tenant: Tenant, days: int = 35, today: date | None = None) -> None:
    """Rebuild the tenant's rollups; `days` = how many recent days of TenantDay to redo.

    Call after every DailyUsage write with a `days` that covers the written period
    (e.g. an import of 90 days -> days=90+7) and nightly with the default.
    """
    today = today or timezone.now().date()
    with transaction.atomic():
        tenant_days_refresh(tenant=tenant, start=today - timedelta(days=days - 1), end=today)
        sender_rollups_refresh(tenant=tenant, today=today)
        tenant_rollup_refresh(tenant=tenant, today=today)


def _deduped_rows(*, tenant: Tenant, start: date, end: date) -> Iterator[tuple]:
    """(sender_id, day, auth_method, messages, signins, failed), largest figure across sources."""
    return usage_largest_across_sources(tenant=tenant, start=start, end=end).values_list(
        "sender_id", "day", "auth_method", "messages", "signins", "failed_signins",
    ).iterator(chunk_size=CHUNK)


def tenant_days_refresh(*, tenant: Tenant, start: date, end: date) -> int:
    """Recompute TenantDay rows for start..end (inclusive)."""
    totals: dict[date, TenantDay] = {}
    basic_days: dict[int, set[date]] = defaultdict(set)
    lookback = start - timedelta(days=STILL_ON_BASIC_DAYS - 1)
    for sender_id, day, method, messages, signins, _failed in _deduped_rows(
            tenant=tenant, start=lookback, end=end):
        day = _as_date(day)
        if method == "basic" and (messages or signins):
            basic_days[sender_id].add(day)
        if day < start:
            continue
        row = totals.setdefault(day, TenantDay(tenant=tenant, day=day))
        setattr(row, f"{method}_messages", getattr(row, f"{method}_messages") + messages)
        row.basic_signins += signins if method == "basic" else 0
    _apply_failed(tenant, start, end, totals)
    _apply_sources(tenant, start, end, totals)
    _apply_burndown(tenant, start, end, totals, basic_days)
    TenantDay.objects.for_tenant(tenant).filter(day__range=(start, end)).delete()
    TenantDay.objects.bulk_create(totals.values(), batch_size=CHUNK)
    return len(totals)


def _as_date(value) -> date:
    # SQLite's raw cursor returns ISO strings; PostgreSQL returns dates.
    return date.fromisoformat(value) if isinstance(value, str) else value


def _apply_failed(tenant, start, end, totals) -> None:
    for day, count in failed_signins_by_day(tenant=tenant, start=start, end=end).items():
        totals.setdefault(day, TenantDay(tenant=tenant, day=day)).failed_signins = count


def _apply_sources(tenant, start, end, totals) -> None:
    """A day's sources: those that covered it (CoveredDay) and those with a row on it
    (a row proves the source looked). A covered day without traffic gets a row of
    zeros: "no traffic" is a fact, unlike a day nobody covered (no row: a gap)."""
    pairs = (DailyUsage.objects.for_tenant(tenant).filter(day__range=(start, end))
             .values_list("day", "source").distinct())
    covered = (CoveredDay.objects.for_tenant(tenant).filter(day__range=(start, end))
               .values_list("day", "source"))
    by_day: dict[date, set[str]] = defaultdict(set)
    for day, source in [*pairs, *covered]:
        by_day[day].add(source)
    for day, sources in by_day.items():
        totals.setdefault(day, TenantDay(tenant=tenant, day=day)).sources = ",".join(
            sorted(sources))


def _apply_burndown(tenant, start, end, totals, basic_days) -> None:
    statuses = dict(Sender.objects.for_tenant(tenant).filter(pk__in=basic_days.keys())
                    .values_list("pk", "status"))
    for day in (start + timedelta(days=i) for i in range((end - start).days + 1)):
        if day not in totals:
            continue  # no data that day: no point, rather than a misleading zero
        window = {day - timedelta(days=i) for i in range(STILL_ON_BASIC_DAYS)}
        counts: dict[str, int] = defaultdict(int)
        for sender_id, days in basic_days.items():
            if day in days:
                totals[day].basic_senders += 1
            if days & window:
                counts[statuses.get(sender_id, SenderStatus.NEW)] += 1
        totals[day].basic_senders_by_status = dict(counts)


def sender_rollups_refresh(*, tenant: Tenant, today: date) -> int:
    """One SenderRollup per sender (zeros included, so sorting never meets NULLs)."""
    start = today - timedelta(days=WINDOW_DAYS - 1)
    figures: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for sender_id, _day, method, messages, signins, failed in _deduped_rows(
            tenant=tenant, start=start, end=today):
        row = figures[sender_id]
        row[0 if method == "basic" else 1] += messages if method != "unknown" else 0
        row[2] += signins if method == "basic" else 0
        row[3] += failed
    rollups = [
        SenderRollup(tenant=tenant, sender_id=pk, basic_messages_30d=f[0], oauth_messages_30d=f[1],
                     basic_signins_30d=f[2], failed_signins_30d=f[3], window_end=today)
        for pk in Sender.objects.for_tenant(tenant).values_list("pk", flat=True)
        for f in (figures.get(pk, (0, 0, 0, 0)),)
    ]
    SenderRollup.objects.for_tenant(tenant).delete()
    SenderRollup.objects.bulk_create(rollups, batch_size=CHUNK)
    return len(rollups)


def sender_rollups_ensure(*, tenant: Tenant, today: date) -> int:
    """Give every sender a rollup row (zeros until the next full refresh).

    The sender table joins SenderRollup when sorting by a figure, so a sender created
    between refreshes (e.g. by hand) must not drop out of it.
    """
    missing = Sender.objects.for_tenant(tenant).filter(rollup__isnull=True).values_list(
        "pk", flat=True)
    rows = [SenderRollup(tenant=tenant, sender_id=pk, window_end=today) for pk in missing]
    SenderRollup.objects.bulk_create(rows, batch_size=CHUNK, ignore_conflicts=True)
    return len(rows)


def tenant_rollup_refresh(*, tenant: Tenant, today: date | None = None) -> TenantRollup:
    """The portfolio row: reads the other rollups, mailboxes and senders (no raw facts)."""
    today = today or timezone.now().date()
    sender_rollups_ensure(tenant=tenant, today=today)
    values = {**_usage_figures(tenant, today), **_inventory_figures(tenant)}
    values["score"] = readiness_score(
        smtp_messages=values["smtp_messages_30d"], basic_messages=values["basic_messages_30d"],
        senders_total=values["senders_total"], senders_done=values["senders_done"],
        mailboxes_total=values["mailboxes_total"],
        # A mailbox whose state is unknown is not known to be safe.
        mailboxes_basic_possible=values["mailboxes_basic_possible"]
        + values["mailboxes_by_state"].get(EffectiveState.UNKNOWN, 0),
    )
    rollup, _ = TenantRollup.objects.update_or_create(
        tenant=tenant, defaults={**values, "window_end": today, "refreshed_at": timezone.now()})
    return rollup


def _usage_figures(tenant: Tenant, today: date) -> dict:
    days = {d.day: d for d in TenantDay.objects.for_tenant(tenant).filter(
        day__gt=today - timedelta(days=WINDOW_DAYS))}
    last_7 = today - timedelta(days=7)
    senders = SenderRollup.objects.for_tenant(tenant)
    return {
        "basic_messages_30d": sum(d.basic_messages for d in days.values()),
        "smtp_messages_30d": sum(d.basic_messages + d.oauth_messages for d in days.values()),
        "basic_messages_7d": sum(d.basic_messages for d in days.values() if d.day > last_7),
        "basic_signins_30d": sum(d.basic_signins for d in days.values()),
        "failed_signins_30d": sum(d.failed_signins for d in days.values()),
        "basic_messages_14d_trend": [
            days[day].basic_messages if day in days else None
            for day in (today - timedelta(days=i) for i in reversed(range(TREND_DAYS)))
        ],
        "basic_senders_30d": senders.filter(
            Q(basic_messages_30d__gt=0) | Q(basic_signins_30d__gt=0)).count(),
        "data_days": len(days),
        "last_day_by_source": {
            source: day.isoformat() for source, day in DailyUsage.objects.for_tenant(tenant)
            .values_list("source").annotate(last=Max("day")).values_list("source", "last")
        },
    }


def _inventory_figures(tenant: Tenant) -> dict:
    states = dict(Mailbox.objects.for_tenant(tenant).values_list("effective_state")
                  .annotate(n=Count("pk")).values_list("effective_state", "n"))
    statuses = dict(Sender.objects.for_tenant(tenant).values_list("status")
                    .annotate(n=Count("pk")).values_list("status", "n"))
    tls = dict(ClientObservation.objects.for_tenant(tenant).exclude(tls_version="")
               .values_list("tls_version").annotate(n=Count("sender", distinct=True))
               .values_list("tls_version", "n"))
    return {
        "mailboxes_total": sum(states.values()),
        "mailboxes_basic_possible": states.get(EffectiveState.BASIC_POSSIBLE, 0),
        "mailboxes_by_state": states,
        "senders_total": sum(statuses.values()),
        "senders_done": sum(statuses.get(s, 0) for s in SCORE_DONE_STATUSES),
        "senders_by_tls": tls,
    }
