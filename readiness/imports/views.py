"""Thin adapters over services/selectors. Every page is scoped by TenantScopedMixin."""

from __future__ import annotations

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from readiness.core.exports import SafeExportMixin
from readiness.imports import selectors, services
from readiness.imports.choices import ImportStatus, ReportFormat
from readiness.imports.filtersets import ReportImportFilterSet
from readiness.imports.forms import ConfirmForm, UploadForm
from readiness.imports.models import ReportImport
from readiness.imports.tables import ReportImportTable
from readiness.tenancy.audit import request_ip
from readiness.tenancy.choices import Capability
from readiness.tenancy.mixins import TenantScopedMixin


class ImportListView(TenantScopedMixin, SafeExportMixin, SingleTableMixin, FilterView):
    template_name = "imports/list.html"
    model = ReportImport
    table_class = ReportImportTable
    filterset_class = ReportImportFilterSet
    paginate_by = 50
    export_name = "imports"

    def get_queryset(self):
        return selectors.import_queryset(tenant=self.tenant)


class ImportObjectMixin(TenantScopedMixin):
    def get_object(self) -> ReportImport:
        return get_object_or_404(ReportImport.objects.for_tenant(self.tenant)
                                 .select_related("tenant", "imported_by", "uploaded_by"),
                                 pk=self.kwargs["pk"])


class UploadView(TenantScopedMixin, FormView):
    template_name = "imports/upload.html"
    form_class = UploadForm
    capability = Capability.MANAGE

    def form_valid(self, form):
        try:
            report = services.report_upload_save(
                tenant=self.tenant, uploaded_file=form.cleaned_data["file"],
                actor=self.request.user, ip=request_ip(self.request))
        except services.AlreadyImported as exc:
            messages.info(self.request, str(exc))
            return redirect("imports:detail", self.tenant.slug, exc.existing.pk)
        return redirect("imports:detail", self.tenant.slug, report.pk)


class ImportDetailView(ImportObjectMixin, TemplateView):
    template_name = "imports/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.get_object()
        context["report"] = report
        context["status"] = selectors.import_status(report=report)
        context["form"] = kwargs.get("form") or ConfirmForm(
            needs_period=report.format == ReportFormat.EXPORT)
        context["domain_check"] = selectors.import_domain_check(report=report,
                                                                user=self.request.user)
        return context


class ImportConfirmView(ImportObjectMixin, View):
    def post(self, request, *args, **kwargs):
        report = self.get_object()
        form = ConfirmForm(request.POST, needs_period=report.format == ReportFormat.EXPORT)
        if report.status != ImportStatus.PREVIEW_READY:
            messages.warning(request, _("This import is not waiting for confirmation."))
        elif not form.is_valid():
            for error in form.errors.values():
                messages.error(request, " ".join(error))
        else:
            self._confirm(report, form.cleaned_data)
        return redirect("imports:detail", self.tenant.slug, report.pk)

    def _confirm(self, report: ReportImport, data: dict) -> None:
        period = None
        if data.get("period_start") and data.get("period_end"):
            period = services.Period(data["period_start"], data["period_end"])
        try:
            services.report_confirm(report=report, actor=self.request.user, period=period,
                                    ip=request_ip(self.request),
                                    allow_foreign=data.get("allow_foreign", False))
        except (services.ReportRejected, services.AlreadyImported) as exc:
            messages.error(self.request, str(exc))


class ImportStatusView(ImportObjectMixin, View):
    def get(self, request, *args, **kwargs):
        return JsonResponse(selectors.import_status(report=self.get_object()))


class ImportDeleteView(ImportObjectMixin, TemplateView):
    template_name = "imports/delete.html"
    capability = Capability.MANAGE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["report"] = self.get_object()
        return context

    def post(self, request, *args, **kwargs):
        report = self.get_object()
        if services.report_delete_request(report=report, actor=request.user,
                                          ip=request_ip(request)):
            messages.success(request, _("Deleting the import of %(file)s: its usage is being "
                                         "removed.") % {"file": report.file_name})
        elif report.status != ImportStatus.DELETED:
            messages.warning(request, _("Wait until the import finishes before deleting it."))
        return redirect("imports:detail", self.tenant.slug, report.pk)
