"""Coverage-aware charts and tables (issue 12, item 4): a day no source covered is a
gap, not a zero; Export estimates look estimated; the sign-in axis counts in integers;
milestone labels fit. Figures are validated by plotly itself (unknown properties fail)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import plotly.graph_objects as go
import pytest
from django.urls import reverse

from readiness.dashboards import charts as dashboard_charts
from readiness.senders.models import Sender
from readiness.usage import charts
from readiness.usage.models import CoveredDay, DailyUsage, TenantDay
from readiness.usage.rollups import usage_rollups_refresh
from readiness.usage.services import signin_coverage_record

D1, D2, D3, D4 = (date(2026, 11, 1) + timedelta(days=n) for n in range(4))


def _tenant_days():
    # D1: detailed report + sign-ins; D2: nothing covered it; D3: Export only;
    # D4: sign-in log only, no Basic sign-in that day (covered, no traffic).
    return [
        {"day": D1, "basic_messages": 7, "oauth_messages": 2, "basic_signins": 3,
         "failed_signins": 1, "sources": "detailed_report,signins"},
        {"day": D3, "basic_messages": 5, "oauth_messages": 0, "basic_signins": 0,
         "failed_signins": 0, "sources": "export"},
        {"day": D4, "basic_messages": 0, "oauth_messages": 0, "basic_signins": 0,
         "failed_signins": 0, "sources": "signins"},
    ]


def _trace(figure, name):
    return next(t for t in figure["data"] if t["name"] == name)


def test_a_day_no_source_covered_is_a_gap_in_every_trace_not_a_zero():
    rows = charts.day_rows(_tenant_days(), D1, D4)
    figure = charts.timeline_figure(rows, [])
    go.Figure(figure)  # plotly accepts every property
    signins = _trace(figure, "Basic sign-ins")
    assert signins["y"] == [3, None, None, 0] and signins["connectgaps"] is False
    assert _trace(figure, "Basic messages")["y"] == [7, None, None, None]
    assert _trace(figure, "Basic messages (estimated)")["y"] == [None, None, 5, None]
    # Sign-in coverage, report coverage and no traffic are three different things.
    assert [(r["basic_messages"], r["basic_signins"]) for r in rows] == [
        (7, 3), (None, None), (5, None), (None, 0)]


def test_export_estimates_are_hatched_lighter_and_say_estimated_on_hover():
    figure = charts.timeline_figure(charts.day_rows(_tenant_days(), D1, D4), [])
    estimated = _trace(figure, "Basic messages (estimated)")
    measured = _trace(figure, "Basic messages")
    assert estimated["marker"]["pattern"]["shape"] == "/"
    assert estimated["marker"]["opacity"] < 1 and "pattern" not in measured["marker"]
    assert "estimated" in estimated["hovertemplate"]
    assert "estimated" not in measured["hovertemplate"]


def test_without_export_days_there_is_no_estimated_trace():
    days = [d for d in _tenant_days() if d["sources"] != "export"]
    names = [t["name"] for t in charts.timeline_figure(charts.day_rows(days, D1, D4), [])["data"]]
    assert "Basic messages (estimated)" not in names


@pytest.mark.parametrize(("top", "dtick"), [(0, 1), (3, 1), (7, 2), (13, 5), (40, 10),
                                            (784, 200)])
def test_the_sign_in_axis_has_integer_ticks(top, dtick):
    days = [{"day": D1, "basic_signins": top, "sources": "signins"}]
    axis = charts.timeline_figure(charts.day_rows(days, D1, D1), [])["layout"]["yaxis2"]
    assert axis["tickformat"] == ",d" and axis["dtick"] == dtick
    assert isinstance(axis["dtick"], int) and axis["tick0"] == 0


def test_a_long_milestone_label_is_shortened_and_keeps_its_whole_title_on_hover():
    title = "Microsoft turns Basic SMTP AUTH off by default for every existing tenant"
    milestone = {"date": D4, "title": title, "status": "expected", "kind": "deadline"}
    annotation = charts.milestone_annotation(milestone)
    assert len(annotation["text"]) <= charts.LABEL_MAX and annotation["text"].endswith("…")
    assert annotation["hovertext"] == title and annotation["captureevents"] is True


def test_a_shortened_hostile_label_is_still_escaped_and_never_cut_inside_an_entity():
    hostile = "<img src=x onerror=alert(1)>" * 3
    annotation = charts.milestone_annotation(
        {"date": D4, "title": hostile, "status": "expected", "kind": "internal"})
    payload = json.dumps(annotation)
    assert "<img" not in payload and "&lt;img" in payload
    assert not annotation["text"].rstrip("…").endswith("&")


def test_the_coverage_strip_says_no_data_on_hover_for_uncovered_days():
    figure = dashboard_charts.coverage_figure(_tenant_days(), D1, D4)
    heat = figure["data"][0]
    assert heat["text"][0] == ["sign-ins counted", "no data (not covered)",
                               "no data (not covered)", "sign-ins counted"]
    assert "estimated" in heat["text"][2][2]
    go.Figure(figure)


@pytest.mark.django_db
def test_the_overview_draws_the_gap_and_its_table_says_no_data(tenant_a, victor, client_for):
    sender = Sender.objects.create(tenant=tenant_a, address="scan@a.example")
    today = date.today()
    covered = [today - timedelta(days=n) for n in (0, 1, 3)]  # 2 days ago: nobody looked
    DailyUsage.objects.create(tenant=tenant_a, sender=sender, day=covered[0],
                              auth_method="basic", source="signins", signins=4)
    for day in covered[1:]:
        CoveredDay.objects.create(tenant=tenant_a, source="signins", day=day)
    usage_rollups_refresh(tenant=tenant_a)
    assert set(TenantDay.objects.filter(tenant=tenant_a).values_list("day", flat=True)) == set(
        covered)
    page = client_for(victor).get(reverse("dashboards:tenant", args=[tenant_a.slug]))
    body = page.content.decode()
    figure = json.loads(body.split('id="timeline-data" type="application/json">')[1]
                        .split("</script>")[0])
    signins = _trace(figure, "Basic sign-ins")["y"]
    assert signins[-4:] == [0, None, 0, 4]  # 3 days ago, the gap, yesterday, today
    table = body.split('class="table table-sm w-auto usage-days"')[1].split("</table>")[0]
    gap_row = table.split(f"<td>{(today - timedelta(days=2)):%Y-%m-%d}</td>")[1].split("</tr>")[0]
    assert gap_row.count("no data") == 4
    zero_row = table.split(f"<td>{(today - timedelta(days=1)):%Y-%m-%d}</td>")[1].split("</tr>")[0]
    assert "<td>0</td>" in zero_row and zero_row.count("no data") == 2  # no report covered it


@pytest.mark.django_db
def test_the_sign_in_ingest_window_records_only_whole_days(tenant_a):
    from datetime import UTC, datetime

    start = datetime(2026, 11, 1, 14, 30, tzinfo=UTC)
    signin_coverage_record(tenant=tenant_a, start=start,
                           end=datetime(2026, 11, 4, 9, 0, tzinfo=UTC))
    assert sorted(CoveredDay.objects.values_list("day", flat=True)) == [D2, D3, D4]


@pytest.mark.django_db
def test_the_api_returns_null_for_figures_no_source_of_their_kind_covered(
        tenant_a, victor, client_for):
    today = date.today()
    CoveredDay.objects.create(tenant=tenant_a, source="signins", day=today)
    usage_rollups_refresh(tenant=tenant_a)
    data = client_for(victor).get(f"/api/v1/tenants/{tenant_a.slug}/usage/").json()
    (row,) = data["days"]
    assert row["basic_signins"] == 0 and row["basic_messages"] is None
    assert row["estimated"] is False


@pytest.mark.django_db
def test_a_report_only_tenant_shows_no_sign_in_figures_rather_than_zero(
        tenant_a, victor, client_for):
    sender = Sender.objects.create(tenant=tenant_a, address="scan@a.example")
    DailyUsage.objects.create(tenant=tenant_a, sender=sender, day=date.today(),
                              auth_method="basic", source="detailed_report", messages=9)
    usage_rollups_refresh(tenant=tenant_a)
    body = client_for(victor).get(reverse("dashboards:tenant", args=[tenant_a.slug])
                                  ).content.decode()
    assert "Basic sign-ins (30 d) — no sign-in log coverage" in body
    assert "None" not in body.split('class="row g-3 mb-3 kpis"')[1].split("</div>\n<p>")[0]
