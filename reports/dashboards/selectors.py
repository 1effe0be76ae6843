"""Read-side queries for the dashboards. Every function takes the tenant (or the
user's visible tenants) first and returns plain rows for charts and tables."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from readiness.milestones.models import Milestone
from readiness.senders.models import Sender
from readiness.tenancy.models import Tenant
from reports.usage.models import DailyUsage


def today() -> date:
    return timezone.now().date()


def daily_usage_rows(*, tenant: Tenant, start: date, end: date) -> list[dict]:
    """One row per day and method: messages and Basic sign-ins, summed across sources."""
    return list(
        DailyUsage.objects.for_tenant(tenant).filter(day__range=(start, end))
        .values("day", "auth_method")
        .annotate(messages=Sum("messages"), signins=Sum("signins"))
        .order_by("day", "auth_method")
    )


def milestone_rows(*, tenant: Tenant | None) -> list[dict]:
    return list(
        Milestone.objects.for_tenant(tenant)
        .values("key", "date", "title", "status", "kind", "precision", "source", "tenant_id")
    )


def next_milestone(*, tenant: Tenant | None, on: date | None = None) -> Milestone | None:
    return (Milestone.objects.for_tenant(tenant).upcoming(on or today())
            .filter(kind__in=["deadline", "internal"]).order_by("date").first())


def portfolio_queryset(tenants: QuerySet[Tenant]) -> QuerySet[Tenant]:
    """Tenants annotated with the figures the portfolio table shows."""
    since = today() - timedelta(days=7)
    basic_7d = (
        DailyUsage.objects.filter(tenant=OuterRef("pk"), auth_method="basic", day__gte=since)
        .values("tenant").annotate(total=Sum("messages")).values("total")
    )
    return tenants.annotate(basic_messages_7d=Coalesce(Subquery(basic_7d), 0))


def sender_queryset(*, tenant: Tenant) -> QuerySet[Sender]:
    since = today() - timedelta(days=30)
    recent = Q(usage__day__gte=since)
    basic, oauth = Q(usage__auth_method="basic"), Q(usage__auth_method="oauth")
    return (
        Sender.objects.for_tenant(tenant).select_related("mailbox", "owner_user")
        .annotate(
            basic_messages_30d=Sum("usage__messages", filter=recent & basic),
            oauth_messages_30d=Sum("usage__messages", filter=recent & oauth),
            basic_signins_30d=Sum("usage__signins", filter=recent),
            usage_days=Count("usage__day", filter=recent, distinct=True),
        )
        .order_by("address")
    )
