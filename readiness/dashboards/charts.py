"""The portfolio's and the tenant overview's own chart builders: the forecast, the
burndown, bars, the coverage strip and the sparkline. Usage timelines live in
`readiness.usage.charts` (the sender page draws them too).

No ORM and no request here: every builder is testable without a database. Strings
that came from tenants or files are HTML-escaped before they reach a figure, because
Plotly renders a subset of HTML in labels and hover text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from readiness.usage.charts import (
    MARGIN,
    SOURCES,
    date_axis,
    initial_range,
    iso,
    localised,
    milestone_layout,
    safe,
)

STATE_COLOURS = {"basic_possible": "#d62728", "unknown": "#e0a800", "oauth_only": "#2ca02c",
                 "smtp_auth_off": "#6c757d"}
STATUS_COLOURS = {"new": "#d62728", "regressed": "#8b0000", "triaged": "#ff7f0e",
                  "assigned": "#ffbb78", "in_progress": "#bcbd22", "migrated": "#98df8a",
                  "verified": "#2ca02c", "exception": "#9467bd", "wont_fix": "#7f7f7f"}
PROJECTION_WINDOW = 28
PROJECTION_MIN_POINTS = 14
PROJECTION_MAX_DAYS = 36_500


@dataclass(frozen=True)
class Projection:
    """The burndown's forecast. `end` is None when the data cannot support one."""

    end: date | None
    days_vs_milestone: int | None  # negative = before the milestone
    message: str


def projection(points: Sequence[tuple[date, int]], *, milestone_date: date | None,
               milestone_title: str = "",
               milestone_when: str | None = None) -> Projection:
    """Linear fit of "senders still on Basic" over the last 28 days of data.

    Too thin (fewer than 14 days with data in the window) or not declining -> no date,
    and the message says why in plain words.
    """
    milestone_title = milestone_title or _("the next milestone")
    if not points:
        return Projection(None, None, _("No usage data yet: nothing to project."))
    last = max(day for day, _count in points)
    recent = sorted(p for p in points if p[0] > last - timedelta(days=PROJECTION_WINDOW))
    if len(recent) < PROJECTION_MIN_POINTS:
        return Projection(None, None, ngettext(
            "Too little data to project: %(count)d day with data in the last %(window)d "
            "(need %(need)d).",
            "Too little data to project: %(count)d days with data in the last %(window)d "
            "(need %(need)d).", len(recent)) % {"count": len(recent),
                                                "window": PROJECTION_WINDOW,
                                                "need": PROJECTION_MIN_POINTS})
    if recent[-1][1] == 0:
        return Projection(last, None, _("No sender used Basic in the latest week."))
    slope, intercept = _fit([(d - last).days for d, _v in recent], [v for _d, v in recent])
    if slope >= 0:
        return Projection(None, None, _("Basic use is not declining over the last 28 days: "
                                        "at the current pace it never ends."))
    days = -intercept / slope
    if days > PROJECTION_MAX_DAYS:
        # A barely falling line ends centuries away (or past the calendar: OverflowError).
        return Projection(None, None, _("Basic use is falling too slowly to project an end: "
                                        "more than 100 years at the current pace."))
    end = last + timedelta(days=math.ceil(days))
    when = milestone_when or (date_format(milestone_date) if milestone_date else "")
    return Projection(end, *_versus(end, milestone_date, safe(milestone_title), safe(when)))


def _fit(xs: list[int], ys: list[int]) -> tuple[float, float]:
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    var = sum((x - mean_x) ** 2 for x in xs) or 1
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / var
    return slope, mean_y - slope * mean_x


def _versus(end: date, milestone_date: date | None, title: str,
            when: str) -> tuple[int | None, str]:
    day = date_format(end)
    if milestone_date is None:
        return None, _("At the current pace Basic ends on %(day)s.") % {"day": day}
    delta = (end - milestone_date).days
    values = {"day": day, "count": abs(delta), "title": title, "when": when}
    if delta > 0:
        return delta, ngettext(
            "At the current pace Basic ends on %(day)s, %(count)d day after %(title)s "
            "(%(when)s).",
            "At the current pace Basic ends on %(day)s, %(count)d days after %(title)s "
            "(%(when)s).", delta) % values
    return delta, ngettext(
        "At the current pace Basic ends on %(day)s, %(count)d day before %(title)s (%(when)s).",
        "At the current pace Basic ends on %(day)s, %(count)d days before %(title)s (%(when)s).",
        -delta) % values


def burndown_figure(days: Sequence[dict], status_labels: dict[str, str],
                    forecast: Projection, milestones: Sequence[dict] = (),
                    window: tuple[date, date] | None = None) -> dict:
    """Senders still on Basic (7-day window) per day, stacked by migration status.

    Only days some source covered are drawn: on a day nobody looked, the 7-day window
    empties by itself and would draw a burndown that never happened. Each run of
    covered days is its own stack (one legend entry per status), so a gap stays a gap
    instead of a slope or a zero."""
    segments = covered_runs(days)
    statuses = [s for s in status_labels if any(d["basic_senders_by_status"].get(s)
                                                 for run in segments for d in run)]
    data = [
        {"type": "scatter", "mode": "lines", "stackgroup": f"senders-{n}",
         "name": safe(status_labels[s]), "legendgroup": s, "showlegend": n == 0,
         "x": [iso(d["day"]) for d in run],
         "y": [d["basic_senders_by_status"].get(s, 0) for d in run],
         "line": {"color": STATUS_COLOURS.get(s, "#999"), "width": 0.5}}
        for n, run in enumerate(segments) for s in statuses
    ]
    if forecast.end and segments:
        last = segments[-1][-1]
        data.append({"type": "scatter", "mode": "lines", "name": _("projection"),
                     "x": [iso(last["day"]), iso(forecast.end)],
                     "y": [sum(last["basic_senders_by_status"].values()), 0],
                     "line": {"color": "#333", "dash": "dot"}})
    layout = {"margin": MARGIN, "legend": {"orientation": "h", "y": -0.25},
              "yaxis": {"title": {"text": _("senders still on Basic")}, "rangemode": "tozero"},
              "xaxis": date_axis(**initial_range(_widen(window, forecast.end))),
              **milestone_layout(milestones)}
    return localised({"data": data, "layout": layout})


def day_covered(day: dict) -> bool:
    """Did any source (sign-in log, report file) cover this TenantDay?"""
    return bool(day.get("sources"))


def covered_runs(days: Sequence[dict]) -> list[list[dict]]:
    """The covered days, split where a day (or more) was not covered."""
    runs: list[list[dict]] = []
    previous = None
    for day in days:
        if not day_covered(day):
            continue
        if previous is None or day["day"] - previous != timedelta(days=1):
            runs.append([])
        runs[-1].append(day)
        previous = day["day"]
    return runs


def _widen(window: tuple[date, date] | None, until: date | None):
    if window is None or until is None:
        return window
    return window[0], max(window[1], until + timedelta(days=7))


def bar_figure(counts: Sequence[tuple[str, str, int]], *, title: str,
               colours: dict[str, str] | None = None) -> dict:
    """counts: (key, label, value). Used for mailboxes by state and senders by TLS."""
    colours = colours or {}
    return localised({
        "data": [{"type": "bar", "x": [safe(label) for _key, label, _value in counts],
                  "y": [value for _key, _label, value in counts],
                  "marker": {"color": [colours.get(key, "#6c757d") for key, _l, _v in counts]},
                  "hovertemplate": "%{x}: %{y}<extra></extra>"}],
        "layout": {"margin": MARGIN, "yaxis": {"title": {"text": safe(title)}}},
    })


COVERAGE_TEXT = {"signins": gettext_lazy("sign-ins counted"),
                 "detailed_report": gettext_lazy("messages counted"),
                 "export": gettext_lazy("messages estimated (Export totals spread evenly)")}


def coverage_figure(days: Sequence[dict], start: date, end: date) -> dict:
    """Which days each source covered: a 3-row heatmap; a blank cell is a gap, not zero.

    Sign-in coverage (the sign-in log was read for the day), report coverage (a report
    spans the day) and "no traffic" (covered, nothing sent) are different things: this
    strip shows coverage only; the timeline's zeros are covered days without traffic."""
    covered = {d["day"]: set(filter(None, d["sources"].split(","))) for d in days}
    x = [iso(start + timedelta(days=i)) for i in range((end - start).days + 1)]
    z, text = [], []
    for key, _label in SOURCES:
        flags = [key in covered.get(date.fromisoformat(day), ()) for day in x]
        z.append([1 if f else 0 for f in flags])
        text.append([str(COVERAGE_TEXT[key]) if f else _("no data (not covered)")
                     for f in flags])
    return localised({
        "data": [{"type": "heatmap", "x": x, "y": [str(label) for _key, label in SOURCES],
                  "z": z, "text": text, "zmin": 0, "zmax": 1, "showscale": False, "xgap": 1,
                  "ygap": 2, "colorscale": [[0, "#f1f3f5"], [1, "#0d6efd"]],
                  "hovertemplate": _("%{y} on %{x}: %{text}") + "<extra></extra>"}],
        "layout": {"margin": {**MARGIN, "l": 110}, "height": 180, "xaxis": date_axis()},
    })


def sparkline_svg(values: Sequence[int | None], *, width: int = 90, height: int = 22) -> str:
    """A tiny inline SVG polyline built only from numbers (None = no data: a gap).

    The output contains no caller-supplied text, so it is safe to mark safe.
    """
    known = [v for v in values if v is not None]
    if not known:
        return ""
    top = max(known) or 1
    step = width / max(len(values) - 1, 1)
    segments, current = [], []
    for i, value in enumerate(values):
        if value is None:
            segments, current = [*segments, current] if current else segments, []
            continue
        y = height - 2 - (height - 4) * (int(value) / top)
        current.append(f"{i * step:.1f},{y:.1f}")
    segments += [current] if current else []
    lines = "".join(f'<polyline points="{" ".join(s)}" fill="none" stroke="#d62728" '
                    f'stroke-width="1.5"/>' for s in segments)
    label = safe(_("trend"))
    return (f'<svg class="sparkline" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{label}">{lines}</svg>')
