import django_tables2 as tables

from readiness.ingestion.models import IngestRun


class IngestRunTable(tables.Table):
    retries = tables.Column("Retries", accessor="counts__retries", default=0, orderable=False)
    faults = tables.Column("Faults retried", accessor="counts__faults", default="—",
                           orderable=False)
    swept = tables.Column("Swept", accessor="counts__swept", default="", orderable=False)

    class Meta:
        model = IngestRun
        fields = ("started_at", "source", "status", "triggered_by", "finished_at", "retries",
                  "faults", "swept", "error")
        order_by = ("-started_at",)
        empty_text = "No ingest has run for this tenant yet."

    def render_faults(self, value):
        return ", ".join(f"{name} ({times})" for name, times in value.items()) or "—"

    def value_faults(self, value):
        return self.render_faults(value) if isinstance(value, dict) else ""

    def render_swept(self, value):
        return "worker lost" if value else ""
