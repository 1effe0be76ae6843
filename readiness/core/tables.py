"""Table columns shared by every app's tables: one date style everywhere."""

from __future__ import annotations

import django_tables2 as tables

from readiness.core.templatetags.readiness_ui import day, reltime


class WhenColumn(tables.DateTimeColumn):
    """A moment: "3 hours ago", the exact date and time on hover; exports keep the
    datetime itself (a real date in XLSX)."""

    def render(self, value):
        return reltime(value)

    def value(self, value):
        return value


class DayColumn(tables.DateColumn):
    """A calendar day in the locale's date format; exports keep the date."""

    def render(self, value):
        return day(value)

    def value(self, value):
        return value
