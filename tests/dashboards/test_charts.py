"""The dashboards' chart builders are pure: plain rows in, figure dicts out, no database."""

import json
from datetime import date, timedelta

from readiness.dashboards import charts
from readiness.usage import charts as usage_charts

HOSTILE = "<img src=x onerror=alert(1)>"
TODAY = date(2026, 11, 29)


def _days(values, end=TODAY):
    start = end - timedelta(days=len(values) - 1)
    return [{"day": start + timedelta(days=i), "basic_messages": v, "oauth_messages": 1,
             "basic_signins": 2, "basic_senders_by_status": {"new": v}, "sources": "signins"}
            for i, v in enumerate(values)]


def _milestone(title="Default off", status="expected", kind="deadline", day=date(2026, 12, 31)):
    return {"date": day, "title": title, "status": status, "kind": kind}


def test_a_hostile_label_is_escaped_in_the_figure_json():
    figure = usage_charts.timeline_figure([], [_milestone(HOSTILE, kind="internal")])
    bars = charts.bar_figure([("x", HOSTILE, 1)], title="senders")
    for payload in (json.dumps(figure), json.dumps(bars)):
        assert HOSTILE not in payload
        assert "&lt;img src=x onerror=alert(1)&gt;" in payload


def test_a_steady_decline_is_projected_to_a_date_and_compared_with_the_milestone():
    points = [(TODAY - timedelta(days=27 - i), 28 - i) for i in range(28)]
    forecast = charts.projection(points, milestone_date=date(2026, 12, 31),
                                 milestone_title="default off")
    assert forecast.end == TODAY + timedelta(days=1)
    assert forecast.days_vs_milestone == -31
    assert "31 days before default off" in forecast.message


def test_too_little_data_is_said_plainly_instead_of_projecting():
    points = [(TODAY - timedelta(days=i), 10 - i) for i in range(5)]
    forecast = charts.projection(points, milestone_date=date(2026, 12, 31))
    assert forecast.end is None
    assert "Too little data" in forecast.message


def test_no_decline_means_no_end_date():
    points = [(TODAY - timedelta(days=i), 10) for i in range(20)]
    forecast = charts.projection(points, milestone_date=None)
    assert forecast.end is None
    assert "not declining" in forecast.message


def test_the_coverage_strip_marks_only_the_days_a_source_covered():
    days = [{"day": TODAY, "sources": "signins,export"}]
    figure = charts.coverage_figure(days, TODAY - timedelta(days=1), TODAY)
    z = figure["data"][0]["z"]
    assert z == [[0, 1], [0, 0], [0, 1]]  # signins, detailed_report, export


def test_the_sparkline_is_numbers_only_and_leaves_gaps_for_missing_days():
    svg = charts.sparkline_svg([1, 2, None, 4])
    assert svg.count("<polyline") == 2
    assert charts.sparkline_svg([None, None]) == ""


def test_the_burndown_stacks_statuses_and_adds_the_projection_line():
    forecast = charts.projection([(TODAY - timedelta(days=27 - i), 28 - i) for i in range(28)],
                                 milestone_date=None)
    figure = charts.burndown_figure(_days([3, 2]), {"new": "New", "migrated": "Migrated"},
                                    forecast)
    names = [t["name"] for t in figure["data"]]
    assert names == ["New", "projection"]
    assert figure["data"][0]["stackgroup"] == "senders-0"


def test_the_burndown_leaves_a_gap_where_no_source_looked():
    """A month between two report files: the 7-day window empties by itself on days
    nobody covered, which drew a burndown to zero that never happened."""
    days = _days([5, 5, 0, 0, 0, 4, 4])
    for day in days[2:5]:
        day["sources"] = ""
    figure = charts.burndown_figure(days, {"new": "New"}, charts.projection(
        [], milestone_date=None))
    runs = [(t["stackgroup"], t["showlegend"], t["y"]) for t in figure["data"]]
    assert runs == [("senders-0", True, [5, 5]), ("senders-1", False, [4, 4])]
    assert charts.covered_runs(days) == [days[:2], days[5:]]


def test_a_barely_falling_line_gives_no_date_instead_of_an_overflow():
    # Issue 10 #7 (same class): 100,000 senders, one fewer on the last day -> a slope so
    # small the fitted end lies past year 9999 (OverflowError before the fix).
    points = [(TODAY - timedelta(days=27 - i), 100_000) for i in range(27)] + [(TODAY, 99_999)]
    forecast = charts.projection(points, milestone_date=date(2026, 12, 31))
    assert forecast.end is None and "too slowly" in forecast.message
