from django.contrib import admin

from readiness.imports.models import ReportImport
from readiness.tenancy.admin import ReadOnlyAdminMixin, TenantScopedAdmin


@admin.register(ReportImport)
class ReportImportAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    """Read-only: imports change only through the importer service (audited)."""

    list_display = ("file_name", "tenant", "format", "status", "rows", "senders",
                    "period_start", "period_end", "imported_by", "created_at")
    list_filter = ("status", "format", "channel")
    search_fields = ("file_name", "sha256", "tenant__slug")
    exclude = ("preview",)
