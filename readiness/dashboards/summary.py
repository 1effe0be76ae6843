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
from readiness.usage.evidence import (
    Evidence,
    block_note,
    conflict_explain,
    is_conflict,
    mailbox_evidence,
    sender_evidence,
)
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


def _mailboxes(tenant: Tenant, first: date, last: date) -> tuple[dict, list[dict]]:
    mailboxes = list(Mailbox.objects.for_tenant(tenant).order_by("address"))
    evidence = mailbox_evidence(tenant=tenant, start=first, end=last, mailboxes=mailboxes)
    counts = Counter(m.effective_state for m in mailboxes)
    rows = [_mailbox_row(m, evidence[m.pk]) for m in mailboxes]
    summary = {"total": len(rows), **{state: counts.get(state, 0)
                                      for state in EffectiveState.values},
               "conflict": sum(1 for r in rows if r["conflict"])}
    return summary, rows


def _mailbox_row(mailbox: Mailbox, evidence: Evidence) -> dict:
    """One mailbox_rows entry: the keys are a stable interface (docs/api.md)."""
    conflict = is_conflict(mailbox, evidence)
    return {"address": mailbox.address, "display_name": mailbox.display_name,
            "smtp_auth": mailbox.smtp_auth, "effective": mailbox.effective_state,
            "reason": mailbox.effective_reason,
            "basic_signins": evidence.basic_signins,
            "failed_basic_signins": evidence.failed_basic_signins,
            "basic_messages": evidence.basic_messages,
            "last_basic_success": _iso(evidence.last_basic_success),
            "last_failure": _iso(evidence.last_failure),
            "last_failure_error_code": evidence.last_failure_code,
            "conflict": conflict,
            "note": (conflict_explain(mailbox, evidence).summary if conflict
                     else block_note(mailbox, evidence))}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _senders(tenant: Tenant, per_sender: dict[int, Counter], first: date,
             last: date) -> list[dict]:
    last_basic = _last_basic_days(tenant)
    senders = list(Sender.objects.for_tenant(tenant).select_related("owner_user")
                   .order_by("address"))
    evidence = sender_evidence(tenant=tenant, start=first, end=last, senders=senders)
    rows = []
    for sender in senders:
        figures = per_sender.get(sender.pk, Counter())
        day = last_basic.get(sender.pk)
        rows.append({"address": sender.address, "conflict": evidence[sender.pk][1],
                     "basic_messages": figures["basic_messages"],
                     "oauth_messages": figures["oauth_messages"],
                     "basic_signins": figures["basic_signins"],
                     "failed_basic_signins": figures["failed_basic_signins"],
                     "last_basic_day": day.isoformat() if day else None,
                     "status": sender.status, "owner": sender.owner_label or None})
    return rows


def default_period(today: date) -> tuple[date, date]:
    """The last USAGE_WINDOW_DAYS UTC days, today included."""
    return today - timedelta(days=USAGE_WINDOW_DAYS - 1), today


def readiness_summary(*, tenant: Tenant, as_of: datetime | None = None,
                      start: date | None = None, end: date | None = None) -> dict:
    """Everything the readiness report shows, as plain JSON-ready data. Usage and the
    evidence cover the UTC days start..end, both inclusive (default: the last 30 days up
    to `as_of`). The verdict (state, ready, blockers) is always today's."""
    as_of = as_of or timezone.now()
    default_first, default_last = default_period(as_of.date())
    last, first = end or default_last, start or default_first
    rows = list(usage_largest_across_sources(tenant=tenant, start=first, end=last))
    per_sender = _per_sender(rows)
    days = sorted({row["day"] for row in rows})
    mailbox_summary, mailbox_rows = _mailboxes(tenant, first, last)
    sender_rows = _senders(tenant, per_sender, first, last)
    totals = sum(per_sender.values(), Counter())
    return {
        "tenant": tenant.slug, "as_of": as_of.isoformat(),
        "period": {"from": first.isoformat(), "to": last.isoformat()}, "org": _org(tenant),
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
