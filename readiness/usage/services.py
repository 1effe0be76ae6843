"""Usage writes: idempotent upserts of daily facts keyed on their natural key.

Each call *sets* the figures for (tenant, sender, day, method, source); it never adds
to them, so re-reading a source or re-importing a file cannot double-count.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from readiness.senders.identity import sender_mailboxes_link
from readiness.senders.models import Sender
from readiness.tenancy.models import Tenant
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
    """Refresh first/last seen and last Basic day from the facts (all sources)."""
    from django.db.models import Max, Min, Q

    # Failed sign-ins (password spray) are attempts, not use: they never set last_basic_day.
    basic_use = Q(auth_method="basic") & (Q(messages__gt=0) | Q(signins__gt=0))
    stats = (DailyUsage.objects.for_tenant(tenant).filter(sender_id__in=sender_ids)
             .values("sender_id")
             .annotate(first=Min("day"), last=Max("day"),
                       last_basic=Max("day", filter=basic_use)))
    updates = [Sender(pk=s["sender_id"], first_seen=s["first"], last_seen=s["last"],
                      last_basic_day=s["last_basic"]) for s in stats]
    Sender.objects.bulk_update(updates, ["first_seen", "last_seen", "last_basic_day"],
                               batch_size=CHUNK)


def signin_events_store(*, tenant: Tenant, records: list[dict]) -> set[date]:
    """Insert raw Basic SMTP sign-ins, deduplicated on the record id; returns the UTC
    days the records fall on (re-read records count too, so their days get recomputed).

    records: record_id, created_at (aware), user_principal_name, and optionally
    user_display_name, user_id, ip_address, client_app, error_code, failure_reason.
    """
    unique = {r["record_id"]: r for r in records}
    # Only a successful sign-in makes an address a sender; failures attach to a sender
    # that exists and otherwise stay attempts (password spraying is not usage).
    names = {r["user_principal_name"].lower(): r.get("user_display_name", "")
             for r in unique.values() if r.get("error_code", 0) == 0}
    with transaction.atomic():
        senders_ensure(tenant=tenant, display_names=names, addresses=names.keys())
        ids = _sender_ids(tenant, {r["user_principal_name"].lower() for r in unique.values()})
        events = [SignInEvent(tenant=tenant, sender_id=ids.get(r["user_principal_name"].lower()),
                              **{k: v for k, v in r.items() if k in _SIGNIN_FIELDS})
                  for r in unique.values()]
        SignInEvent.objects.bulk_create(events, batch_size=CHUNK, ignore_conflicts=True)
    return {r["created_at"].astimezone(UTC).date() for r in unique.values()}


_SIGNIN_FIELDS = frozenset({"record_id", "created_at", "user_principal_name",
                            "user_display_name", "user_id", "ip_address", "client_app",
                            "error_code", "failure_reason"})


def signin_usage_recompute(*, tenant: Tenant, days: Iterable[date]) -> int:
    """Set the "signins" DailyUsage of these days from the stored events: successes are
    Basic sign-ins, failures are failed_signins. Recomputing (never adding) keeps
    overlapping re-reads idempotent."""
    from django.db.models import Count, Q
    from django.db.models.functions import TruncDate

    days = sorted(set(days))
    if not days:
        return 0
    start = datetime.combine(days[0], time.min, tzinfo=UTC)
    end = datetime.combine(days[-1] + timedelta(days=1), time.min, tzinfo=UTC)
    stats = (SignInEvent.objects.for_tenant(tenant)
             .filter(created_at__gte=start, created_at__lt=end)
             .filter(sender__isnull=False)
             .annotate(day=TruncDate("created_at", tzinfo=UTC)).filter(day__in=days)
             .values("sender_id", "day")
             .annotate(ok=Count("pk", filter=Q(error_code=0)),
                       failed=Count("pk", filter=~Q(error_code=0))))
    facts = [DailyUsage(tenant=tenant, sender_id=s["sender_id"], day=s["day"],
                        auth_method="basic", source="signins", messages=0, signins=s["ok"],
                        failed_signins=s["failed"]) for s in stats]
    with transaction.atomic():
        keep = {(f.sender_id, f.day) for f in facts}
        existing = DailyUsage.objects.for_tenant(tenant).filter(source="signins", day__in=days)
        stale = [pk for pk, sender_id, day in existing.values_list("pk", "sender_id", "day")
                 if (sender_id, day) not in keep]
        DailyUsage.objects.filter(pk__in=stale).delete()
        DailyUsage.objects.bulk_create(
            facts, batch_size=CHUNK, update_conflicts=True,
            unique_fields=["tenant", "sender", "day", "auth_method", "source"],
            update_fields=["messages", "signins", "failed_signins"])
        senders_touch(tenant=tenant, sender_ids={f.sender_id for f in facts})
    return len(facts)


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
