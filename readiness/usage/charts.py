"""Pure chart builders for usage over time: plain rows in, Plotly figure dicts out.

They sit in the usage app (below the sender pages and the dashboards) because both the
sender page and the tenant overview draw usage timelines. No ORM and no request here.
Strings that came from tenants or files are HTML-escaped before they reach a figure,
because Plotly renders a subset of HTML in labels and hover text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from html import escape

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

# How many days of history the usage timelines show (tenant overview, sender page).
TIMELINE_DAYS = 90

COLOURS = {"basic": "#d62728", "oauth": "#2ca02c", "unknown": "#7f7f7f", "signins": "#1f77b4",
           "failed": "#ff7f0e"}
MARGIN = {"t": 30, "r": 50, "b": 40, "l": 55}
# Plotly draws its own date ticks with English month names; Czech gets numeric dates
# and Czech separators instead (decimal comma, a space for thousands).
LOCALE_AXES = {"cs": {"tickformat": "%-d. %-m.", "hoverformat": "%-d. %-m. %Y"}}
LOCALE_SEPARATORS = {"cs": ", "}
SOURCES = (("signins", gettext_lazy("Sign-in logs")),
           ("detailed_report", gettext_lazy("Detailed report")),
           ("export", gettext_lazy("Clients export")))


def safe(text: object) -> str:
    return escape(str(text), quote=True)


def iso(value: date) -> str:
    return value.isoformat()


def milestone_layout(milestones: Sequence[dict]) -> dict:
    return {"shapes": [milestone_shape(m) for m in milestones],
            "annotations": [milestone_annotation(m) for m in milestones]}


def date_axis(**extra) -> dict:
    """A date x-axis in the active language's style."""
    return {"type": "date", **LOCALE_AXES.get(get_language() or "", {}), **extra}


def localised(figure: dict) -> dict:
    """The figure with the active language's number separators."""
    separators = LOCALE_SEPARATORS.get(get_language() or "")
    if separators:
        figure["layout"]["separators"] = separators
    return figure


def initial_range(window: tuple[date, date] | None) -> dict:
    # Milestones reach back to 2019: open on the data's window; "all" shows them all.
    return {"range": [iso(window[0]), iso(window[1])]} if window else {}


REPORT_SOURCES = frozenset({"detailed_report", "export"})
ESTIMATED_NOTE = gettext_lazy("estimated: an Export's totals spread evenly over its "
                              "period")
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
            "source_labels": [str(label) for key, label in SOURCES if key in sources],
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
        for key, name, colour in (("basic_messages", _("Basic messages"), COLOURS["basic"]),
                                  ("oauth_messages", _("OAuth messages"), COLOURS["oauth"])):
            if estimated and not any(r["estimated"] for r in rows):
                continue
            marker = {"color": colour}
            note = _("measured (report)")
            if estimated:
                name, note = _("%(name)s (estimated)") % {"name": name}, str(ESTIMATED_NOTE)
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
    x = [iso(r["day"]) for r in rows]
    signins = [r["basic_signins"] for r in rows]
    data = [
        *_message_bars(rows, x),
        {"type": "scatter", "mode": "lines+markers", "name": _("Basic sign-ins"), "x": x,
         "yaxis": "y2", "y": signins, "connectgaps": False, "marker": {"size": 3},
         "line": {"color": COLOURS["signins"]},
         "hovertemplate": "%{x}: %{y:,d} " + _("Basic sign-ins") + "<extra>"
                          + _("sign-in log") + "</extra>"},
    ]
    layout = {
        "barmode": "stack", "margin": MARGIN, "legend": {"orientation": "h", "y": -0.25},
        "yaxis": {"title": {"text": _("messages per day (reports)")}, "rangemode": "tozero",
                  "tickformat": ",d"},
        "yaxis2": {**integer_axis(signins, _("sign-ins per day (sign-in log)")),
                   "overlaying": "y", "side": "right", "showgrid": False},
        "xaxis": {**date_axis(), **initial_range(window), "rangeselector": {"buttons": [
            {"count": 7, "label": _("7 d"), "step": "day", "stepmode": "backward"},
            {"count": 30, "label": _("30 d"), "step": "day", "stepmode": "backward"},
            {"count": 90, "label": _("90 d"), "step": "day", "stepmode": "backward"},
            {"step": "all", "label": _("all")}]}},
        **milestone_layout(milestones),
    }
    return localised({"data": data, "layout": layout})


def milestone_shape(milestone: dict) -> dict:
    superseded = milestone["status"] == "superseded"
    internal = milestone.get("kind") == "internal"
    colour = "#999" if superseded else ("#0d6efd" if internal else "#333")
    return {
        "type": "line", "xref": "x", "yref": "paper", "y0": 0, "y1": 1,
        "x0": iso(milestone["date"]), "x1": iso(milestone["date"]),
        "line": {"color": colour, "width": 1, "dash": "dash" if superseded else "solid"},
    }


def milestone_annotation(milestone: dict) -> dict:
    title = safe(milestone["title"])
    if milestone["status"] == "superseded":
        title = _("cancelled: %(title)s") % {"title": title}
    elif milestone.get("kind") == "internal":
        title = _("our target: %(title)s") % {"title": title}
    # Vertical text longer than the plot is tall gets cut: shorten it (on a character
    # boundary of the unescaped title, so no entity is split) and keep the whole title
    # in the hover text.
    short = milestone_label_short(milestone)
    return {
        "x": iso(milestone["date"]), "xref": "x", "y": 1, "yref": "paper",
        "text": short, "hovertext": title, "captureevents": True, "showarrow": False,
        "textangle": -90, "xanchor": "right", "yanchor": "top", "font": {"size": 9},
    }


def milestone_label_short(milestone: dict) -> str:
    title = str(milestone["title"])
    if milestone["status"] == "superseded":
        title = _("cancelled: %(title)s") % {"title": title}
    elif milestone.get("kind") == "internal":
        title = _("our target: %(title)s") % {"title": title}
    if len(title) > LABEL_MAX:
        title = title[:LABEL_MAX - 1].rstrip() + "…"
    return safe(title)


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
