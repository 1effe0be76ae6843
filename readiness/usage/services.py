"""Usage writes: idempotent upserts of daily facts keyed on their natural key.

Each call *sets* the figures for (tenant, sender, day, method, source); it never adds
to them, so re-reading a source or re-importing a file cannot double-count.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from readiness.inventory.models import Mailbox
from readiness.senders.identity import mailbox_addresses_by_user, sender_mailboxes_link
from readiness.senders.models import Sender
from readiness.tenancy.models import Tenant
from readiness.usage import sql
from readiness.usage.models import ClientObservation, CoveredDay, DailyUsage, SignInEvent
from readiness.usage.rollups import sender_rollups_ensure

CHUNK = 2000


def senders_ensure(*, tenant: Tenant, addresses: Iterable[str],
                   display_names: dict[str, str] | None = None) -> dict[str, int]:
    """Sender ids by address, creating the senders never seen before."""
    wanted = {a.strip().lower() for a in addresses if a}
    known = _sender_ids(tenant, wanted)
    names = display_names or {}
    missing = [Sender(tenant=tenant, address=a, display_name=names.get(a, "")[:256])
               for a in sorted(wanted - known.keys())]
    if not missing:
        return known
    Sender.objects.bulk_create(missing, ignore_conflicts=True, batch_size=CHUNK)
    sql.analyze_if_outgrown(Sender._meta.db_table, len(missing))
    known = _sender_ids(tenant, wanted)
    _senders_created(tenant, [known[m.address] for m in missing])
    return known


def _sender_ids(tenant: Tenant, addresses: set[str]) -> dict[str, int]:
    return dict(Sender.objects.for_tenant(tenant).filter(address__in=addresses)
                .values_list("address", "pk"))


def _senders_created(tenant: Tenant, sender_ids: list[int]) -> None:
    """New senders get what the pages rely on: a rollup row and their mailbox link."""
    sender_rollups_ensure(tenant=tenant, today=timezone.now().date())
    sender_mailboxes_link(tenant=tenant, sender_ids=sender_ids)


def observations_upsert(*, tenant: Tenant, source: str, sender_ids: dict[str, int],
                        rows: list[dict]) -> None:
    seen: dict[tuple, ClientObservation] = {}
    for row in rows:
        if not (row.get("client_ip") or row.get("tls_version")):
            continue
        key = (sender_ids[row["sender"].lower()], row.get("client_ip", ""),
               row.get("tls_version", ""))
        obs = seen.setdefault(key, ClientObservation(
            tenant=tenant, sender_id=key[0], source=source, client_ip=key[1],
            tls_version=key[2], first_day=row["day"], last_day=row["day"]))
        obs.first_day, obs.last_day = min(obs.first_day, row["day"]), max(obs.last_day, row["day"])
        obs.messages += row.get("messages", 0)
    _merge_observations(list(seen.values()))


def _merge_observations(observations: list[ClientObservation]) -> None:
    """Upsert in one statement. An existing row's first/last window only widens; message
    totals are per-read figures, so the latest read wins rather than accumulating."""
    if not observations:
        return
    sample = observations[0]  # one call writes one tenant and one source
    known = {
        (o.sender_id, o.client_ip, o.tls_version): (o.first_day, o.last_day)
        for o in ClientObservation.objects.for_tenant(sample.tenant).filter(
            source=sample.source, sender_id__in={o.sender_id for o in observations})
        .only("sender_id", "client_ip", "tls_version", "first_day", "last_day")
    }
    for obs in observations:
        first, last = known.get((obs.sender_id, obs.client_ip, obs.tls_version),
                                (obs.first_day, obs.last_day))
        obs.first_day, obs.last_day = min(first, obs.first_day), max(last, obs.last_day)
    ClientObservation.objects.bulk_create(
        observations, batch_size=CHUNK, update_conflicts=True,
        unique_fields=["tenant", "sender", "source", "client_ip", "tls_version"],
        update_fields=["messages", "first_day", "last_day"],
    )


def senders_touch(*, tenant: Tenant, sender_ids: set[int]) -> None:
    """Refresh first/last seen and last Basic day from the facts (all sources), in one
    UPDATE ... FROM (SELECT ... GROUP BY): one statement however many senders."""
    if not sender_ids:
        return
    senders, usage = Sender._meta.db_table, DailyUsage._meta.db_table
    in_senders, id_params = sql.in_ids("sender_id", sender_ids)
    # Failed sign-ins (password spray) are attempts, not use: they never set last_basic_day.
    sql.execute(
        f"UPDATE {senders} SET first_seen = s.first, last_seen = s.last, "  # noqa: S608
        "last_basic_day = s.last_basic FROM (SELECT sender_id, MIN(day) AS first, "
        "MAX(day) AS last, MAX(CASE WHEN auth_method = 'basic' AND (messages > 0 "
        "OR signins > 0) THEN day END) AS last_basic "
        f"FROM {usage} WHERE tenant_id = %s AND {in_senders} GROUP BY sender_id) s "
        f"WHERE {senders}.id = s.sender_id",
        [tenant.pk, *id_params])


def signin_events_store(*, tenant: Tenant, records: list[dict]) -> set[date]:
    """Insert raw Basic SMTP sign-ins, deduplicated on the record id; returns the UTC
    days the records fall on (re-read records count too, so their days get recomputed).

    records: record_id, created_at (aware), user_principal_name, and optionally
    user_display_name, user_id, ip_address, client_app, error_code, failure_reason.
    One call is one transaction (signins_ingest stores five Graph pages a call), so a
    broken run keeps everything stored before it. No model object per event: on
    PostgreSQL the events are COPYed into a session-local staging table, then resolved
    to senders and inserted by a few set-based statements; on SQLite they are ONE JSON
    parameter of ONE INSERT ... SELECT.
    """
    unique = {r["record_id"]: r for r in records}
    if not unique:
        return set()
    with transaction.atomic():
        if sql.postgres():
            _signins_store_staged(tenant, list(unique.values()))
        else:
            _signins_store_json(tenant, unique)
    return {r["created_at"].astimezone(UTC).date() for r in unique.values()}


def _signins_store_json(tenant: Tenant, unique: dict[str, dict]) -> None:
    # The sign-in's user id is the mailbox's Entra object id: the sender is that mailbox's
    # primary address, whatever the UPN (often user@x.onmicrosoft.com) says.
    by_user = mailbox_addresses_by_user(tenant=tenant,
                                        user_ids={r.get("user_id") for r in unique.values()})

    def address(record: dict) -> str:
        return by_user.get((record.get("user_id") or "").lower(),
                           record["user_principal_name"].lower())

    # Only a successful sign-in makes an address a sender; failures attach to a sender
    # that exists and otherwise stay attempts (password spraying is not usage).
    names = {address(r): r.get("user_display_name", "")
             for r in unique.values() if r.get("error_code", 0) == 0}
    senders_ensure(tenant=tenant, display_names=names, addresses=names.keys())
    sql.execute(_SIGNIN_INSERT_JSON.format(
        events=SignInEvent._meta.db_table, senders=Sender._meta.db_table),
        [tenant.pk, _signins_json(unique.values(), address), tenant.pk])


_STAGE = "signin_stage"
_STAGE_COLUMNS = ("ord", "record_id", "created_at", "user_principal_name",
                  "user_display_name", "user_id", "ip_address", "client_app", "error_code",
                  "failure_reason")


def _signins_store_staged(tenant: Tenant, records: list[dict]) -> None:
    """The PostgreSQL path, the same rules as _signins_store_json: COPY into a
    temporary table (no WAL, no indexes), set each event's sender address (its mailbox's
    primary address by user id, else its UPN) with one UPDATE ... FROM, create only the
    senders a successful sign-in names that do not exist yet, then ONE INSERT ... SELECT
    ... ON CONFLICT DO NOTHING. Never a query per event or a literal of the whole page."""
    from django.db import connection

    mailboxes, senders = Mailbox._meta.db_table, Sender._meta.db_table
    # This commit need not wait for the disk: until the run's last transaction
    # (synchronous, it moves the watermark) has committed, events lost to a database
    # crash are simply read again by the next run. Flushing that last commit flushes
    # every one before it.
    sql.execute("SET LOCAL synchronous_commit = off")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE} (ord integer, "
                       "record_id text, created_at timestamptz, user_principal_name text, "
                       "user_display_name text, user_id text, ip_address text, "
                       "client_app text, error_code integer, failure_reason text, "
                       "address text)")
        cursor.execute(f"TRUNCATE {_STAGE}")  # temp tables are never autovacuumed
        with cursor.cursor.copy(f"COPY {_STAGE} ({', '.join(_STAGE_COLUMNS)}) "
                                "FROM STDIN") as copy:
            for n, r in enumerate(records):
                copy.write_row((n, r["record_id"], r["created_at"], r["user_principal_name"],
                                r.get("user_display_name", "")[:256], r.get("user_id", ""),
                                r.get("ip_address", ""), r.get("client_app", ""),
                                r.get("error_code", 0), r.get("failure_reason", "")[:500]))
        # mailbox_addresses_by_user's rule: the object id as stored, lower or upper case.
        cursor.execute(
            f"UPDATE {_STAGE} s SET address = m.address FROM {mailboxes} m "  # noqa: S608
            "WHERE m.tenant_id = %s AND s.user_id <> '' "
            "AND m.object_id IN (lower(s.user_id), upper(s.user_id))", [tenant.pk])
        cursor.execute(f"UPDATE {_STAGE} SET address = lower(user_principal_name) "  # noqa: S608
                       "WHERE address IS NULL")
        # A successful sign-in of an unknown address makes a sender, named by the
        # batch's last such sign-in (the JSON path's rule).
        cursor.execute(
            f"SELECT DISTINCT ON (s.address) s.address, s.user_display_name "  # noqa: S608
            f"FROM {_STAGE} s WHERE s.error_code = 0 AND s.address <> '' AND NOT EXISTS ("
            f"SELECT 1 FROM {senders} x WHERE x.tenant_id = %s AND x.address = s.address) "
            "ORDER BY s.address, s.ord DESC", [tenant.pk])
        missing = dict(cursor.fetchall())
    if missing:
        senders_ensure(tenant=tenant, display_names=missing, addresses=missing.keys())
    sql.execute(_SIGNIN_SELECT.replace("{rows}", f"{_STAGE} e").format(
        events=SignInEvent._meta.db_table, senders=senders), [tenant.pk, tenant.pk])


_SIGNIN_COLUMNS = ("record_id", "user_principal_name", "user_display_name", "user_id",
                   "ip_address", "client_app", "failure_reason")
_SIGNIN_SELECT = (
    "INSERT INTO {events} (tenant_id, record_id, created_at, sender_id, "
    "user_principal_name, user_display_name, user_id, ip_address, client_app, "
    "error_code, failure_reason) SELECT %s, e.record_id, e.created_at, snd.id, "
    "e.user_principal_name, e.user_display_name, e.user_id, e.ip_address, e.client_app, "
    "e.error_code, e.failure_reason FROM {rows} "
    "LEFT JOIN {senders} snd ON snd.tenant_id = %s AND snd.address = e.address "
    "WHERE true ON CONFLICT (tenant_id, record_id) DO NOTHING")
# SQLite: the page as ONE JSON parameter.
_SIGNIN_INSERT_JSON = _SIGNIN_SELECT.replace("{rows}", "(SELECT " + ", ".join(  # noqa: S608
    f"json_extract(value, '$.{c}') AS {c}" for c in (
        *_SIGNIN_COLUMNS, "address", "created_at", "error_code")) + " FROM json_each(%s)) e")


def _signins_json(records, address_of) -> str:
    """The events as the JSON array the SQLite INSERT reads; timestamps as SQLite keeps
    them (UTC text), text cut to the column widths. `address` is the sender each event
    joins: its mailbox's primary address (by user id)."""
    from django.db import connection

    rows = []
    for r in records:
        created = r["created_at"]
        rows.append({
            "record_id": r["record_id"], "user_principal_name": r["user_principal_name"],
            "address": address_of(r),
            "user_display_name": r.get("user_display_name", "")[:256],
            "user_id": r.get("user_id", ""), "ip_address": r.get("ip_address", ""),
            "client_app": r.get("client_app", ""), "error_code": r.get("error_code", 0),
            "failure_reason": r.get("failure_reason", "")[:500],
            "created_at": str(connection.ops.adapt_datetimefield_value(created)),
        })
    return json.dumps(rows)


def signin_usage_recompute(*, tenant: Tenant, days: Iterable[date]) -> int:
    """Set the "signins" DailyUsage of these days from the stored events: successes are
    Basic sign-ins, failures are failed_signins. Recomputing (never adding) keeps
    overlapping re-reads idempotent. One upsert from a GROUP BY, then a prune."""

    days = sorted(set(days))
    if not days:
        return 0
    start = datetime.combine(days[0], time.min, tzinfo=UTC)
    end = datetime.combine(days[-1] + timedelta(days=1), time.min, tzinfo=UTC)
    usage, events = DailyUsage._meta.db_table, SignInEvent._meta.db_table
    in_days, day_params = sql.in_values("day", days, "date")
    facts = (
        "SELECT %s AS tenant_id, sender_id, day, 'basic' AS auth_method, "  # noqa: S608
        "'signins' AS source, 0 AS messages, SUM(ok) AS signins, SUM(failed) AS "
        f"failed_signins FROM (SELECT sender_id, {sql.utc_day('created_at')} AS day, "
        "CASE WHEN error_code = 0 THEN 1 ELSE 0 END AS ok, "
        "CASE WHEN error_code = 0 THEN 0 ELSE 1 END AS failed "
        f"FROM {events} WHERE tenant_id = %s AND created_at >= %s AND created_at < %s "
        f"AND sender_id IS NOT NULL) e WHERE {in_days} GROUP BY sender_id, day")
    with transaction.atomic():
        written = sql.replace_rows(
            table=usage, key="tenant_id, sender_id, day, auth_method, source",
            values=("messages", "signins", "failed_signins"),
            match=("sender_id", "day", "auth_method"), facts=facts,
            params=[tenant.pk, tenant.pk, start, end, *day_params],
            scope=f"tenant_id = %s AND source = 'signins' AND {in_days}",
            scope_params=[tenant.pk, *day_params],
            update=("messages", "signins", "failed_signins"))
        touched = set(DailyUsage.objects.for_tenant(tenant).filter(
            source="signins", day__in=days).values_list("sender_id", flat=True).distinct())
        senders_touch(tenant=tenant, sender_ids=touched)
    return written


def signin_events_reattribute(*, tenant: Tenant) -> int:
    """After a mailbox snapshot: move sign-ins read before their mailbox was known (and so
    filed under their UPN) to the mailbox's primary-address sender, joined on the user id,
    and recompute the days they fall on. Returns how many events moved."""
    from django.db.models.functions import TruncDate

    pairs = set(SignInEvent.objects.for_tenant(tenant).exclude(user_id="")
                .values_list("user_id", "sender_id").distinct())
    by_user = mailbox_addresses_by_user(tenant=tenant, user_ids={u for u, _ in pairs})
    if not by_user:
        return 0
    ids = _sender_ids(tenant, set(by_user.values()))
    # Only the users with an event filed elsewhere: one query per such user, none for
    # the (usual) rest.
    misfiled = {u.lower() for u, sender_id in pairs
                if u.lower() in by_user and sender_id != ids.get(by_user[u.lower()])}
    moved, days, emptied = 0, set(), set()
    with transaction.atomic():
        for user_id, address in ((u, by_user[u]) for u in sorted(misfiled)):
            events = (SignInEvent.objects.for_tenant(tenant).filter(user_id__iexact=user_id)
                      .exclude(sender_id=ids.get(address, 0)))
            if address not in ids:
                if not events.filter(error_code=0).exists():
                    continue  # failures alone never make a sender
                ids.update(senders_ensure(tenant=tenant, addresses=[address]))
                events = events.exclude(sender_id=ids[address])
            days |= set(events.annotate(day=TruncDate("created_at", tzinfo=UTC))
                        .values_list("day", flat=True).distinct())
            emptied |= set(events.exclude(sender=None).values_list("sender_id", flat=True))
            moved += events.update(sender_id=ids[address])
        if moved:
            signin_usage_recompute(tenant=tenant, days=days)
            _untouched_senders_delete(tenant, emptied)
    return moved


def _untouched_senders_delete(tenant: Tenant, sender_ids: set[int]) -> None:
    """A sender named after a UPN whose sign-ins all moved to their mailbox's sender is a
    mistaken identity: gone, unless someone already worked on it (status, owner, ticket,
    notes) or other facts still point at it."""
    from readiness.senders.choices import SenderStatus

    Sender.objects.for_tenant(tenant).filter(
        pk__in=sender_ids, status=SenderStatus.NEW, owner_user=None, owner_name="",
        owner_email="", notes="", tickets=None, usage=None, signin_events=None).delete()


# --- coverage: which days a source looked at (a gap is not a zero) ----------------------


def signin_coverage_record(*, tenant: Tenant, start: datetime, end: datetime) -> int:
    """The sign-in log was read completely from `start` to `end`: record the UTC days it
    spanned. A day the window only clipped (the first one, unless it starts at
    midnight) is left out; today counts, "so far"."""
    first = start.astimezone(UTC).date()
    if start.astimezone(UTC).time() != time.min:
        first += timedelta(days=1)
    last = end.astimezone(UTC).date()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    CoveredDay.objects.bulk_create(
        [CoveredDay(tenant=tenant, source="signins", day=day) for day in days],
        batch_size=CHUNK, ignore_conflicts=True)
    return len(days)


def coverage_replace(*, tenant: Tenant, source: str, start: date, end: date,
                     days: Iterable[date]) -> None:
    """Set `source`'s covered days within [start, end] to exactly `days` (the importer
    recomputes them from the remaining imports, like the usage facts)."""
    with transaction.atomic():
        CoveredDay.objects.for_tenant(tenant).filter(source=source,
                                                     day__range=(start, end)).delete()
        CoveredDay.objects.bulk_create(
            [CoveredDay(tenant=tenant, source=source, day=day) for day in sorted(set(days))
             if start <= day <= end], batch_size=CHUNK, ignore_conflicts=True)
