"""Derive the daily usage facts from what the imports hold, so they never drift.

DailyUsage rows of source "detailed_report" and "export" are *recomputed* for a day
range from ReportMessage / ExportAggregate, never incremented. Re-importing, importing
an overlapping report or deleting an import therefore always leaves the facts equal
to what the remaining imports say.

Export files carry per-sender totals over a stated period and no dates. Each total is
spread evenly over the period's days (integer shares; the remainder goes to the
earliest days, so the days add up to the file's figure exactly). Where the stated
periods of two Exports overlap, each (sender, protocol, day) is taken from the most
recently imported Export that has a row for that sender and protocol, so overlapping
Exports never double-count.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Max, Min, Sum
from django.utils import timezone

from readiness.imports.choices import ImportStatus
from readiness.imports.models import ExportAggregate, ReportMessage
from readiness.senders.services import after_usage_change
from readiness.tenancy.models import Tenant
from readiness.usage.choices import UsageSource
from readiness.usage.models import ClientObservation, DailyUsage
from readiness.usage.services import observations_upsert

CHUNK = 5000


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def detailed_usage_recompute(*, tenant: Tenant, start: date, end: date) -> int:
    """Rebuild the detailed-report facts for [start, end] from ReportMessage."""
    DailyUsage.objects.for_tenant(tenant).filter(
        source=UsageSource.DETAILED_REPORT, day__range=(start, end)).delete()
    sums = (ReportMessage.objects.for_tenant(tenant).filter(day__range=(start, end))
            .values("sender_id", "day", "auth_method").annotate(total=Sum("count"))
            .order_by())
    facts = [DailyUsage(tenant=tenant, sender_id=s["sender_id"], day=s["day"],
                        auth_method=s["auth_method"], source=UsageSource.DETAILED_REPORT,
                        messages=s["total"]) for s in sums]
    DailyUsage.objects.bulk_create(facts, batch_size=CHUNK)
    return len(facts)


def export_usage_recompute(*, tenant: Tenant, start: date, end: date) -> int:
    """Rebuild the Export facts for [start, end]: per sender, protocol and day, the
    newest imported Export that has a row for them decides."""
    DailyUsage.objects.for_tenant(tenant).filter(
        source=UsageSource.EXPORT, day__range=(start, end)).delete()
    aggregates = (ExportAggregate.objects.for_tenant(tenant)
                  .filter(report_import__status=ImportStatus.IMPORTED,
                          period_start__lte=end, period_end__gte=start)
                  .order_by("report_import__imported_at", "report_import_id"))
    facts: dict[tuple, int] = {}
    for agg in aggregates:  # later imports overwrite earlier ones, day by day
        for day, share in _spread(agg.messages, agg.period_start, agg.period_end):
            if start <= day <= end:
                facts[(agg.sender_id, day, agg.auth_method)] = share
    DailyUsage.objects.bulk_create(
        [DailyUsage(tenant=tenant, sender_id=sender, day=day, auth_method=method,
                    source=UsageSource.EXPORT, messages=messages)
         for (sender, day, method), messages in facts.items()], batch_size=CHUNK)
    return len(facts)


def _spread(total: int, start: date, end: date) -> list[tuple[date, int]]:
    days = days_between(start, end)
    base, extra = divmod(total, len(days))
    return [(day, base + (1 if n < extra else 0)) for n, day in enumerate(days)]


def observations_rebuild(*, tenant: Tenant, source: str, sender_ids: set[int]) -> None:
    """Rebuild the client observations of these senders for one source from what the
    imports hold (via usage's observations_upsert), so a deleted import leaves none."""
    ClientObservation.objects.for_tenant(tenant).filter(
        source=source, sender_id__in=sender_ids).delete()
    if source == UsageSource.DETAILED_REPORT:
        rows = _detailed_observation_rows(tenant, sender_ids)
    else:
        rows = _export_observation_rows(tenant, sender_ids)
    addresses = {row["sender"]: row["sender_id"] for row in rows}
    observations_upsert(tenant=tenant, source=source, sender_ids=addresses, rows=rows)


def _detailed_observation_rows(tenant: Tenant, sender_ids: set[int]) -> list[dict]:
    groups = (ReportMessage.objects.for_tenant(tenant).filter(sender_id__in=sender_ids)
              .values("sender_id", "sender__address", "client_ip", "tls_version")
              .annotate(first=Min("day"), last=Max("day"), total=Sum("count")).order_by())
    rows = []
    for g in groups:  # two rows per key carry the first/last day window
        common = {"sender": g["sender__address"], "sender_id": g["sender_id"],
                  "client_ip": g["client_ip"], "tls_version": g["tls_version"]}
        rows.append({**common, "day": g["first"], "messages": g["total"]})
        rows.append({**common, "day": g["last"], "messages": 0})
    return rows


def _export_observation_rows(tenant: Tenant, sender_ids: set[int]) -> list[dict]:
    rows = []
    aggregates = (ExportAggregate.objects.for_tenant(tenant).filter(sender_id__in=sender_ids)
                  .select_related("sender").order_by("period_start"))
    for agg in aggregates:
        for version, share in (("TLS1_0", agg.tls10), ("TLS1_1", agg.tls11),
                               ("TLS1_2", agg.tls12)):
            if share <= 0:
                continue
            common = {"sender": agg.sender.address, "sender_id": agg.sender_id,
                      "client_ip": "", "tls_version": version}
            rows.append({**common, "day": agg.period_start,
                         "messages": round(agg.messages * share / 100)})
            rows.append({**common, "day": agg.period_end, "messages": 0})
    return rows


def usage_followup(*, tenant: Tenant, start: date) -> None:
    """After an import or a deletion changed usage back to `start`: the same follow-up
    as an ingest (workflow pass, then rollups covering the changed days)."""
    days = max(35, (timezone.now().date() - start).days + 8)
    after_usage_change(tenant=tenant, days=days)
