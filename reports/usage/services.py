"""Usage writes: idempotent upserts of daily facts keyed on their natural key.

Each call *sets* the figures for (tenant, sender, day, method, source); it never adds
to them, so re-reading a source or re-importing a file cannot double-count.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest, Least

from readiness.senders.models import Sender
from readiness.tenancy.models import Tenant
from reports.usage.models import ClientObservation, DailyUsage

CHUNK = 2000


def senders_ensure(*, tenant: Tenant, addresses: Iterable[str],
                   display_names: dict[str, str] | None = None) -> dict[str, int]:
    """Sender ids by address, creating the senders never seen before."""
    wanted = {a.strip().lower() for a in addresses if a}
    known = dict(
        Sender.objects.for_tenant(tenant).filter(address__in=wanted).values_list("address", "pk")
    )
    names = display_names or {}
    missing = [Sender(tenant=tenant, address=a, display_name=names.get(a, "")[:256])
               for a in sorted(wanted - known.keys())]
    if missing:
        Sender.objects.bulk_create(missing, ignore_conflicts=True, batch_size=CHUNK)
        known = dict(Sender.objects.for_tenant(tenant).filter(address__in=wanted)
                     .values_list("address", "pk"))
    return known


@transaction.atomic
def usage_upsert(*, tenant: Tenant, source: str, rows: list[dict]) -> int:
    """rows: sender, day, auth_method, and optional messages/signins/failed_signins,
    client_ip, tls_version. Rows with the same key are summed before the write."""
    ids = senders_ensure(tenant=tenant, addresses=[r["sender"] for r in rows])
    facts: dict[tuple, DailyUsage] = {}
    for row in rows:
        key = (ids[row["sender"].lower()], row["day"], row["auth_method"])
        fact = facts.setdefault(key, DailyUsage(
            tenant=tenant, sender_id=key[0], day=key[1], auth_method=key[2], source=source))
        fact.messages += row.get("messages", 0)
        fact.signins += row.get("signins", 0)
        fact.failed_signins += row.get("failed_signins", 0)
    DailyUsage.objects.bulk_create(
        list(facts.values()), batch_size=CHUNK, update_conflicts=True,
        unique_fields=["tenant", "sender", "day", "auth_method", "source"],
        update_fields=["messages", "signins", "failed_signins"],
    )
    observations_upsert(tenant=tenant, source=source, sender_ids=ids, rows=rows)
    senders_touch(tenant=tenant, sender_ids=set(ids.values()))
    return len(facts)


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
    # Widen the first/last window of existing rows; message totals are per-read
    # figures, so the latest read wins rather than accumulating.
    ClientObservation.objects.bulk_create(
        observations, batch_size=CHUNK, update_conflicts=True,
        unique_fields=["tenant", "sender", "source", "client_ip", "tls_version"],
        update_fields=["messages"],
    )
    for obs in observations:
        ClientObservation.objects.filter(
            tenant=obs.tenant, sender_id=obs.sender_id, source=obs.source,
            client_ip=obs.client_ip, tls_version=obs.tls_version,
        ).update(first_day=Least(F("first_day"), obs.first_day),
                 last_day=Greatest(F("last_day"), obs.last_day))


def senders_touch(*, tenant: Tenant, sender_ids: set[int]) -> None:
    """Refresh first/last seen and last Basic day from the facts (all sources)."""
    from django.db.models import Max, Min, Q

    stats = (DailyUsage.objects.for_tenant(tenant).filter(sender_id__in=sender_ids)
             .values("sender_id")
             .annotate(first=Min("day"), last=Max("day"),
                       last_basic=Max("day", filter=Q(auth_method="basic"))))
    updates = [Sender(pk=s["sender_id"], first_seen=s["first"], last_seen=s["last"],
                      last_basic_day=s["last_basic"]) for s in stats]
    Sender.objects.bulk_update(updates, ["first_seen", "last_seen", "last_basic_day"],
                               batch_size=CHUNK)


def usage_delete(*, tenant: Tenant, source: str, days: tuple[date, date] | None = None) -> int:
    qs = DailyUsage.objects.for_tenant(tenant).filter(source=source)
    if days:
        qs = qs.filter(day__range=days)
    deleted, _ = qs.delete()
    return deleted
