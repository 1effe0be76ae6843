import django_tables2 as tables
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from readiness.senders.choices import TicketPriority
from readiness.senders.models import Ticket

PRIORITY_RANK = Case(
    *(When(priority=p, then=Value(rank)) for rank, p in enumerate(
        (TicketPriority.LOW, TicketPriority.NORMAL, TicketPriority.HIGH,
         TicketPriority.URGENT))),
    output_field=IntegerField(),
)


def _row_class(record):
    return "table-danger" if getattr(record, "is_overdue", False) else ""


class TicketTable(tables.Table):
    id = tables.Column(verbose_name="#", linkify=lambda record: record.get_absolute_url())
    title = tables.Column(verbose_name=_("Title"), linkify=lambda record: record.get_absolute_url())
    tenant = tables.Column(accessor="tenant__name", verbose_name=_("Tenant"))
    assignee = tables.Column(verbose_name=_("Assignee"), default=_("unassigned"))
    priority = tables.Column(verbose_name=_("Priority"), order_by=("priority_rank",))
    due_date = tables.DateColumn(verbose_name=_("Due"))
    is_overdue = tables.BooleanColumn(verbose_name=_("Overdue"), yesno=(_("overdue"), ""))
    updated_by = tables.Column(verbose_name=_("Last changed by"), default="")

    class Meta:
        model = Ticket
        fields = ("id", "title", "tenant", "assignee", "status", "priority", "due_date",
                  "is_overdue", "external_id", "updated_by", "updated_at")
        order_by = ("due_date",)
        row_attrs = {"class": _row_class}
        empty_text = _("No tickets match.")


class TeamTicketTable(TicketTable):
    class Meta(TicketTable.Meta):
        exclude = ("tenant",)
