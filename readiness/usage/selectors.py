"""Usage reads shared by the rollups, the readiness report and the API."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate

from readiness.tenancy.models import Tenant
from readiness.usage.models import SignInEvent


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
