"""The portfolio table. Sender and mailbox tables live in their own apps."""

from __future__ import annotations

from datetime import date

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from readiness.connectors.choices import Health
from readiness.connectors.selectors import source_stale_after
from readiness.core.tables import WhenColumn, nulls_last
from readiness.core.templatetags.readiness_ui import day, reltime
from readiness.dashboards import charts
from readiness.milestones.choices import Precision
from readiness.milestones.models import precision_label, when_with_countdown
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
    conflicts = tables.Column(_("Conflicts (verify)"), accessor="usage_rollup__mailboxes_conflict",
                              default="—")
    next_milestone = tables.Column(_("Next milestone"), accessor="internal_target_date",
                                   empty_values=())
    data_through = tables.Column(_("Data through"), accessor="usage_rollup__last_day_by_source",
                                 orderable=False, default=_("no data"))
    last_ingest_at = WhenColumn(verbose_name=_("Last good ingest"), default=_("never"))
    health = tables.Column(_("Connection"), accessor="connection__health",
                           default=_("Not connected"))
    tags = tables.Column(_("Tags"), accessor="pk", orderable=False, empty_values=())

    class Meta:
        model = Tenant
        fields = ("name",)
        sequence = ("name", "readiness_state", "score", "basic_senders", "basic_7d", "trend",
                    "basic_possible", "conflicts", "next_milestone", "data_through",
                    "last_ingest_at", "health", "tags")
        order_by = ("name",)

    def __init__(self, *args, global_milestone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.global_milestone = global_milestone

    def render_readiness_state(self, value):
        return format_html('<span class="badge state-badge state-{}">{}</span>', value,
                           PortfolioState.LABELS.get(value, value))

    def value_readiness_state(self, value):
        return PortfolioState.LABELS.get(value, value)

    def render_tags(self, record):
        return ", ".join(t.name for t in record.tags.all())  # prefetched; escaped by the table

    def value_tags(self, record):
        return self.render_tags(record)

    def render_trend(self, value):
        return mark_safe(charts.sparkline_svg(value or []))  # noqa: S308 (numbers only)

    def _milestone_of(self, record):
        """(date, precision, title) of the tenant's next milestone: its own internal
        target or Microsoft's next, whichever comes first."""
        candidates = [(record.internal_target_date,
                       getattr(record, "internal_target_precision", None) or Precision.DAY,
                       record.internal_target_title)]
        if self.global_milestone:
            candidates.append((self.global_milestone.date, self.global_milestone.precision,
                               self.global_milestone.display_title))
        candidates = [c for c in candidates if c[0]]
        return min(candidates) if candidates else (None, None, "")

    def render_next_milestone(self, record):
        # The same words as the page header (milestones.models.when_with_countdown):
        # a month-precision milestone reads "end of December 2026", never a made-up day.
        day, precision, title = self._milestone_of(record)
        if day is None:
            return "—"
        return format_html('<span title="{}">{}</span>', title,
                           when_with_countdown(day, precision, timezone.localdate()))

    def value_next_milestone(self, record):
        day, precision, title = self._milestone_of(record)
        return f"{precision_label(day, precision)}: {title}" if day else ""

    def order_next_milestone(self, queryset, is_descending):
        return nulls_last(queryset, "internal_target_date", is_descending)

    def render_data_through(self, value):
        return day(max(value.values())) if value else "no data"

    def value_data_through(self, value):
        return date.fromisoformat(max(value.values())[:10]) if value else None

    def render_last_ingest_at(self, value, record):
        # One customer's stale data is shown here, never as a service outage (/healthz).
        oldest = getattr(record, "oldest_ingest_at", value)
        if oldest is None or timezone.now() - oldest > source_stale_after():
            return format_html('{} <span class="badge text-bg-warning" data-stale>{}</span>',
                               reltime(value), _("stale"))
        return reltime(value)

    def render_health(self, value):
        return Health(value).label if value in Health.values else value

    def order_score(self, queryset, is_descending):
        return nulls_last(queryset, "usage_rollup__score", is_descending)
