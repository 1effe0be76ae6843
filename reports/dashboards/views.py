from datetime import timedelta

from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from readiness.core.exports import SafeExportMixin
from readiness.senders.models import Sender
from readiness.tenancy import scoping
from readiness.tenancy.mixins import PortfolioMixin, TenantScopedMixin
from readiness.tenancy.models import Tenant
from reports.dashboards import charts, selectors
from reports.dashboards.filtersets import SenderFilterSet
from reports.dashboards.tables import PortfolioTable, SenderTable


class PortfolioView(PortfolioMixin, SafeExportMixin, SingleTableMixin, TemplateView):
    template_name = "dashboards/portfolio.html"
    table_class = PortfolioTable

    def get_table_data(self):
        return selectors.portfolio_queryset(scoping.visible_tenants(self.request.user))

    def get_queryset(self):  # PortfolioMixin narrows; the table uses get_table_data
        return Tenant.objects.none()


class TenantOverviewView(TenantScopedMixin, TemplateView):
    template_name = "dashboards/tenant.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        end = selectors.today()
        rows = selectors.daily_usage_rows(tenant=self.tenant, start=end - timedelta(days=89),
                                          end=end)
        milestones = selectors.milestone_rows(tenant=self.tenant)
        context["timeline"] = charts.timeline_figure(rows, milestones)
        context["next_milestone"] = selectors.next_milestone(tenant=self.tenant)
        return context


class SenderListView(TenantScopedMixin, SafeExportMixin, SingleTableMixin, FilterView):
    template_name = "dashboards/senders.html"
    model = Sender
    table_class = SenderTable
    filterset_class = SenderFilterSet
    paginate_by = 50

    def get_queryset(self):
        return selectors.sender_queryset(tenant=self.tenant)
