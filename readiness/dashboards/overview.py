"""The tenant overview page's content: KPI figures from the rollups and every figure
built by the pure chart builders. Kept out of the view so the view stays a thin adapter."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext as _

from readiness.core.text import tls_label
from readiness.dashboards import charts, selectors
from readiness.inventory.choices import EffectiveState
from readiness.senders.choices import SenderStatus
from readiness.tenancy.models import Tenant
from readiness.usage import charts as usage_charts
from readiness.usage.charts import TIMELINE_DAYS
from readiness.usage.choices import UsageSource
from readiness.usage.models import TenantRollup
from readiness.usage.readiness import (
    AT_RISK_SCORE,
    READY_SCORE,
    PortfolioState,
    readiness_blockers,
    tenant_state,
)

EXPOSURE_STATES = [EffectiveState.BASIC_POSSIBLE, EffectiveState.UNKNOWN,
                   EffectiveState.OAUTH_ONLY, EffectiveState.SMTP_AUTH_OFF]


def tenant_overview(*, tenant: Tenant) -> dict:
    start, end = selectors.window(TIMELINE_DAYS)
    days = selectors.tenant_days(tenant=tenant, start=start, end=end)
    rows = usage_charts.day_rows(days, start, end)  # every day; None where nothing covered it
    milestones = selectors.milestone_rows(tenant=tenant)
    upcoming = selectors.next_milestone(tenant=tenant)
    states = selectors.mailbox_state_counts(tenant=tenant)
    rollup = TenantRollup.objects.for_tenant(tenant).first()
    # Show the data and the run-up to the next milestone; older ones sit behind "all".
    window = (start, max(end, upcoming.date if upcoming else end) + timedelta(days=7))
    forecast = charts.projection(
        [(d["day"], sum(d["basic_senders_by_status"].values())) for d in days
         if charts.day_covered(d)],
        milestone_date=upcoming.date if upcoming else None,
        milestone_title=upcoming.display_title if upcoming else "",
        milestone_when=upcoming.when_label if upcoming else None)
    state_rows = [(s, EffectiveState(s).label, states.get(s, 0)) for s in EXPOSURE_STATES]
    tls_rows = sorted((rollup.senders_by_tls if rollup else {}).items())
    status_labels = dict(SenderStatus.choices)
    source_labels = dict(charts.SOURCES)
    return {
        "state": PortfolioState.LABELS[tenant_state(tenant)],
        "blockers": readiness_blockers(rollup),
        "days": days, "rollup": rollup, "next_milestone": upcoming, "forecast": forecast,
        "state_rows": state_rows,
        "tls_rows": [(tls_label(v), n) for v, n in tls_rows],
        "mailboxes_total": sum(states.values()),
        "ready_score": READY_SCORE, "at_risk_score": AT_RISK_SCORE,
        "basic_share": _share(rollup), "start": start, "end": end,
        "data_through": _data_through(rollup),
        "kpi": _kpi(rollup, rows),
        "timeline": usage_charts.timeline_figure(rows, milestones, window),
        "timeline_rows": rows,
        "burndown": charts.burndown_figure(days, dict(SenderStatus.choices), forecast,
                                           milestones, window),
        "exposure": charts.bar_figure(state_rows, title=_("mailboxes"),
                                      colours=charts.STATE_COLOURS),
        "tls": charts.bar_figure([(v, tls_label(v), n) for v, n in tls_rows],
                                 title=_("senders"),
                                 colours={"TLS1_0": "#d62728", "TLS1_1": "#ff7f0e"}),
        "coverage": charts.coverage_figure(days, start, end),
        "coverage_rows": [(d["day"], ", ".join(str(source_labels.get(s, s)) for s in
                                               filter(None, d["sources"].split(","))))
                          for d in days],
        "burndown_rows": [(d["day"], [(status_labels.get(k, k), n) for k, n
                                       in d["basic_senders_by_status"].items()]
                           if charts.day_covered(d) else None) for d in days],
        "status_labels": dict(SenderStatus.choices),
        **_conflicts(tenant, rollup),
    }


def _conflicts(tenant: Tenant, rollup: TenantRollup | None) -> dict:
    """The first conflicts, listed; when there are more, the count is the rollup's (the
    whole tenant's evidence is a task's work, not a page's)."""
    rows, more = selectors.conflict_rows(tenant=tenant)
    count = max(rollup.mailboxes_conflict if rollup else 0, len(rows)) if more else len(rows)
    return {"conflicts": rows, "conflicts_more": count > len(rows), "conflict_count": count}


def _kpi(rollup: TenantRollup | None, rows: list[dict]) -> dict:
    """The KPI cards; sign-in figures are "—" when no sign-in log covered the last 30
    days (a report-only tenant has no sign-in data, not zero sign-ins)."""
    kpi = {f: getattr(rollup, f) if rollup else None for f in (
        "basic_senders_30d", "basic_signins_30d", "failed_signins_30d")}
    if not any(r["basic_signins"] is not None for r in rows[-30:]):
        kpi["basic_signins_30d"] = kpi["failed_signins_30d"] = None
    return kpi


def _data_through(rollup: TenantRollup | None) -> list[tuple[str, str]]:
    """(source label, newest day) for the "data as of" line."""
    if rollup is None:
        return []
    labels = dict(UsageSource.choices)
    return [(labels.get(source, source), _as_date(day))
            for source, day in sorted(rollup.last_day_by_source.items())]


def _as_date(value: str) -> date | str:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return value


def _share(rollup: TenantRollup | None) -> int | None:
    if rollup is None or not rollup.smtp_messages_30d:
        return None
    return round(100 * rollup.basic_messages_30d / rollup.smtp_messages_30d)


