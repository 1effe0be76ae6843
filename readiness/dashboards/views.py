"""Thin adapters: each names its queryset, filterset, table and chart builders."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from readiness.core.exports import SafeExportMixin
from readiness.dashboards import selectors
from readiness.dashboards.filtersets import TenantFilterSet
from readiness.dashboards.overview import tenant_overview
from readiness.dashboards.tables import PortfolioTable
from readiness.tenancy import scoping
from readiness.tenancy.mixins import TenantScopedMixin
from readiness.tenancy.models import TenantTag


class PortfolioView(LoginRequiredMixin, SafeExportMixin, SingleTableMixin, FilterView):
    """Every tenant the user may see, one row each, with the portfolio totals on top."""

    template_name = "dashboards/portfolio.html"
    table_class = PortfolioTable
    filterset_class = TenantFilterSet
    table_pagination = {"per_page": 50}  # not paginate_by: ListView would count twice
    export_name = "portfolio"

    def get_queryset(self):
        return selectors.portfolio_queryset(scoping.visible_tenants(self.request.user))

    def get_table_data(self):
        return super().get_table_data().prefetch_related("tags")

    def get_table_kwargs(self):
        self.global_milestone = selectors.next_global_milestone()
        return {"global_milestone": self.global_milestone}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = selectors.portfolio_summary(self.get_queryset())
        context["total"] = sum(context["summary"].values())
        context["states"] = selectors.PortfolioState.CHOICES
        context["tags"] = TenantTag.objects.filter(
            tenants__in=scoping.visible_tenants(self.request.user)).distinct()
        context["next_milestone"] = self.global_milestone
        return context


class TenantOverviewView(TenantScopedMixin, TemplateView):
    """KPI cards and the four charts of one tenant, all from the rollups."""

    template_name = "dashboards/tenant.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(tenant_overview(tenant=self.tenant))
        return context
