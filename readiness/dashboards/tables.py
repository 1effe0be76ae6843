"""The portfolio table. Sender and mailbox tables live in their own apps."""

from __future__ import annotations

import django_tables2 as tables
from django.utils import dateformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from readiness.connectors.choices import Health
from readiness.core.tables import due_text, nulls_last
from readiness.dashboards import charts
from readiness.tenancy.models import Tenant
from readiness.usage.readiness import PortfolioState


class PortfolioTable(tables.Table):
    name = tables.LinkColumn("dashboards:tenant", args=[tables.A("slug")], verbose_name=_("Tenant"))
    readiness_state = tables.Column(_("State"))
    score = tables.Column(_("Score"), accessor="usage_rollup__score", default="—")
    basic_senders = tables.Column(_("Basic senders (30 d)"),
                                  accessor="usage_rollup__basic_senders_30d", default="—")
    basic_7d = tables.Column(_("Basic messages (7 d)"), accessor="usage_rollup__basic_messages_7d",
                             default="—")
    trend = tables.Column(_("Basic trend (14 d)"),
                          accessor="usage_rollup__basic_messages_14d_trend",
                          orderable=False, exclude_from_export=True, default="")
    basic_possible = tables.Column(_("Mailboxes Basic possible"),
                                   accessor="usage_rollup__mailboxes_basic_possible", default="—")
    next_milestone = tables.Column(_("Next milestone"), accessor="internal_target_date",
                                   empty_values=())
    data_through = tables.Column(_("Data through"), accessor="usage_rollup__last_day_by_source",
                                 orderable=False, default=_("no data"))
    last_ingest_at = tables.Column(_("Last good ingest"), default=_("never"))
    health = tables.Column(_("Connection"), accessor="connection__health",
                           default=_("Not connected"))

    class Meta:
        model = Tenant
        fields = ("name",)
        sequence = ("name", "readiness_state", "score", "basic_senders", "basic_7d", "trend",
                    "basic_possible", "next_milestone", "data_through", "last_ingest_at",
                    "health")
        order_by = ("name",)

    def __init__(self, *args, global_milestone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.global_milestone = global_milestone

    def render_readiness_state(self, value):
        return format_html('<span class="badge state-badge state-{}">{}</span>', value,
                           PortfolioState.LABELS.get(value, value))

    def value_readiness_state(self, value):
        return PortfolioState.LABELS.get(value, value)

    def render_trend(self, value):
        return mark_safe(charts.sparkline_svg(value or []))  # noqa: S308 (numbers only)

    def _milestone_of(self, record):
        candidates = [(record.internal_target_date, record.internal_target_title)]
        if self.global_milestone:
            candidates.append((self.global_milestone.date, self.global_milestone.display_title))
        candidates = [c for c in candidates if c[0]]
        return min(candidates) if candidates else (None, "")

    def render_next_milestone(self, record):
        day, title = self._milestone_of(record)
        if day is None:
            return "—"
        return format_html('<span title="{}">{}</span>', title, due_text(day))

    def value_next_milestone(self, record):
        day, title = self._milestone_of(record)
        return f"{day} {title}" if day else ""

    def order_next_milestone(self, queryset, is_descending):
        return nulls_last(queryset, "internal_target_date", is_descending)

    def render_data_through(self, value):
        return max(value.values()) if value else "no data"

    def value_data_through(self, value):
        return max(value.values()) if value else ""

    def render_last_ingest_at(self, value):
        # Plain formatting: DateTimeColumn renders a template per cell (slow on 1,000 rows).
        return dateformat.format(value, "j M Y H:i")

    def render_health(self, value):
        return Health(value).label if value in Health.values else value

    def order_score(self, queryset, is_descending):
        return nulls_last(queryset, "usage_rollup__score", is_descending)
