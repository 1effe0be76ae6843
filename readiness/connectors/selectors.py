"""Read side of connections: the list for the CLI and the page's overview."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from readiness.connectors.choices import Consent, Stage
from readiness.connectors.endpoints import admin_consent_url
from readiness.connectors.models import TenantConnection
from readiness.connectors.probe import check_for_display
from readiness.ingestion.choices import RunStatus
from readiness.ingestion.models import IngestSchedule
from readiness.inventory.models import TenantSettings
from readiness.tenancy.models import Tenant

SOURCES = ("signins", "exchange")
SOURCE_STATUSES = ("ok", "stale", "no_premium_license", "missing_permission", "error", "never")
SOURCE_TITLES = {"signins": _("Last sign-ins ingest"),
                 "exchange": _("Last Exchange settings ingest")}
SOURCE_STATUS_LABELS = {
    "ok": _("OK"), "stale": _("Stale"),
    "no_premium_license": _("No Entra ID P1/P2 licence (sign-in logs need one)"),
    "missing_permission": _("A permission is missing"), "error": _("Error"),
    "never": _("Not run yet"),
}


def source_status(*, schedule: IngestSchedule | None, connection: TenantConnection | None,
                  settings_stale: bool = False, now: datetime) -> dict:
    """One source's health: ok | stale | no_premium_license | missing_permission | error |
    never, with the last success and the message to show."""
    if schedule is None or not (schedule.last_status or schedule.last_success_at):
        return {"status": "never", "last_success": None, "message": ""}
    last = schedule.last_success_at
    result = {"last_success": last.isoformat() if last else None,
              "message": schedule.last_message}
    if schedule.last_status in (RunStatus.FAILED, RunStatus.ERRORED, RunStatus.UNLICENSED):
        problem = (connection.source_errors if connection else {}).get(schedule.source, {})
        kind = problem.get("kind", "error")
        result["status"] = kind if kind in SOURCE_STATUSES else "error"
        return result
    stale_after = source_stale_after()
    stale = schedule.last_status == RunStatus.PARTIAL or settings_stale or (
        last is None or now - last > stale_after)
    result["status"] = "stale" if stale else "ok"
    return result


def source_stale_after():
    """A source whose last success is older than this is stale (3 missed ingests)."""
    return getattr(settings, "READINESS_SOURCE_STALE_AFTER",
                   3 * settings.READINESS_INGEST_INTERVAL)


def connection_rows() -> list[dict]:
    """Every tenant with its connection's public facts (never a credential)."""
    connections = {c.tenant_id: c for c in TenantConnection.objects.all()}
    rows = []
    for tenant in Tenant.objects.order_by("slug"):
        connection = connections.get(tenant.pk)
        rows.append({
            "slug": tenant.slug, "name": tenant.name, "domain": tenant.primary_domain,
            "directory_id": connection.directory_id if connection else "",
            "client_id": connection.client_id if connection else "",
            "cloud": connection.cloud if connection else "",
            "credential": connection.credential_kind if connection else "none",
            "health": connection.health if connection else "never",
            "last_token_at": connection.last_token_at.isoformat()
            if connection and connection.last_token_at else None,
        })
    return rows


def connection_overview(*, tenant: Tenant) -> dict:
    """What the connection page shows: the facts, the probe, the sources, the fix links."""
    connection = TenantConnection.objects.filter(tenant=tenant).first()
    schedules = {s.source: s for s in IngestSchedule.objects.for_tenant(tenant)
                 .filter(source__in=SOURCES)}
    org = TenantSettings.objects.for_tenant(tenant).first()
    now = timezone.now()
    sources = [_for_display({"name": name, **source_status(
        schedule=schedules.get(name), connection=connection, now=now,
        settings_stale=bool(org and org.is_stale and name == "exchange"))})
        for name in SOURCES]
    consent = admin_consent_url(cloud=connection.cloud, directory_id=connection.directory_id,
                                client_id=connection.client_id) if (
        connection and connection.directory_id and connection.client_id) else ""
    return {"connection": connection, "sources": sources, "consent_url": consent,
            "checks": [check_for_display(c) for c in (connection.permissions or {}).get(
                "checks", [])] if connection else [],
            "checked_at": parse_datetime((connection.permissions or {}).get("checked_at") or "")
            if connection else None}


def _for_display(source: dict) -> dict:
    # The report's JSON carries ISO strings; the page formats real datetimes.
    return {**source, "last_success": parse_datetime(source.get("last_success") or ""),
            "title": SOURCE_TITLES.get(source["name"], source["name"]),
            "status_label": SOURCE_STATUS_LABELS.get(source["status"], source["status"])}


# --- Onboarding -----------------------------------------------------------------------


def stage_of(*, tenant: Tenant, connection: TenantConnection | None,
             schedules: dict[str, IngestSchedule]) -> str:
    """The onboarding stage: waiting for consent → consented (not tested yet) → role
    missing → first ingest running → ready. A tenant without P1 is ready without
    sign-ins (the checklist still says so)."""
    if tenant.report_only:
        return Stage.REPORT_ONLY
    if connection is None or not connection.directory_id:
        return Stage.NOT_CONNECTED
    if connection.uses_shared_app and connection.consent != Consent.GRANTED:
        return Stage.WAITING
    checks = {c["key"]: c["status"] for c in (connection.permissions or {}).get("checks", [])}
    if checks.get("exchange_role") == "missing":
        return Stage.ROLE_MISSING
    done = {name: bool(s.last_success_at) for name, s in schedules.items()}
    if done.get("exchange") and (done.get("signins") or checks.get("entra_p1") == "missing"):
        return Stage.READY  # also a tenant on its own app that was never probed
    return Stage.FIRST_INGEST if checks else Stage.CONSENTED


def onboarding_rows(*, stage: str = "", tag: str = "", query: str = "") -> list[dict]:
    """Every tenant with its stage, for the board (four queries, whatever the count)."""
    tenants = Tenant.objects.select_related("connection").prefetch_related("tags")
    if tag:
        tenants = tenants.filter(tags__name=tag)
    if query:
        tenants = tenants.filter(Q(name__icontains=query) | Q(primary_domain__icontains=query)
                                 | Q(slug__icontains=query))
    tenants = list(tenants.order_by("name").distinct())
    schedules: dict[int, dict] = {}
    for schedule in IngestSchedule.objects.filter(tenant__in=tenants, source__in=SOURCES):
        schedules.setdefault(schedule.tenant_id, {})[schedule.source] = schedule
    rows = []
    for tenant in tenants:
        connection = getattr(tenant, "connection", None)
        row_stage = stage_of(tenant=tenant, connection=connection,
                             schedules=schedules.get(tenant.pk, {}))
        if stage and row_stage != stage:
            continue
        rows.append({"tenant": tenant, "connection": connection, "stage": row_stage,
                     "stage_label": Stage(row_stage).label,
                     "stage_rank": Stage.values.index(row_stage),
                     "tags": [t.name for t in tenant.tags.all()]})
    return rows


def onboarding_counts(rows: list[dict]) -> dict[str, int]:
    return {value: sum(1 for r in rows if r["stage"] == value) for value in Stage.values}


def tenant_onboarding(*, tenant: Tenant) -> dict:
    connection = TenantConnection.objects.filter(tenant=tenant).first()
    schedules = {s.source: s for s in IngestSchedule.objects.for_tenant(tenant)
                 .filter(source__in=SOURCES)}
    stage = stage_of(tenant=tenant, connection=connection, schedules=schedules)
    return {"connection": connection, "stage": stage, "stage_label": Stage(stage).label,
            "schedules": [schedules[s] for s in SOURCES if s in schedules]}
