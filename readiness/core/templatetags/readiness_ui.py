"""Dates one way: `{{ when|reltime }}` reads "3 hours ago" with the absolute date and
time on hover (<time title>), `{{ day|day }}` is the locale's date."""

from datetime import date, datetime

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from readiness.core.text import tls_label

register = template.Library()


def absolute(value) -> str:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "DATETIME_FORMAT")
    return date_format(value, "DATE_FORMAT")


@register.filter
def reltime(value, empty=None):
    """A datetime as "3 hours ago", the exact time in the title; a date as the date."""
    if not isinstance(value, date):
        return empty if empty is not None else "—"
    if not isinstance(value, datetime):
        return format_html('<time datetime="{}">{}</time>', value.isoformat(), absolute(value))
    return format_html('<time datetime="{}" title="{}">{}</time>', value.isoformat(),
                       absolute(value), naturaltime(value))


@register.filter
def day(value):
    """A date (or a datetime's local date, or an ISO date string from JSON) in the
    locale's format; "—" when absent."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value or "—"
    if not isinstance(value, date):
        return "—"
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "DATE_FORMAT")


@register.filter
def tls(value):
    """ "TLS1_0" -> "TLS 1.0"."""
    return tls_label(value) if value else "—"
