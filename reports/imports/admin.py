from django.contrib import admin

from readiness.tenancy.admin import TenantScopedAdmin
from reports.imports.models import ReportImport


@admin.register(ReportImport)
class ReportImportAdmin(TenantScopedAdmin):
    """Read-only: imports change only through the importer service (audited)."""

    list_display = ("file_name", "tenant", "format", "status", "rows", "senders",
                    "period_start", "period_end", "imported_by", "created_at")
    list_filter = ("status", "format", "channel")
    search_fields = ("file_name", "sha256", "tenant__slug")
    exclude = ("preview",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
