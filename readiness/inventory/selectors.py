"""Read side of inventory and readiness: the per-tenant summary shared by the CLI report,
the REST API and the pages."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from readiness.connectors.models import TenantConnection
from readiness.ingestion.choices import RunStatus
from readiness.ingestion.models import IngestSchedule
from readiness.inventory.choices import EffectiveState
from readiness.inventory.models import Mailbox, TenantSettings
from readiness.senders.models import Sender
from readiness.tenancy.models import Tenant
from readiness.usage.models import DailyUsage
from readiness.usage.selectors import failed_signins_by_day

USAGE_WINDOW_DAYS = 30
SOURCES = ("signins", "exchange")
SOURCE_STATUSES = ("ok", "stale", "no_premium_license", "missing_permission", "error", "never")


def source_status(*, schedule: IngestSchedule | None, connection: TenantConnection | None,
                  settings_stale: bool = False, now: datetime) -> dict:
    """One source's health: ok | stale | no_premium_license | missing_permission | error |
    never, with the last success and the message to show."""
    if schedule is None or not (schedule.last_status or schedule.last_success_at):
        return {"status": "never", "last_success": None, "message": ""}
    last = schedule.last_success_at
    result = {"last_success": last.isoformat() if last else None,
              "message": schedule.last_message}
    if schedule.last_status in (RunStatus.FAILED, RunStatus.ERRORED):
        problem = (connection.source_errors if connection else {}).get(schedule.source, {})
        kind = problem.get("kind", "error")
        result["status"] = kind if kind in SOURCE_STATUSES else "error"
        return result
    stale_after = getattr(settings, "READINESS_SOURCE_STALE_AFTER",
                          3 * settings.READINESS_INGEST_INTERVAL)
    stale = schedule.last_status == RunStatus.PARTIAL or settings_stale or (
        last is None or now - last > stale_after)
    result["status"] = "stale" if stale else "ok"
    return result


def _usage_rows(tenant: Tenant, first: date, last: date) -> list[dict]:
    """Per sender, day and method, the largest figure any source reports: two sources
    describing the same traffic must not be added up."""
    return list(DailyUsage.objects.for_tenant(tenant).filter(day__range=(first, last))
                .values("sender_id", "day", "auth_method")
                .annotate(messages=Max("messages"), signins=Max("signins"),
                          failed=Max("failed_signins")))


def _per_sender(rows: list[dict]) -> dict[int, Counter]:
    totals: dict[int, Counter] = defaultdict(Counter)
    for row in rows:
        bucket = totals[row["sender_id"]]
        bucket[f"{row['auth_method']}_messages"] += row["messages"]
        if row["auth_method"] == "basic":
            bucket["basic_signins"] += row["signins"]
            bucket["failed_basic_signins"] += row["failed"]
    return totals


def _last_basic_days(tenant: Tenant) -> dict[int, date]:
    """Last day with real Basic use: failed sign-ins alone (password spraying) are not use."""
    used = Q(auth_method="basic") & (Q(messages__gt=0) | Q(signins__gt=0))
    return dict(DailyUsage.objects.for_tenant(tenant).filter(used).values("sender_id")
                .annotate(last=Max("day")).values_list("sender_id", "last"))


def _org(tenant: Tenant) -> dict:
    org = TenantSettings.objects.for_tenant(tenant).first()
    return {
        "smtp_client_auth_disabled": org.smtp_client_auth_disabled if org else None,
        "default_authentication_policy": (org.default_authentication_policy or None)
        if org else None,
        "security_defaults": org.security_defaults_enabled if org else None,
    }


def _sources(tenant: Tenant, now: datetime) -> dict:
    schedules = {s.source: s for s in IngestSchedule.objects.for_tenant(tenant)
                 .filter(source__in=SOURCES)}
    connection = TenantConnection.objects.filter(tenant=tenant).first()
    org = TenantSettings.objects.for_tenant(tenant).first()
    return {source: source_status(schedule=schedules.get(source), connection=connection,
                                  settings_stale=bool(org and org.is_stale and
                                                      source == "exchange"), now=now)
            for source in SOURCES}


def _mailboxes(tenant: Tenant) -> tuple[dict, list[dict]]:
    rows = list(Mailbox.objects.for_tenant(tenant).order_by("address").values(
        "address", "display_name", "smtp_auth", "effective_state", "effective_reason"))
    counts = Counter(row["effective_state"] for row in rows)
    summary = {"total": len(rows), **{state: counts.get(state, 0)
                                      for state in EffectiveState.values}}
    return summary, [{"address": r["address"], "display_name": r["display_name"],
                      "smtp_auth": r["smtp_auth"], "effective": r["effective_state"],
                      "reason": r["effective_reason"]} for r in rows]


def _senders(tenant: Tenant, per_sender: dict[int, Counter]) -> list[dict]:
    last_basic = _last_basic_days(tenant)
    senders = Sender.objects.for_tenant(tenant).select_related("owner_user").order_by("address")
    rows = []
    for sender in senders:
        figures = per_sender.get(sender.pk, Counter())
        day = last_basic.get(sender.pk)
        rows.append({"address": sender.address,
                     "basic_messages": figures["basic_messages"],
                     "oauth_messages": figures["oauth_messages"],
                     "basic_signins": figures["basic_signins"],
                     "failed_basic_signins": figures["failed_basic_signins"],
                     "last_basic_day": day.isoformat() if day else None,
                     "status": sender.status, "owner": sender.owner_label or None})
    return rows


def readiness_summary(*, tenant: Tenant, as_of: datetime | None = None,
                      window_days: int = USAGE_WINDOW_DAYS) -> dict:
    """Everything the readiness report shows, as plain JSON-ready data. Usage covers the
    `window_days` UTC days up to `as_of`."""
    as_of = as_of or timezone.now()
    last = as_of.date()
    first = last - timedelta(days=window_days - 1)
    rows = _usage_rows(tenant, first, last)
    per_sender = _per_sender(rows)
    days = sorted({row["day"] for row in rows})
    mailbox_summary, mailbox_rows = _mailboxes(tenant)
    sender_rows = _senders(tenant, per_sender)
    totals = sum(per_sender.values(), Counter())
    return {
        "tenant": tenant.slug, "as_of": as_of.isoformat(), "org": _org(tenant),
        "sources": _sources(tenant, as_of), "mailboxes": mailbox_summary,
        "usage": {"basic_messages": totals["basic_messages"],
                  "oauth_messages": totals["oauth_messages"],
                  "unknown_messages": totals["unknown_messages"],
                  "basic_signins": totals["basic_signins"],
                  "failed_basic_signins": sum(failed_signins_by_day(
                      tenant=tenant, start=first, end=last).values()),
                  "first_day": days[0].isoformat() if days else None,
                  "last_day": days[-1].isoformat() if days else None},
        "senders": {"total": len(sender_rows), "using_basic": sum(
            1 for r in sender_rows if r["basic_messages"] or r["basic_signins"])},
        "mailbox_rows": mailbox_rows, "sender_rows": sender_rows,
    }


def readiness_blockers(summary: dict) -> list[str]:
    """Why a tenant is not ready (empty when it is): exposed mailboxes or recent Basic use."""
    reasons = []
    if summary["mailboxes"]["basic_possible"]:
        reasons.append(f"{summary['mailboxes']['basic_possible']} mailbox(es) can still use "
                       "Basic SMTP AUTH")
    usage = summary["usage"]
    if usage["basic_messages"] or usage["basic_signins"]:
        reasons.append(f"Basic SMTP AUTH was used in the last {USAGE_WINDOW_DAYS} days "
                       f"({usage['basic_messages']} messages, {usage['basic_signins']} "
                       "sign-ins)")
    return reasons
