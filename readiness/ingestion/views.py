from django.http import JsonResponse
from django.views.decorators.http import require_GET
from django.views.generic import ListView
from django_tables2 import SingleTableMixin

from readiness.core.exports import SafeExportMixin
from readiness.ingestion.selectors import health_report, run_history, run_history_totals
from readiness.ingestion.tables import IngestRunTable
from readiness.tenancy.mixins import TenantScopedMixin


@require_GET
def healthz(request):
    report = health_report()
    return JsonResponse(report, status=200 if report["ok"] else 503)


class IngestHistoryView(TenantScopedMixin, SafeExportMixin, SingleTableMixin, ListView):
    """Every ingest of the tenant: retries and the faults they absorbed, skips, sweeps."""

    template_name = "ingestion/history.html"
    table_class = IngestRunTable
    paginate_by = 50
    export_name = "ingests"

    def get_queryset(self):
        return run_history(tenant=self.tenant)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                "totals": run_history_totals(tenant=self.tenant)}
