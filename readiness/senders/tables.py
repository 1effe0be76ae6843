import django_tables2 as tables
from django.db.models import Case, IntegerField, Value, When
from django.utils.html import format_html

from readiness.senders.choices import TicketPriority
from readiness.senders.models import DeviceModel, Ticket

PRIORITY_RANK = Case(
    *(When(priority=p, then=Value(rank)) for rank, p in enumerate(
        (TicketPriority.LOW, TicketPriority.NORMAL, TicketPriority.HIGH,
         TicketPriority.URGENT))),
    output_field=IntegerField(),
)


def _row_class(record):
    return "table-danger" if getattr(record, "is_overdue", False) else ""


class TicketTable(tables.Table):
    id = tables.Column("#", linkify=lambda record: record.get_absolute_url())
    title = tables.Column(linkify=lambda record: record.get_absolute_url())
    tenant = tables.Column(accessor="tenant__name", verbose_name="Tenant")
    assignee = tables.Column(default="unassigned")
    priority = tables.Column(order_by=("priority_rank",))
    due_date = tables.DateColumn(verbose_name="Due")
    is_overdue = tables.BooleanColumn(verbose_name="Overdue", yesno="overdue,")
    updated_by = tables.Column(verbose_name="Last changed by", default="")

    class Meta:
        model = Ticket
        fields = ("id", "title", "tenant", "assignee", "status", "priority", "due_date",
                  "is_overdue", "external_id", "updated_by", "updated_at")
        order_by = ("due_date",)
        row_attrs = {"class": _row_class}
        empty_text = "No tickets match."


class TeamTicketTable(TicketTable):
    class Meta(TicketTable.Meta):
        exclude = ("tenant",)


class DeviceModelTable(tables.Table):
    """The device catalogue: every entry shows its source and review date."""

    evidence_url = tables.Column("Source", orderable=False)
    models_covered = tables.Column("Models named", orderable=False)

    class Meta:
        model = DeviceModel
        fields = ("vendor", "model", "device_type", "oauth_support", "min_version",
                  "auth_flow", "models_covered", "notes", "evidence_url", "reviewed_on")
        order_by = ("vendor",)
        empty_text = "No catalogue entry matches."

    def render_evidence_url(self, value):
        return format_html('<a href="{}" rel="noopener noreferrer nofollow" target="_blank">'
                           "vendor statement</a>", value)

    def value_evidence_url(self, value):
        return value

    def render_models_covered(self, value):
        return ", ".join(value)

    def value_models_covered(self, value):
        return ", ".join(value)

    def render_vendor(self, value, record):
        if record.is_generic:
            return format_html('{} <span class="badge text-bg-light">fallback</span>', value)
        return value
