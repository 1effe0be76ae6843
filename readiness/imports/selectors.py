"""Read-side queries for imports. Every function takes the tenant first."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from readiness.imports.choices import RUNNING_STATUSES, ImportStatus, ReportFormat
from readiness.imports.models import ReportImport
from readiness.imports.recompute import days_between
from readiness.tenancy.domains import DomainCheck, domain_check_message, foreign_owners
from readiness.tenancy.models import Tenant
from readiness.usage.choices import UsageSource


def import_queryset(*, tenant: Tenant) -> QuerySet[ReportImport]:
    return (ReportImport.objects.for_tenant(tenant)
            .select_related("tenant", "imported_by", "uploaded_by").defer("preview"))


def import_status(*, report: ReportImport) -> dict:
    """The small JSON document the progress bar polls."""
    return {
        "id": report.pk,
        "status": report.status,
        "status_label": report.get_status_display(),
        "running": report.status in RUNNING_STATUSES,
        "done": report.progress_done,
        "total": report.progress_total,
        "percent": report.percent,
        "rows": report.rows,
        "error": report.error,
    }


def import_domain_check(*, report: ReportImport, user) -> dict | None:
    """The preview's wrong-tenant verdict, worded for this user (another customer is
    named only to someone who may see it)."""
    check = DomainCheck.from_dict((report.preview or {}).get("domain_check"))
    if check is None:
        return None
    owners = (foreign_owners(tenant=report.tenant, domains=check.foreign, user=user)
              if check.stops else [])
    return {"status": check.status, "stops": check.stops, "foreign": check.foreign,
            "message": domain_check_message(check, owners),
            "overridden": bool(report.preview.get("domain_override"))}


def coverage_days(*, tenant: Tenant, start: date, end: date) -> dict[date, set[str]]:
    """Which usage sources' imports cover each day (for the dashboards' coverage strip).

    A detailed report covers the days from its first to its last row; an Export covers
    its stated period. A day missing here means "no imported data", not zero usage.
    """
    source = {ReportFormat.DETAILED: UsageSource.DETAILED_REPORT,
              ReportFormat.EXPORT: UsageSource.EXPORT}
    covered: dict[date, set[str]] = {}
    imports = (ReportImport.objects.for_tenant(tenant)
               .filter(status=ImportStatus.IMPORTED, period_start__lte=end, period_end__gte=start)
               .values_list("format", "period_start", "period_end"))
    for fmt, first, last in imports:
        for day in days_between(max(first, start), min(last, end)):
            covered.setdefault(day, set()).add(source[fmt])
    return covered
