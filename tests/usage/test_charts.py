"""Usage chart builders are pure: plain rows in, figure dicts out, no database."""

from datetime import date, timedelta

from readiness.usage import charts

TODAY = date(2026, 11, 29)


def _days(values, end=TODAY):
    """The timeline's input (`charts.day_rows`): every day, covered by both kinds."""
    start = end - timedelta(days=len(values) - 1)
    return charts.day_rows([{"day": start + timedelta(days=i), "basic_messages": v,
                             "oauth_messages": 1, "basic_signins": 2,
                             "sources": "detailed_report,signins"}
                            for i, v in enumerate(values)], start, end)


def _milestone(title="Default off", status="expected", kind="deadline", day=date(2026, 12, 31)):
    return {"date": day, "title": title, "status": status, "kind": kind}


def test_the_timeline_draws_each_milestone_as_a_vertical_line_with_its_title():
    figure = charts.timeline_figure(_days([5, 4]), [_milestone()])
    shape = figure["layout"]["shapes"][0]
    assert (shape["x0"], shape["x1"], shape["yref"]) == ("2026-12-31", "2026-12-31", "paper")
    assert shape["line"]["dash"] == "solid"
    assert figure["layout"]["annotations"][0]["text"] == "Default off"


def test_superseded_milestones_are_dashed_and_labelled_cancelled():
    figure = charts.timeline_figure([], [_milestone("Old date", status="superseded")])
    assert figure["layout"]["shapes"][0]["line"]["dash"] == "dash"
    assert figure["layout"]["annotations"][0]["text"].startswith("cancelled: Old date")


def test_the_timeline_puts_sign_ins_on_a_secondary_axis_and_has_a_range_selector():
    figure = charts.timeline_figure(_days([5]), [])
    signins = next(t for t in figure["data"] if t["name"] == "Basic sign-ins")
    assert signins["yaxis"] == "y2"
    assert figure["layout"]["yaxis2"]["overlaying"] == "y"
    assert figure["layout"]["xaxis"]["rangeselector"]["buttons"]
    assert figure["layout"]["barmode"] == "stack"


def test_the_sender_figure_sums_each_day_across_methods_and_counts_only_basic_sign_ins():
    rows = [{"day": TODAY, "auth_method": "basic", "messages": 3, "signins": 2},
            {"day": TODAY, "auth_method": "oauth", "messages": 5, "signins": 7},
            {"day": TODAY, "auth_method": "basic", "messages": None, "signins": None},
            {"day": TODAY - timedelta(days=1), "auth_method": "unknown", "messages": 9,
             "signins": 1}]
    yesterday = TODAY - timedelta(days=1)
    coverage = [{"day": d, "sources": "detailed_report,signins"} for d in (yesterday, TODAY)]
    figure = charts.sender_usage_figure(charts.sender_day_rows(rows, coverage, yesterday,
                                                               TODAY))
    by_name = {trace["name"]: trace for trace in figure["data"]}
    assert by_name["Basic messages"]["x"] == ["2026-11-28", "2026-11-29"]
    assert by_name["Basic messages"]["y"] == [0, 3]
    assert by_name["OAuth messages"]["y"] == [0, 5]
    assert by_name["Basic sign-ins"]["y"] == [0, 2]
