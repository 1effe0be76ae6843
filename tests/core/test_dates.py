"""One date style: relative times with the absolute date on hover; dates in the locale's
format; countdowns from one helper."""

from __future__ import annotations

from datetime import date, timedelta

from django.template import Context, Template
from django.utils import timezone


def _render(source: str, **context) -> str:
    return Template("{% load readiness_ui milestones_tags %}" + source).render(Context(context))


def test_reltime_says_how_long_ago_and_shows_the_exact_time_on_hover():
    html = _render("{{ when|reltime }}", when=timezone.now() - timedelta(hours=3))
    assert "3\xa0hours ago" in html or "3 hours ago" in html
    assert html.startswith("<time datetime=") and 'title="' in html


def test_reltime_of_nothing_reads_the_given_word():
    assert _render('{{ when|reltime:"never" }}', when=None) == "never"


def test_day_formats_dates_and_json_iso_strings_alike():
    assert _render("{{ d|day }}", d=date(2026, 12, 1)) == "1 Dec 2026"
    assert _render("{{ d|day }}", d="2026-12-01") == "1 Dec 2026"


def test_the_countdown_filter_respects_month_precision():
    milestone = {"date": date(2099, 12, 31), "precision": "month"}
    text = _render("{{ m|countdown }}", m=milestone)
    assert text.startswith("end of December 2099 (") and "31" not in text
