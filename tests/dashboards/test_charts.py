"""Chart builders are pure: plain rows in, figure dicts out, no database."""

import json
from datetime import date, timedelta

from readiness.dashboards import charts

HOSTILE = "<img src=x onerror=alert(1)>"
TODAY = date(2026, 11, 29)


def _days(values, end=TODAY):
    start = end - timedelta(days=len(values) - 1)
    return [{"day": start + timedelta(days=i), "basic_messages": v, "oauth_messages": 1,
             "basic_signins": 2, "basic_senders_by_status": {"new": v}, "sources": "signins"}
            for i, v in enumerate(values)]


def _rows(values, end=TODAY):
    """The timeline's input: every day, from `charts.day_rows`."""
    return charts.day_rows(_days(values, end), end - timedelta(days=len(values) - 1), end)


def _milestone(title="Default off", status="expected", kind="deadline", day=date(2026, 12, 31)):
    return {"date": day, "title": title, "status": status, "kind": kind}


def test_the_timeline_draws_each_milestone_as_a_vertical_line_with_its_title():
    figure = charts.timeline_figure(_rows([5, 4]), [_milestone()])
    shape = figure["layout"]["shapes"][0]
    assert (shape["x0"], shape["x1"], shape["yref"]) == ("2026-12-31", "2026-12-31", "paper")
    assert shape["line"]["dash"] == "solid"
    assert figure["layout"]["annotations"][0]["text"] == "Default off"


def test_superseded_milestones_are_dashed_and_labelled_cancelled():
    figure = charts.timeline_figure([], [_milestone("Old date", status="superseded")])
    assert figure["layout"]["shapes"][0]["line"]["dash"] == "dash"
    assert figure["layout"]["annotations"][0]["text"].startswith("cancelled: Old date")


def test_the_timeline_puts_sign_ins_on_a_secondary_axis_and_has_a_range_selector():
    figure = charts.timeline_figure(_rows([5]), [])
    signins = next(t for t in figure["data"] if t["name"] == "Basic sign-ins")
    assert signins["yaxis"] == "y2"
    assert figure["layout"]["yaxis2"]["overlaying"] == "y"
    assert figure["layout"]["xaxis"]["rangeselector"]["buttons"]
    assert figure["layout"]["barmode"] == "stack"


def test_a_hostile_label_is_escaped_in_the_figure_json():
    figure = charts.timeline_figure([], [_milestone(HOSTILE, kind="internal")])
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
    assert figure["data"][0]["stackgroup"] == "senders"


def test_a_barely_falling_line_gives_no_date_instead_of_an_overflow():
    # Issue 10 #7 (same class): 100,000 senders, one fewer on the last day -> a slope so
    # small the fitted end lies past year 9999 (OverflowError before the fix).
    points = [(TODAY - timedelta(days=27 - i), 100_000) for i in range(27)] + [(TODAY, 99_999)]
    forecast = charts.projection(points, milestone_date=date(2026, 12, 31))
    assert forecast.end is None and "too slowly" in forecast.message
