"""The per-tenant readiness summary shared by the CLI report (readiness_report) and the
REST API: organisation settings, source health, mailboxes, usage and senders, plus the
verdict of readiness.usage.readiness."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from django.db.models import Max, Q
from django.utils import timezone

from readiness.connectors.models import TenantConnection
from readiness.connectors.selectors import SOURCES, source_status
from readiness.ingestion.models import IngestSchedule
from readiness.inventory.choices import EffectiveState
from readiness.inventory.models import Mailbox, TenantSettings
from readiness.senders.models import Sender
from readiness.tenancy.models import Tenant
from readiness.usage.models import DailyUsage, TenantRollup
from readiness.usage.readiness import PortfolioState, readiness_blockers, tenant_state
from readiness.usage.selectors import failed_signins_by_day, usage_largest_across_sources

USAGE_WINDOW_DAYS = 30
def _per_sender(rows: list[dict]) -> dict[int, Counter]:
    totals: dict[int, Counter] = defaultdict(Counter)
    for row in rows:
        bucket = totals[row["sender_id"]]
        bucket[f"{row['auth_method']}_messages"] += row["messages"]
        if row["auth_method"] == "basic":
            bucket["basic_signins"] += row["signins"]
            bucket["failed_basic_signins"] += row["failed_signins"]
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
    rows = list(usage_largest_across_sources(tenant=tenant, start=first, end=last))
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
        **readiness_verdict(tenant),
    }


def readiness_verdict(tenant: Tenant) -> dict:
    """The tenant's state, whether it is ready and why not: readiness.usage.readiness
    decides, from the tenant's rollup, exactly as the portfolio does."""
    state = tenant_state(tenant)
    rollup = TenantRollup.objects.for_tenant(tenant).first()
    return {"state": state, "ready": state == PortfolioState.READY,
            "blockers": readiness_blockers(rollup)}
