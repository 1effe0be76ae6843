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
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from readiness.inventory.choices import EffectiveState
from readiness.inventory.models import Mailbox
from readiness.senders.choices import SCORE_DONE_STATUSES
from readiness.senders.models import Sender
from readiness.tenancy.models import Tenant
from readiness.tenancy.services import tenant_lock
from readiness.usage import sql
from readiness.usage.evidence import conflicted_mailbox_count
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
        tenant_lock(tenant)
        tenant_days_refresh(tenant=tenant, start=today - timedelta(days=days - 1), end=today)
        sender_rollups_refresh(tenant=tenant, today=today)
        tenant_rollup_refresh(tenant=tenant, today=today)


def _deduped(tenant: Tenant, start: date, end: date) -> tuple[str, list]:
    """(sender_id, day, auth_method, messages, signins, failed_signins) for start..end,
    the largest figure any source gave (usage_largest_across_sources, the rule's one
    home), as a derived table and its params for the set-based queries below."""
    query, params = usage_largest_across_sources(
        tenant=tenant, start=start, end=end).order_by().query.sql_with_params()
    return f"({query})", list(params)


BASIC_USE = "(auth_method = 'basic' AND (messages > 0 OR signins > 0))"


def tenant_days_refresh(*, tenant: Tenant, start: date, end: date) -> int:
    """Recompute TenantDay rows for start..end (inclusive). The database aggregates the
    facts; Python only holds one object per day."""
    totals: dict[date, TenantDay] = {}
    deduped, params = _deduped(tenant, start, end)
    rows = sql.fetch(
        "SELECT day, SUM(CASE WHEN auth_method = 'basic' THEN messages ELSE 0 END), "  # noqa: S608
        "SUM(CASE WHEN auth_method = 'oauth' THEN messages ELSE 0 END), "
        "SUM(CASE WHEN auth_method = 'unknown' THEN messages ELSE 0 END), "
        "SUM(CASE WHEN auth_method = 'basic' THEN signins ELSE 0 END), "
        f"SUM(CASE WHEN {BASIC_USE} THEN 1 ELSE 0 END) FROM {deduped} d GROUP BY day",
        params)
    for day, basic, oauth, unknown, signins, senders in rows:
        day = _as_date(day)
        totals[day] = TenantDay(tenant=tenant, day=day, basic_messages=basic,
                                oauth_messages=oauth, unknown_messages=unknown,
                                basic_signins=signins, basic_senders=senders)
    _apply_failed(tenant, start, end, totals)
    _apply_sources(tenant, start, end, totals)
    _apply_burndown(tenant, start, end, totals)
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


def _apply_burndown(tenant, start, end, totals) -> None:
    """Per day: senders with Basic use in the 7 days ending that day, by their current
    status. Each (sender, Basic day b) covers b..b+6; a sender's covered days are cut
    into disjoint pieces (a Basic day covers from the day after the previous one's
    cover ends), so the database returns where pieces start (+1) and end (-1) per status
    and a running sum gives each day's count. Expanding every Basic day into its 7
    covered days instead took 1.5 s for 3,000 senders x 90 days (bench/README.md)."""
    lookback = start - timedelta(days=STILL_ON_BASIC_DAYS - 1)
    deduped, params = _deduped(tenant, lookback, end)
    prev_end = sql.add_days("prev", str(STILL_ON_BASIC_DAYS))
    rows = sql.fetch(
        f"WITH b AS (SELECT u.day, snd.status, LAG(u.day) OVER "  # noqa: S608
        "(PARTITION BY u.sender_id ORDER BY u.day) AS prev FROM (SELECT DISTINCT "
        f"sender_id, day FROM {deduped} d WHERE {BASIC_USE}) u "
        f"JOIN {Sender._meta.db_table} snd ON snd.id = u.sender_id), "
        f"p AS (SELECT status, CASE WHEN prev IS NULL OR {prev_end} < day THEN day "
        f"ELSE {prev_end} END AS s, {sql.add_days('day', str(STILL_ON_BASIC_DAYS))} AS e "
        "FROM b) "
        "SELECT status, s, COUNT(*) FROM p GROUP BY status, s "
        "UNION ALL SELECT status, e, -COUNT(*) FROM p GROUP BY status, e",
        params)
    changes: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for status, day, change in rows:
        changes[status][_as_date(day)] += change
    for status, by_day in changes.items():
        running, day = 0, min(by_day)
        while day <= end:
            running += by_day.get(day, 0)
            # No data that day: no point, rather than a misleading zero.
            if running and day >= start and day in totals:
                totals[day].basic_senders_by_status[status] = running
            day += timedelta(days=1)


def sender_rollups_refresh(*, tenant: Tenant, today: date) -> int:
    """One SenderRollup per sender (zeros included, so sorting never meets NULLs), in
    one INSERT ... SELECT ... GROUP BY ... ON CONFLICT DO UPDATE."""
    start = today - timedelta(days=WINDOW_DAYS - 1)
    rollups, senders = SenderRollup._meta.db_table, Sender._meta.db_table
    figures = ("basic_messages_30d", "oauth_messages_30d", "basic_signins_30d",
               "failed_signins_30d", "window_end")
    changed = " OR ".join(f"{rollups}.{f} <> excluded.{f}" for f in figures)
    deduped, params = _deduped(tenant, start, today)
    return sql.execute(
        f"INSERT INTO {rollups} (tenant_id, sender_id, {', '.join(figures)}) "  # noqa: S608
        "SELECT snd.tenant_id, snd.id, "
        "COALESCE(SUM(CASE WHEN d.auth_method = 'basic' THEN d.messages END), 0), "
        "COALESCE(SUM(CASE WHEN d.auth_method = 'oauth' THEN d.messages END), 0), "
        "COALESCE(SUM(CASE WHEN d.auth_method = 'basic' THEN d.signins END), 0), "
        "COALESCE(SUM(d.failed_signins), 0), %s "
        f"FROM {senders} snd LEFT JOIN {deduped} d ON d.sender_id = snd.id "
        "WHERE snd.tenant_id = %s GROUP BY snd.tenant_id, snd.id "
        "ON CONFLICT (sender_id) DO UPDATE SET "
        + ", ".join(f"{f} = excluded.{f}" for f in figures) + f" WHERE {changed}",
        [today, *params, tenant.pk])


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
    values["mailboxes_conflict"] = conflicted_mailbox_count(
        tenant=tenant, start=today - timedelta(days=WINDOW_DAYS - 1), end=today)
    values["score"] = readiness_score(
        smtp_messages=values["smtp_messages_30d"], basic_messages=values["basic_messages_30d"],
        senders_total=values["senders_total"], senders_done=values["senders_done"],
        mailboxes_total=values["mailboxes_total"],
        # A mailbox whose state is unknown is not known to be safe; nor is one whose
        # configuration says blocked while Basic succeeded (a conflict).
        mailboxes_basic_possible=values["mailboxes_basic_possible"]
        + values["mailboxes_by_state"].get(EffectiveState.UNKNOWN, 0)
        + values["mailboxes_conflict"],
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
