import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from readiness.core.tables import headers
from readiness.ingestion.models import IngestRun


@headers(started_at=_("Started"), source=_("Source"), status=_("Status"),
         triggered_by=_("Triggered by"), finished_at=_("Finished"), error=_("Error"))
class IngestRunTable(tables.Table):
    retries = tables.Column(_("Retries"), accessor="counts__retries", default=0, orderable=False)
    faults = tables.Column(_("Faults retried"), accessor="counts__faults", default="—",
                           orderable=False)
    swept = tables.Column(_("Swept"), accessor="counts__swept", default="", orderable=False)

    class Meta:
        model = IngestRun
        fields = ("started_at", "source", "status", "triggered_by", "finished_at", "retries",
                  "faults", "swept", "error")
        order_by = ("-started_at",)
        empty_text = _("No ingest has run for this tenant yet.")

    def render_faults(self, value):
        return ", ".join(f"{name} ({times})" for name, times in value.items()) or "—"

    def value_faults(self, value):
        return self.render_faults(value) if isinstance(value, dict) else ""

    def render_swept(self, value):
        return _("worker lost") if value else ""
