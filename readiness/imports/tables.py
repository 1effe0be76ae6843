import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from readiness.core.tables import headers
from readiness.imports.models import ReportImport


@headers(format=_("Format"),
         channel=_("Channel"),
         status=_("Status"),
         rows=_("Rows"),
         senders=_("Senders"),
         period_start=_("Period start"),
         period_end=_("Period end"),
         created_at=_("Uploaded"),
         imported_at=_("Imported"))
class ReportImportTable(tables.Table):
    file_name = tables.LinkColumn("imports:detail", args=[tables.A("tenant__slug"), tables.A("pk")],
                                  verbose_name=_("File"))
    sha256 = tables.Column(verbose_name="SHA-256")
    imported_by = tables.Column(verbose_name=_("Imported by"), accessor="imported_by__username",
                                default="—",
                                order_by=("imported_by__username",))

    class Meta:
        model = ReportImport
        fields = ("file_name", "format", "channel", "status", "rows", "senders",
                  "period_start", "period_end", "imported_by", "created_at", "imported_at",
                  "sha256")
        order_by = ("-created_at",)
        empty_text = _("No report imported yet.")

    def render_sha256(self, value):
        return value[:12]

    def value_sha256(self, value):
        return value
