"""Read-only API. Every view resolves the tenant through readiness.tenancy.scoping:
another tenant's slug is a 404, exactly as in the UI."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from readiness.core.values import EARLIEST_DAY, day_problem
from readiness.dashboards import selectors
from readiness.dashboards.api.serializers import TenantSerializer, UsageDaySerializer
from readiness.dashboards.filtersets import TenantFilterSet
from readiness.dashboards.summary import readiness_summary
from readiness.tenancy import scoping
from readiness.tenancy.api import ReadOnlyTenantAPIMixin

MAX_USAGE_DAYS = 400


class UsageResponseSerializer(serializers.Serializer):
    tenant = serializers.CharField()
    to = serializers.DateField()
    # "from" is a keyword in Python: declared below.
    days = UsageDaySerializer(many=True)


UsageResponseSerializer._declared_fields["from"] = serializers.DateField()


class TenantListAPI(generics.ListAPIView):
    """The tenants the caller may see, with their readiness state and score."""

    serializer_class = TenantSerializer
    filterset_class = TenantFilterSet

    def get_queryset(self):
        return selectors.portfolio_queryset(scoping.visible_tenants(self.request.user))


class TenantSummaryAPI(ReadOnlyTenantAPIMixin, APIView):
    """The same figures as `manage.py readiness_report` for one tenant."""

    @extend_schema(parameters=[
        OpenApiParameter("from", OpenApiTypes.DATE, description="first day (default: 29 days "
                         "before 'to')"),
        OpenApiParameter("to", OpenApiTypes.DATE, description="last day (default: today)")],
        responses={200: OpenApiTypes.OBJECT})
    def get(self, request, slug):
        start, end = period_parse(request.query_params)
        return Response(readiness_summary(tenant=self.tenant, start=start, end=end))


def parse_day(value: str | None, name: str, default: date) -> date:
    if not value:
        return default
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            {name: _("'%(value)s' is not a date: use YYYY-MM-DD, e.g. 2026-11-01.")
             % {"value": value[:40]}}
        ) from None
    if day < EARLIEST_DAY:  # year 1 would overflow the default window: an HTTP 500
        raise ValidationError({name: f"'{value[:40]}' {day_problem(day)}."})
    return day


def period_parse(params) -> tuple[date, date]:
    """?from=&to= as UTC days, both inclusive; the default is the last 30 days. The same
    period as `readiness_report --from --to` (docs/api.md)."""
    end = parse_day(params.get("to"), "to", selectors.today())
    start = parse_day(params.get("from"), "from", end - timedelta(days=29))
    if start > end:
        raise ValidationError({"from": _("'from' must not be after 'to'.")})
    if (end - start).days >= MAX_USAGE_DAYS:
        raise ValidationError({"from": _("At most %(days)d days per request.")
                               % {"days": MAX_USAGE_DAYS}})
    return start, end


class UsageAPI(ReadOnlyTenantAPIMixin, APIView):
    """Daily rows (de-duplicated across sources) for ?from=YYYY-MM-DD&to=YYYY-MM-DD.

    Defaults to the last 30 days; at most 400 days per request.
    """

    @extend_schema(parameters=[
        OpenApiParameter("from", OpenApiTypes.DATE, description="first day (default: 30 days ago)"),
        OpenApiParameter("to", OpenApiTypes.DATE, description="last day (default: today)")],
        responses={200: UsageResponseSerializer})
    def get(self, request, slug):
        tenant = self.tenant
        start, end = period_parse(request.query_params)
        rows = selectors.usage_rows(tenant=tenant, start=start, end=end)
        return Response({"tenant": tenant.slug, "from": start, "to": end,
                         "days": UsageDaySerializer(rows, many=True).data})
