import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from readiness.core.tables import headers
from readiness.milestones.models import Milestone


@headers(title=_("Title"),
         precision=_("Precision"),
         status=_("Status"),
         kind=_("Kind"),
         as_of=_("As of"))
class MilestoneTable(tables.Table):
    date = tables.Column(verbose_name=_("When"), order_by=("date",))
    tenant = tables.Column(verbose_name=_("Whose"), default="Microsoft")
    source = tables.Column(verbose_name=_("Source"), orderable=True)
    edit = tables.TemplateColumn(template_name="milestones/_actions.html", orderable=False,
                                 exclude_from_export=True, verbose_name="")

    class Meta:
        model = Milestone
        fields = ("date", "title", "precision", "status", "kind", "tenant", "source", "as_of")
        order_by = ("date",)
        row_attrs = {"class": lambda record: "text-muted milestone-superseded"
                     if record.is_superseded else ""}

    def render_title(self, record):
        return record.display_title

    def render_date(self, record):
        return record.when_label

    def value_date(self, record):
        return record.date.isoformat()

    def render_source(self, value):
        # URLField values are validated http(s) URLs; the link text stays escaped.
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', value, _("source"))

    def value_source(self, value):
        return value

    def render_status(self, value, record):
        return format_html("<s>{}</s>", value) if record.is_superseded else value
