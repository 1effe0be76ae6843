"""Usage reads shared by the rollups, the readiness report and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, Max, QuerySet
from django.db.models.functions import TruncDate

from readiness.tenancy.models import Tenant
from readiness.usage.choices import UsageSource
from readiness.usage.models import DailyUsage, SignInEvent, TenantDay


def failed_signins_by_day(*, tenant: Tenant, start: date, end: date) -> dict[date, int]:
    """Failed Basic sign-ins per UTC day, whoever they targeted.

    Counted from the raw events rather than the per-sender facts: most failures hit
    addresses that never sent anything (password spraying), which are not senders.
    """
    since = datetime.combine(start, time.min, tzinfo=UTC)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
    rows = (SignInEvent.objects.for_tenant(tenant)
            .filter(created_at__gte=since, created_at__lt=until).exclude(error_code=0)
            .annotate(day=TruncDate("created_at", tzinfo=UTC))
            .values("day").annotate(n=Count("pk")).values_list("day", "n"))
    return dict(rows)


def usage_largest_across_sources(*, tenant: Tenant, start: date, end: date,
                                 sender=None) -> QuerySet:
    """Per sender, day and auth method, the largest figure any source reports: two sources
    describing the same traffic (sign-in logs and a report file) must not be added up.

    The one home of this rule: the rollups, the readiness summary and the sender page
    all read usage through it."""
    rows = DailyUsage.objects.for_tenant(tenant).filter(day__range=(start, end))
    if sender is not None:
        rows = rows.filter(sender=sender)
    return (rows.values("sender_id", "day", "auth_method")
            .annotate(messages=Max("messages"), signins=Max("signins"),
                      failed_signins=Max("failed_signins"))
            .order_by("sender_id", "day", "auth_method"))


def tenant_day_sources(*, tenant: Tenant, start: date, end: date) -> list[dict]:
    """(day, sources) of the tenant's covered days: which sources looked at each day.
    A day missing here was covered by no source (a gap, not a zero)."""
    return list(TenantDay.objects.for_tenant(tenant).filter(day__range=(start, end))
                .values("day", "sources").order_by("day"))


@dataclass(frozen=True)
class FiguresKnown:
    """Which 30-day figures a source could know: a zero from a source that never looked
    is "no data", not "no usage" (the coverage strip says the same)."""

    reports: bool  # Basic / OAuth messages (a detailed report or an Export)
    signins: bool  # Basic sign-ins (the Entra sign-in log)


def figures_known(*, tenant: Tenant, start: date, end: date) -> FiguresKnown:
    """By the rollup's own rule (TenantDay.sources: a day a source covered or has a row
    on), so the tables agree with the overview's timeline and coverage strip."""
    sources = {source for listed in TenantDay.objects.for_tenant(tenant)
               .filter(day__range=(start, end)).exclude(sources="")
               .values_list("sources", flat=True).distinct()
               for source in listed.split(",")}
    return FiguresKnown(
        reports=bool(sources & {UsageSource.DETAILED_REPORT, UsageSource.EXPORT}),
        signins=UsageSource.SIGNINS in sources)
