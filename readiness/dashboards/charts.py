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

COLOURS = {"basic": "#d62728", "oauth": "#2ca02c", "unknown": "#7f7f7f", "signins": "#1f77b4",
           "failed": "#ff7f0e"}
STATE_COLOURS = {"basic_possible": "#d62728", "unknown": "#e0a800", "oauth_only": "#2ca02c",
                 "smtp_auth_off": "#6c757d"}
STATUS_COLOURS = {"new": "#d62728", "regressed": "#8b0000", "triaged": "#ff7f0e",
                  "assigned": "#ffbb78", "in_progress": "#bcbd22", "migrated": "#98df8a",
                  "verified": "#2ca02c", "exception": "#9467bd", "wont_fix": "#7f7f7f"}
SOURCES = (("signins", "Sign-in logs"), ("detailed_report", "Detailed report"),
           ("export", "Clients export"))
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


def _initial_range(window: tuple[date, date] | None) -> dict:
    # Milestones reach back to 2019: open on the data's window; "all" shows them all.
    return {"range": [_iso(window[0]), _iso(window[1])]} if window else {}


REPORT_SOURCES = frozenset({"detailed_report", "export"})
ESTIMATED_NOTE = "estimated: an Export's totals spread evenly over its period"
LABEL_MAX = 32  # a vertical milestone label longer than this runs out of the plot


def day_rows(days: Sequence[dict], start: date, end: date) -> list[dict]:
    """Every day of [start, end], with what each kind of source knows about it.

    Reports (detailed report, Export) count messages; the sign-in log counts sign-ins.
    A figure a day's sources cannot know is None ("no data"), never 0: 0 means a source
    covered the day and saw no traffic. `estimated` marks days whose messages come only
    from an Export spread evenly over its period."""
    known = {d["day"]: d for d in days}
    rows = []
    for n in range((end - start).days + 1):
        day = start + timedelta(days=n)
        row = known.get(day, {})
        sources = set(filter(None, (row.get("sources") or "").split(",")))
        reports, signins = bool(sources & REPORT_SOURCES), "signins" in sources
        rows.append({
            "day": day, "sources": sorted(sources),
            "source_labels": [label for key, label in SOURCES if key in sources],
            "basic_messages": row.get("basic_messages", 0) if reports else None,
            "oauth_messages": row.get("oauth_messages", 0) if reports else None,
            "estimated": reports and "detailed_report" not in sources,
            "basic_signins": row.get("basic_signins", 0) if signins else None,
            "failed_signins": row.get("failed_signins", 0) if signins else None,
        })
    return rows


def _only(rows: Sequence[dict], key: str, estimated: bool) -> list:
    # Measured and estimated days are separate traces (a hatched, lighter look and
    # their own legend entry); on the other kind's days the trace has a gap.
    return [r[key] if r["estimated"] == estimated else None for r in rows]


def _message_bars(rows: Sequence[dict], x: list[str]) -> list[dict]:
    bars = []
    for estimated in (False, True):
        for key, name, colour in (("basic_messages", "Basic messages", COLOURS["basic"]),
                                  ("oauth_messages", "OAuth messages", COLOURS["oauth"])):
            if estimated and not any(r["estimated"] for r in rows):
                continue
            marker = {"color": colour}
            note = "measured (report)"
            if estimated:
                name, note = f"{name} (estimated)", ESTIMATED_NOTE
                marker = {"color": colour, "opacity": 0.45,
                          "pattern": {"shape": "/", "fgcolor": "#ffffff", "solidity": 0.3}}
            bars.append({"type": "bar", "name": name, "x": x, "y": _only(rows, key, estimated),
                         "marker": marker, "legendgroup": key,
                         "hovertemplate": f"%{{x}}: %{{y:,d}} {name.lower()}<br>{note}"
                                          "<extra></extra>"})
    return bars


def integer_axis(values: Sequence[int | None], title: str) -> dict:
    """An axis of counts: integer ticks only (no "0.5 sign-ins"), at most ~6 of them."""
    top = max((v for v in values if v is not None), default=0)
    step, factors = 1, (2, 2.5, 2)  # 1, 2, 5, 10, 20, 50, 100, ...
    while top / step > 6:
        step = int(step * factors[0])
        factors = (*factors[1:], factors[0])
    return {"title": {"text": title}, "rangemode": "tozero", "tickformat": ",d",
            "tick0": 0, "dtick": step, "range": [0, max(top, 1) * 1.05]}


def timeline_figure(rows: Sequence[dict], milestones: Sequence[dict],
                    window: tuple[date, date] | None = None) -> dict:
    """Daily Basic vs OAuth messages (stacked bars; Export estimates hatched), Basic
    sign-ins as a line on a secondary axis, every milestone as a vertical line, and a
    range selector.

    rows: from `day_rows` (None = no source covered that figure's day: a gap, not 0).
    window: the initially visible (start, end); None = fit everything.
    """
    x = [_iso(r["day"]) for r in rows]
    signins = [r["basic_signins"] for r in rows]
    data = [
        *_message_bars(rows, x),
        {"type": "scatter", "mode": "lines+markers", "name": "Basic sign-ins", "x": x,
         "yaxis": "y2", "y": signins, "connectgaps": False, "marker": {"size": 3},
         "line": {"color": COLOURS["signins"]},
         "hovertemplate": "%{x}: %{y:,d} Basic sign-ins<extra>sign-in log</extra>"},
    ]
    layout = {
        "barmode": "stack", "margin": MARGIN, "legend": {"orientation": "h", "y": -0.25},
        "yaxis": {"title": {"text": "messages per day (reports)"}, "rangemode": "tozero",
                  "tickformat": ",d"},
        "yaxis2": {**integer_axis(signins, "sign-ins per day (sign-in log)"),
                   "overlaying": "y", "side": "right", "showgrid": False},
        "xaxis": {"type": "date", **_initial_range(window), "rangeselector": {"buttons": [
            {"count": 7, "label": "7 d", "step": "day", "stepmode": "backward"},
            {"count": 30, "label": "30 d", "step": "day", "stepmode": "backward"},
            {"count": 90, "label": "90 d", "step": "day", "stepmode": "backward"},
            {"step": "all", "label": "all"}]}},
        **_milestone_layout(milestones),
    }
    return {"data": data, "layout": layout}


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
        title = f"cancelled: {title}"
    elif milestone.get("kind") == "internal":
        title = f"our target: {title}"
    # Vertical text longer than the plot is tall gets cut: shorten it (on a character
    # boundary of the unescaped title, so no entity is split) and keep the whole title
    # in the hover text.
    short = milestone_label_short(milestone)
    return {
        "x": _iso(milestone["date"]), "xref": "x", "y": 1, "yref": "paper",
        "text": short, "hovertext": title, "captureevents": True, "showarrow": False,
        "textangle": -90, "xanchor": "right", "yanchor": "top", "font": {"size": 9},
    }


def milestone_label_short(milestone: dict) -> str:
    title = str(milestone["title"])
    if milestone["status"] == "superseded":
        title = f"cancelled: {title}"
    elif milestone.get("kind") == "internal":
        title = f"our target: {title}"
    if len(title) > LABEL_MAX:
        title = title[:LABEL_MAX - 1].rstrip() + "…"
    return safe(title)


PROJECTION_MAX_DAYS = 36_500


@dataclass(frozen=True)
class Projection:
    """The burndown's forecast. `end` is None when the data cannot support one."""

    end: date | None
    days_vs_milestone: int | None  # negative = before the milestone
    message: str


def projection(points: Sequence[tuple[date, int]], *, milestone_date: date | None,
               milestone_title: str = "the next milestone",
               milestone_when: str | None = None) -> Projection:
    """Linear fit of "senders still on Basic" over the last 28 days of data.

    Too thin (fewer than 14 days with data in the window) or not declining -> no date,
    and the message says why in plain words.
    """
    if not points:
        return Projection(None, None, "No usage data yet: nothing to project.")
    last = max(day for day, _ in points)
    recent = sorted(p for p in points if p[0] > last - timedelta(days=PROJECTION_WINDOW))
    if len(recent) < PROJECTION_MIN_POINTS:
        return Projection(None, None, f"Too little data to project: {len(recent)} days with "
                                      f"data in the last {PROJECTION_WINDOW} (need "
                                      f"{PROJECTION_MIN_POINTS}).")
    if recent[-1][1] == 0:
        return Projection(last, None, "No sender used Basic in the latest week.")
    slope, intercept = _fit([(d - last).days for d, _ in recent], [v for _, v in recent])
    if slope >= 0:
        return Projection(None, None, "Basic use is not declining over the last 28 days: "
                                      "at the current pace it never ends.")
    days = -intercept / slope
    if days > PROJECTION_MAX_DAYS:
        # A barely falling line ends centuries away (or past the calendar: OverflowError).
        return Projection(None, None, "Basic use is falling too slowly to project an end: "
                                      "more than 100 years at the current pace.")
    end = last + timedelta(days=math.ceil(days))
    when = milestone_when or (f"{milestone_date:%-d %b %Y}" if milestone_date else "")
    return Projection(end, *_versus(end, milestone_date, safe(milestone_title), safe(when)))


def _fit(xs: list[int], ys: list[int]) -> tuple[float, float]:
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    var = sum((x - mean_x) ** 2 for x in xs) or 1
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / var
    return slope, mean_y - slope * mean_x


def _versus(end: date, milestone_date: date | None, title: str,
            when: str) -> tuple[int | None, str]:
    text = f"At the current pace Basic ends on {end:%-d %b %Y}"
    if milestone_date is None:
        return None, text + "."
    delta = (end - milestone_date).days
    if delta > 0:
        return delta, f"{text}, {delta} days after {title} ({when})."
    return delta, f"{text}, {-delta} days before {title} ({when})."


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
        data.append({"type": "scatter", "mode": "lines", "name": "projection",
                     "x": [x[-1], _iso(forecast.end)],
                     "y": [sum(last["basic_senders_by_status"].values()), 0],
                     "line": {"color": "#333", "dash": "dot"}})
    layout = {"margin": MARGIN, "legend": {"orientation": "h", "y": -0.25},
              "yaxis": {"title": {"text": "senders still on Basic"}, "rangemode": "tozero"},
              "xaxis": {"type": "date", **_initial_range(_widen(window, forecast.end))},
              **_milestone_layout(milestones)}
    return {"data": data, "layout": layout}


def _widen(window: tuple[date, date] | None, until: date | None):
    if window is None or until is None:
        return window
    return window[0], max(window[1], until + timedelta(days=7))


def bar_figure(counts: Sequence[tuple[str, str, int]], *, title: str,
               colours: dict[str, str] | None = None) -> dict:
    """counts: (key, label, value). Used for mailboxes by state and senders by TLS."""
    colours = colours or {}
    return {
        "data": [{"type": "bar", "x": [safe(label) for _, label, _ in counts],
                  "y": [value for _, _, value in counts],
                  "marker": {"color": [colours.get(key, "#6c757d") for key, _, _ in counts]},
                  "hovertemplate": "%{x}: %{y}<extra></extra>"}],
        "layout": {"margin": MARGIN, "yaxis": {"title": {"text": safe(title)}}},
    }


COVERAGE_TEXT = {"signins": "sign-ins counted", "detailed_report": "messages counted",
                 "export": "messages estimated (Export totals spread evenly)"}


def coverage_figure(days: Sequence[dict], start: date, end: date) -> dict:
    """Which days each source covered: a 3-row heatmap; a blank cell is a gap, not zero.

    Sign-in coverage (the sign-in log was read for the day), report coverage (a report
    spans the day) and "no traffic" (covered, nothing sent) are different things: this
    strip shows coverage only; the timeline's zeros are covered days without traffic."""
    covered = {d["day"]: set(filter(None, d["sources"].split(","))) for d in days}
    x = [_iso(start + timedelta(days=i)) for i in range((end - start).days + 1)]
    z, text = [], []
    for key, _ in SOURCES:
        flags = [key in covered.get(date.fromisoformat(day), ()) for day in x]
        z.append([1 if f else 0 for f in flags])
        text.append([COVERAGE_TEXT[key] if f else "no data (not covered)" for f in flags])
    return {
        "data": [{"type": "heatmap", "x": x, "y": [label for _, label in SOURCES], "z": z,
                  "text": text, "zmin": 0, "zmax": 1, "showscale": False, "xgap": 1,
                  "ygap": 2, "colorscale": [[0, "#f1f3f5"], [1, "#0d6efd"]],
                  "hovertemplate": "%{y} on %{x}: %{text}<extra></extra>"}],
        "layout": {"margin": {**MARGIN, "l": 110}, "height": 180, "xaxis": {"type": "date"}},
    }


def sender_day_rows(rows: Sequence[dict], coverage: Sequence[dict], start: date,
                    end: date) -> list[dict]:
    """One sender's `day_rows`. coverage: the tenant's days (day, sources): a day the
    tenant's sources covered and this sender did not appear on is 0; a day nobody
    covered is None ("no data")."""
    by_day: dict[date, dict] = {}
    for row in rows:
        entry = by_day.setdefault(row["day"], {"basic": 0, "oauth": 0, "signins": 0,
                                               "failed": 0})
        if row["auth_method"] in ("basic", "oauth"):
            entry[row["auth_method"]] += row["messages"] or 0
        entry["signins"] += (row["signins"] or 0) if row["auth_method"] == "basic" else 0
        entry["failed"] += row.get("failed_signins") or 0
    empty = {"basic": 0, "oauth": 0, "signins": 0, "failed": 0}
    days = [{"day": d["day"], "sources": d["sources"],
             "basic_messages": by_day.get(d["day"], empty)["basic"],
             "oauth_messages": by_day.get(d["day"], empty)["oauth"],
             "basic_signins": by_day.get(d["day"], empty)["signins"],
             "failed_signins": by_day.get(d["day"], empty)["failed"]} for d in coverage]
    return day_rows(days, start, end)


def sender_usage_figure(day_rows_: Sequence[dict]) -> dict:
    """One sender: daily Basic/OAuth messages (bars) and Basic sign-ins (line, right axis)."""
    return timeline_figure(day_rows_, [])


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
    return (f'<svg class="sparkline" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="trend">{lines}</svg>')
