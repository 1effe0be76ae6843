"""Derive the daily usage facts from what the imports hold, so they never drift.

DailyUsage rows of source "detailed_report" and "export" are *recomputed* for a day
range from ReportMessage / ExportAggregate. The one exception is a detailed import:
it only ever adds messages, so the messages it owns are added to the facts
(detailed_import_add), which gives the same result without re-reading the tenant's
history. Re-importing, importing an overlapping report or deleting an import therefore
always leaves the facts equal to what the remaining imports say.

Export files carry per-sender totals over a stated period and no dates. Each total is
spread evenly over the period's days (integer shares; the remainder goes to the
earliest days, so the days add up to the file's figure exactly). Where the stated
periods of two Exports overlap, each (sender, protocol, day) is taken from the most
recently imported Export that has a row for that sender and protocol, so overlapping
Exports never double-count.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from readiness.imports.choices import ImportStatus
from readiness.imports.models import ExportAggregate, ReportImport, ReportMessage
from readiness.imports.rawstage import RawStage
from readiness.imports.staging import MessageStage
from readiness.senders.services import after_usage_change
from readiness.tenancy.models import Tenant
from readiness.usage import sql
from readiness.usage.choices import UsageSource
from readiness.usage.models import ClientObservation, DailyUsage

# Everything below is set-based SQL: the database aggregates the imported rows and
# upserts the facts. The cost follows the number of distinct facts (hundreds of
# thousands for a large tenant), so no fact ever becomes a Python object.

USAGE, OBS = DailyUsage._meta.db_table, ClientObservation._meta.db_table
MESSAGES, AGGREGATES = ReportMessage._meta.db_table, ExportAggregate._meta.db_table
IMPORTS = ReportImport._meta.db_table
USAGE_KEY = "tenant_id, sender_id, day, auth_method, source"
OBS_KEY = "tenant_id, sender_id, source, client_ip, tls_version"


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def detailed_usage_recompute(*, tenant: Tenant, start: date, end: date) -> int:
    """Rebuild the detailed-report facts for [start, end] from ReportMessage."""
    sums = (f"SELECT tenant_id, sender_id, day, auth_method, %s AS source, "  # noqa: S608
            f"SUM(count) AS messages, 0 AS signins, 0 AS failed_signins FROM {MESSAGES} "
            "WHERE tenant_id = %s AND day BETWEEN %s AND %s "
            "GROUP BY tenant_id, sender_id, day, auth_method")
    return _usage_replace(tenant, UsageSource.DETAILED_REPORT, start, end, sums,
                          [UsageSource.DETAILED_REPORT, tenant.pk, start, end])


def detailed_import_merge(*, report: ReportImport, stage: MessageStage | RawStage) -> int:
    """Merge a detailed import's staged rows into ReportMessage and add the NEW ones
    (those it now owns: a message another import already had stays theirs) to daily
    usage and client observations; returns how many messages were new.

    An import only ever adds messages, so adding its own gives the same facts as a
    recompute without re-reading the tenant's history (a deletion recomputes instead).
    On PostgreSQL it is ONE statement: the merge's RETURNING feeds two INSERT ...
    SELECT ... GROUP BY, so the million rows are read once.
    Elsewhere the same upserts read back the rows the import owns.
    """
    fresh = _fresh_facts(report)
    if sql.postgres():
        counts = None
        if not _messages_may_exist(report):
            try:
                with transaction.atomic():  # a savepoint to come back to
                    counts = _merge_with_facts(report, stage, fresh, dedupe=False)
            except IntegrityError:
                pass  # the file repeats a message ID, or an import has it on another day
        new_messages, usage_rows, observation_rows = (
            counts or _merge_with_facts(report, stage, fresh, dedupe=True))
        # The follow-up's queries must not be planned for the tables as they were.
        sql.analyze_if_outgrown(USAGE, usage_rows)
        sql.analyze_if_outgrown(OBS, observation_rows)
        return new_messages
    merge, merge_params = stage.merge_statement(tenant_id=report.tenant_id,
                                                import_id=report.pk)
    new_messages = sql.execute(merge, merge_params)
    owned = (f"(SELECT * FROM {MESSAGES} WHERE tenant_id = %s "  # noqa: S608
             "AND day BETWEEN %s AND %s AND report_import_id = %s) new")
    for statement, params in _fact_upserts(report, owned, [
            report.tenant_id, report.period_start, report.period_end, report.pk], fresh):
        sql.execute(statement, params)
    return new_messages


def _merge_with_facts(report: ReportImport, stage: MessageStage | RawStage,
                      fresh: tuple[bool, bool], *, dedupe: bool) -> tuple[int, int, int]:
    """(new messages, daily usage rows written, observations written)."""
    merge, merge_params = stage.merge_statement(tenant_id=report.tenant_id,
                                                import_id=report.pk, dedupe=dedupe)
    (usage, usage_params), (obs, obs_params) = _fact_upserts(report, "new", [], fresh)
    rows = sql.fetch(
        f"WITH new AS ({merge} RETURNING sender_id, day, auth_method, count, "  # noqa: S608
        f"client_ip, tls_version), usage AS ({usage} RETURNING 1), "
        f"obs AS ({obs} RETURNING 1) SELECT (SELECT COUNT(*) FROM new), "
        "(SELECT COUNT(*) FROM usage), (SELECT COUNT(*) FROM obs)",
        [*merge_params, *usage_params, *obs_params])
    return rows[0]


def _messages_may_exist(report: ReportImport) -> bool:
    """Whether a message of the file may be known already. Without ON CONFLICT the
    merge INSERT skips a speculative insertion per row (1,000,000 messages: 12.4 s ->
    7.2 s, bench/README.md); a message ID is unique to its message, so one known before
    is on a day of the file's period. Where that guess fails (a file that repeats an
    ID, or reuses one on another day), the unique key stops the INSERT and the merge
    runs again with ON CONFLICT DO NOTHING."""
    return ReportMessage.objects.filter(
        tenant=report.tenant, day__range=(report.period_start, report.period_end)).exists()


def _fresh_facts(report: ReportImport) -> tuple[bool, bool]:
    """(daily usage, observations): True when no fact of the import's source can exist
    yet where it writes, so a plain INSERT does. ON CONFLICT DO UPDATE costs PostgreSQL
    a speculative insertion per row (a 1,000,000-row report: ~650,000 facts, 45 s
    against 27 s plain, bench/README.md). The tenant lock (services._tenant_lock)
    keeps another import from adding any in between; no other writer has this source."""
    source = UsageSource.DETAILED_REPORT
    facts = DailyUsage.objects.for_tenant(report.tenant).filter(
        source=source, day__range=(report.period_start, report.period_end))
    observations = ClientObservation.objects.for_tenant(report.tenant).filter(source=source)
    return not facts.exists(), not observations.exists()


def _fact_upserts(report: ReportImport, rows: str, rows_params: list,
                  fresh: tuple[bool, bool] = (False, False)) -> list[tuple]:
    """The two additive upserts (statement, params) over `rows`, a table expression of
    message rows: daily usage, then client observations. Where `fresh` says no row can
    exist yet, a plain INSERT (the GROUP BY makes each key unique). Rows go in in their
    natural key's order: the unique and (sender, day) indexes then take them left to
    right instead of at random (highcard, 650,000 facts: 7.4 s -> 4.8 s, bench/README.md)."""
    source = UsageSource.DETAILED_REPORT
    params = [report.tenant_id, source, *rows_params]
    usage = (
        f"INSERT INTO {USAGE} ({USAGE_KEY}, messages, signins, failed_signins) "  # noqa: S608
        f"SELECT %s, sender_id, day, auth_method, %s, SUM(count), 0, 0 FROM {rows} "
        "WHERE true GROUP BY sender_id, day, auth_method ORDER BY sender_id, day, auth_method")
    if not fresh[0]:
        usage += (f" ON CONFLICT ({USAGE_KEY}) DO UPDATE SET "
                  f"messages = {USAGE}.messages + excluded.messages")
    # A row with neither a client IP nor a TLS version observes nothing.
    observations = (
        f"INSERT INTO {OBS} ({OBS_KEY}, first_day, last_day, messages) "  # noqa: S608
        f"SELECT %s, sender_id, %s, client_ip, tls_version, MIN(day), MAX(day), "
        f"SUM(count) FROM {rows} WHERE (client_ip <> '' OR tls_version <> '') "
        "GROUP BY sender_id, client_ip, tls_version ORDER BY sender_id, client_ip, tls_version")
    if not fresh[1]:
        observations += (
            f" ON CONFLICT ({OBS_KEY}) DO UPDATE SET "
            f"first_day = {sql.least(f'{OBS}.first_day', 'excluded.first_day')}, "
            f"last_day = {sql.greatest(f'{OBS}.last_day', 'excluded.last_day')}, "
            f"messages = {OBS}.messages + excluded.messages")
    return [(usage, params), (observations, params)]


def export_usage_recompute(*, tenant: Tenant, start: date, end: date) -> int:
    """Rebuild the Export facts for [start, end]: per sender, protocol and day, the
    newest imported Export that has a row for them decides."""
    span = sql.days_inclusive("a.period_start", "a.period_end")
    day = sql.add_days("a.period_start", "n.n")
    # Every aggregate spread over its days (n = day index), ranked per key: newest first.
    spread = (
        f"SELECT a.sender_id, a.auth_method, {day} AS day, "  # noqa: S608
        f"a.messages / {span} + CASE WHEN n.n < a.messages %% {span} THEN 1 ELSE 0 END "
        "AS share, ROW_NUMBER() OVER (PARTITION BY a.sender_id, a.auth_method, "
        f"{day} ORDER BY r.imported_at DESC, r.id DESC) AS newest "
        f"FROM {AGGREGATES} a JOIN {IMPORTS} r ON r.id = a.report_import_id "
        f"JOIN {sql.integers(MAX_SPREAD_DAYS)} n ON n.n < {span} "
        "WHERE a.tenant_id = %s AND r.status = %s AND a.period_start <= %s "
        "AND a.period_end >= %s")
    facts = (f"SELECT %s AS tenant_id, sender_id, day, auth_method, %s AS source, "  # noqa: S608
             f"share AS messages, 0 AS signins, 0 AS failed_signins FROM ({spread}) s "
             "WHERE newest = 1 AND day BETWEEN %s AND %s")
    params = [tenant.pk, UsageSource.EXPORT, tenant.pk, ImportStatus.IMPORTED, end, start,
              start, end]
    return _usage_replace(tenant, UsageSource.EXPORT, start, end, facts, params)


MAX_SPREAD_DAYS = 90  # an Export period is at most 90 days (services.MAX_PERIOD_DAYS)


def _usage_replace(tenant: Tenant, source: str, start: date, end: date, facts: str,
                   params: list) -> int:
    return sql.replace_rows(
        table=USAGE, key=USAGE_KEY, values=("messages", "signins", "failed_signins"),
        match=("sender_id", "day", "auth_method"), facts=facts, params=params,
        scope="tenant_id = %s AND source = %s AND day BETWEEN %s AND %s",
        scope_params=[tenant.pk, source, start, end], update=("messages",))


def observations_rebuild(*, tenant: Tenant, source: str, sender_ids: set[int]) -> None:
    """Rebuild the client observations of these senders for one source from what the
    imports hold, so a deleted import leaves none."""
    if not sender_ids:
        return
    in_senders, id_params = sql.in_ids("sender_id", sender_ids)
    if source == UsageSource.DETAILED_REPORT:
        rows, params = _detailed_observations(tenant, in_senders, id_params)
    else:
        rows, params = _export_observations(tenant, in_senders, id_params)
    facts = (f"SELECT %s AS tenant_id, sender_id, %s AS source, client_ip, "  # noqa: S608
             "tls_version, MIN(first_day) AS first_day, MAX(last_day) AS last_day, "
             f"SUM(messages) AS messages FROM ({rows}) o "
             "GROUP BY sender_id, client_ip, tls_version")
    values = ("first_day", "last_day", "messages")
    sql.replace_rows(table=OBS, key=OBS_KEY, values=values,
             match=("sender_id", "client_ip", "tls_version"), facts=facts,
             params=[tenant.pk, source, *params],
             scope=f"tenant_id = %s AND source = %s AND {in_senders}",
             scope_params=[tenant.pk, source, *id_params], update=values)


def _detailed_observations(tenant: Tenant, in_senders: str, id_params: list):
    # A row with neither a client IP nor a TLS version observes nothing.
    return (f"SELECT sender_id, client_ip, tls_version, day AS first_day, "  # noqa: S608
            f"day AS last_day, count AS messages FROM {MESSAGES} WHERE tenant_id = %s "
            f"AND {in_senders} AND (client_ip <> '' OR tls_version <> '')",
            [tenant.pk, *id_params])


def _export_observations(tenant: Tenant, in_senders: str, id_params: list):
    """One observation per TLS version an Export gives a share for, over its period;
    its messages are that share of the total, rounded as Python's round() does."""
    parts, params = [], []
    for version, column in (("TLS1_0", "tls10"), ("TLS1_1", "tls11"), ("TLS1_2", "tls12")):
        messages = sql.round_half_even(f"(messages * {column} / 100.0)")
        parts.append(
            f"SELECT sender_id, '' AS client_ip, %s AS tls_version, "  # noqa: S608
            f"period_start AS first_day, period_end AS last_day, {messages} AS messages "
            f"FROM {AGGREGATES} WHERE tenant_id = %s AND {in_senders} AND {column} > 0")
        params += [version, tenant.pk, *id_params]
    return " UNION ALL ".join(parts), params


def usage_followup(*, tenant: Tenant, start: date) -> None:
    """After an import or a deletion changed usage back to `start`: the same follow-up
    as an ingest (workflow pass, then rollups covering the changed days)."""
    days = max(35, (timezone.now().date() - start).days + 8)
    after_usage_change(tenant=tenant, days=days)
