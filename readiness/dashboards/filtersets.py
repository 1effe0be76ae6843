"""What a filter means, once: the pages, their exports and the API share these."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from readiness.tenancy.models import Tenant
from readiness.usage.readiness import PortfolioState


class TenantFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    state = django_filters.ChoiceFilter(field_name="readiness_state", label=_("State"),
                                        choices=PortfolioState.CHOICES)
    tag = django_filters.CharFilter(method="filter_tag", label=_("Tag"))

    class Meta:
        model = Tenant
        fields = ["q", "state", "tag"]

    def filter_tag(self, queryset, name, value):
        # A subquery, not a join: the portfolio's aggregates must not count a tenant twice.
        return queryset.filter(pk__in=Tenant.tags.through.objects.filter(
            tenanttag__name=value).values("tenant_id"))

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(slug__icontains=value)
                               | Q(primary_domain__icontains=value))
