"""Pure functions that turn plain rows into Plotly figure dicts (and one inline SVG).

No ORM and no request here: every builder is testable without a database. Strings
that came from tenants or files are HTML-escaped before they reach a figure, because
Plotly renders a subset of HTML in labels and hover text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

COLOURS = {"basic": "#d62728", "oauth": "#2ca02c", "unknown": "#7f7f7f", "signins": "#1f77b4",
           "failed": "#ff7f0e"}
STATE_COLOURS = {"basic_possible": "#d62728", "unknown": "#e0a800", "oauth_only": "#2ca02c",
                 "smtp_auth_off": "#6c757d"}
STATUS_COLOURS = {"new": "#d62728", "regressed": "#8b0000", "triaged": "#ff7f0e",
                  "assigned": "#ffbb78", "in_progress": "#bcbd22", "migrated": "#98df8a",
                  "verified": "#2ca02c", "exception": "#9467bd", "wont_fix": "#7f7f7f"}
SOURCES = (("signins", gettext_lazy("Sign-in logs")),
           ("detailed_report", gettext_lazy("Detailed report")),
           ("export", gettext_lazy("Clients export")))
# Plotly draws its own date ticks with English month names; Czech gets numeric dates
# and Czech separators instead (decimal comma, thin space for thousands).
LOCALE_AXES = {"cs": {"tickformat": "%-d. %-m.", "hoverformat": "%-d. %-m. %Y"}}
LOCALE_SEPARATORS = {"cs": ", "}
MARGIN = {"t": 30, "r": 50, "b": 40, "l": 55}
PROJECTION_WINDOW = 28
PROJECTION_MIN_POINTS = 14


def safe(text: object) -> str:
    return escape(str(text), quote=True)


def _iso(value: date) -> str:
    return value.isoformat()


def _milestone_layout(milestones: Sequence[dict]) -> dict:
    return {"shapes": [milestone_shape(m) for m in milestones],
            "annotations": [milestone_annotation(m) for m in milestones]}


def _date_axis(**extra) -> dict:
    """A date x-axis in the active language's style."""
    return {"type": "date", **LOCALE_AXES.get(get_language() or "", {}), **extra}


def _localised(figure: dict) -> dict:
    separators = LOCALE_SEPARATORS.get(get_language() or "")
    if separators:
        figure["layout"]["separators"] = separators
    return figure


def tls_label(version: str) -> str:
    """"TLS1_0" as people write it: "TLS 1.0"."""
    return version.replace("TLS", "TLS ").replace("_", ".") if version.startswith("TLS") else (
        _("unknown") if version in ("", "unknown") else version)


def _initial_range(window: tuple[date, date] | None) -> dict:
    # Milestones reach back to 2019: open on the data's window; "all" shows them all.
    return {"range": [_iso(window[0]), _iso(window[1])]} if window else {}


def timeline_figure(days: Sequence[dict], milestones: Sequence[dict],
                    window: tuple[date, date] | None = None) -> dict:
    """Daily Basic vs OAuth messages (stacked bars), Basic sign-ins as a line on a
    secondary axis, every milestone as a vertical line, and a range selector.

    days: rows with day, basic_messages, oauth_messages, basic_signins.
    window: the initially visible (start, end); None = fit everything.
    """
    x = [_iso(d["day"]) for d in days]
    data = [
        {"type": "bar", "name": _("Basic messages"), "x": x,
         "y": [d["basic_messages"] for d in days], "marker": {"color": COLOURS["basic"]}},
        {"type": "bar", "name": _("OAuth messages"), "x": x,
         "y": [d["oauth_messages"] for d in days], "marker": {"color": COLOURS["oauth"]}},
        {"type": "scatter", "mode": "lines", "name": _("Basic sign-ins"), "x": x, "yaxis": "y2",
         "y": [d["basic_signins"] for d in days], "line": {"color": COLOURS["signins"]}},
    ]
    layout = {
        "barmode": "stack", "margin": MARGIN, "legend": {"orientation": "h", "y": -0.25},
        "yaxis": {"title": {"text": _("messages per day")}, "rangemode": "tozero"},
        "yaxis2": {"title": {"text": _("sign-ins per day")}, "overlaying": "y", "side": "right",
                   "rangemode": "tozero", "showgrid": False},
        "xaxis": _date_axis(**_initial_range(window), rangeselector={"buttons": [
            {"count": 7, "label": _("7 d"), "step": "day", "stepmode": "backward"},
            {"count": 30, "label": _("30 d"), "step": "day", "stepmode": "backward"},
            {"count": 90, "label": _("90 d"), "step": "day", "stepmode": "backward"},
            {"step": "all", "label": _("all")}]}),
        **_milestone_layout(milestones),
    }
    return _localised({"data": data, "layout": layout})


def milestone_shape(milestone: dict) -> dict:
    superseded = milestone["status"] == "superseded"
    internal = milestone.get("kind") == "internal"
    colour = "#999" if superseded else ("#0d6efd" if internal else "#333")
    return {
        "type": "line", "xref": "x", "yref": "paper", "y0": 0, "y1": 1,
        "x0": _iso(milestone["date"]), "x1": _iso(milestone["date"]),
        "line": {"color": colour, "width": 1, "dash": "dash" if superseded else "solid"},
    }


def milestone_annotation(milestone: dict) -> dict:
    title = safe(milestone["title"])
    if milestone["status"] == "superseded":
        title = _("cancelled: %(title)s") % {"title": title}
    elif milestone.get("kind") == "internal":
        title = _("our target: %(title)s") % {"title": title}
    return {
        "x": _iso(milestone["date"]), "xref": "x", "y": 1, "yref": "paper",
        "text": title[:60], "hovertext": title, "showarrow": False, "textangle": -90,
        "xanchor": "right", "yanchor": "top", "font": {"size": 9},
    }


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
    """Senders still on Basic (7-day window) per day, stacked by migration status."""
    x = [_iso(d["day"]) for d in days]
    statuses = [s for s in status_labels if any(d["basic_senders_by_status"].get(s)
                                                 for d in days)]
    data = [
        {"type": "scatter", "mode": "lines", "stackgroup": "senders",
         "name": safe(status_labels[s]), "x": x,
         "y": [d["basic_senders_by_status"].get(s, 0) for d in days],
         "line": {"color": STATUS_COLOURS.get(s, "#999"), "width": 0.5}}
        for s in statuses
    ]
    if forecast.end and days:
        last = days[-1]
        data.append({"type": "scatter", "mode": "lines", "name": _("projection"),
                     "x": [x[-1], _iso(forecast.end)],
                     "y": [sum(last["basic_senders_by_status"].values()), 0],
                     "line": {"color": "#333", "dash": "dot"}})
    layout = {"margin": MARGIN, "legend": {"orientation": "h", "y": -0.25},
              "yaxis": {"title": {"text": _("senders still on Basic")}, "rangemode": "tozero"},
              "xaxis": _date_axis(**_initial_range(_widen(window, forecast.end))),
              **_milestone_layout(milestones)}
    return _localised({"data": data, "layout": layout})


def _widen(window: tuple[date, date] | None, until: date | None):
    if window is None or until is None:
        return window
    return window[0], max(window[1], until + timedelta(days=7))


def bar_figure(counts: Sequence[tuple[str, str, int]], *, title: str,
               colours: dict[str, str] | None = None) -> dict:
    """counts: (key, label, value). Used for mailboxes by state and senders by TLS."""
    colours = colours or {}
    return _localised({
        "data": [{"type": "bar", "x": [safe(label) for _key, label, _value in counts],
                  "y": [value for _key, _label, value in counts],
                  "marker": {"color": [colours.get(key, "#6c757d") for key, _l, _v in counts]},
                  "hovertemplate": "%{x}: %{y}<extra></extra>"}],
        "layout": {"margin": MARGIN, "yaxis": {"title": {"text": safe(title)}}},
    })


def coverage_figure(days: Sequence[dict], start: date, end: date) -> dict:
    """Which days each source covered: a 3-row heatmap; a blank cell is a gap, not zero."""
    covered = {d["day"]: set(filter(None, d["sources"].split(","))) for d in days}
    x = [_iso(start + timedelta(days=i)) for i in range((end - start).days + 1)]
    z = [[1 if key in covered.get(date.fromisoformat(day), ()) else 0 for day in x]
         for key, _label in SOURCES]
    return _localised({
        "data": [{"type": "heatmap", "x": x, "y": [str(label) for _key, label in SOURCES],
                  "z": z, "zmin": 0, "zmax": 1, "showscale": False, "xgap": 1, "ygap": 2,
                  "colorscale": [[0, "#f1f3f5"], [1, "#0d6efd"]],
                  "hovertemplate": _("%{y} on %{x}: %{z}") + "<extra>"
                  + _("1 = covered") + "</extra>"}],
        "layout": {"margin": {**MARGIN, "l": 110}, "height": 180, "xaxis": _date_axis()},
    })


def sender_usage_figure(rows: Sequence[dict]) -> dict:
    """One sender: daily Basic/OAuth messages (bars) and Basic sign-ins (line, right axis)."""
    by_day: dict[date, dict] = {}
    for row in rows:
        entry = by_day.setdefault(row["day"], {"basic": 0, "oauth": 0, "signins": 0})
        if row["auth_method"] in ("basic", "oauth"):
            entry[row["auth_method"]] += row["messages"] or 0
        entry["signins"] += (row["signins"] or 0) if row["auth_method"] == "basic" else 0
    days = [{"day": d, "basic_messages": v["basic"], "oauth_messages": v["oauth"],
             "basic_signins": v["signins"]} for d, v in sorted(by_day.items())]
    return timeline_figure(days, [])


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
