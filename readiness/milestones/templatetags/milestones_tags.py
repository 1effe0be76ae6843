"""{{ milestone|countdown }}: "end of December 2026 (this month)" — the one countdown the
header, the tables and the charts share (milestones.models.when_with_countdown)."""

from django import template
from django.utils import timezone

from readiness.milestones.models import countdown_label, when_with_countdown

register = template.Library()


@register.filter
def countdown(milestone):
    if not milestone:
        return ""
    get = milestone.get if isinstance(milestone, dict) else lambda k: getattr(milestone, k)
    return when_with_countdown(get("date"), get("precision"), timezone.localdate())


@register.filter
def time_left(milestone):
    """Only the countdown part: "this month", "30 days left" (for a KPI figure)."""
    if not milestone:
        return ""
    get = milestone.get if isinstance(milestone, dict) else lambda k: getattr(milestone, k)
    return countdown_label(get("date"), get("precision"), timezone.localdate())
