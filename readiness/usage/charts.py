"""Pure chart builders for usage over time: plain rows in, Plotly figure dicts out.

They sit in the usage app (below the sender pages and the dashboards) because both the
sender page and the tenant overview draw usage timelines. No ORM and no request here.
Strings that came from tenants or files are HTML-escaped before they reach a figure,
because Plotly renders a subset of HTML in labels and hover text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from django.utils.translation import get_language
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


def timeline_figure(days: Sequence[dict], milestones: Sequence[dict],
                    window: tuple[date, date] | None = None) -> dict:
    """Daily Basic vs OAuth messages (stacked bars), Basic sign-ins as a line on a
    secondary axis, every milestone as a vertical line, and a range selector.

    days: rows with day, basic_messages, oauth_messages, basic_signins.
    window: the initially visible (start, end); None = fit everything.
    """
    x = [iso(d["day"]) for d in days]
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
        "xaxis": date_axis(**initial_range(window), rangeselector={"buttons": [
            {"count": 7, "label": _("7 d"), "step": "day", "stepmode": "backward"},
            {"count": 30, "label": _("30 d"), "step": "day", "stepmode": "backward"},
            {"count": 90, "label": _("90 d"), "step": "day", "stepmode": "backward"},
            {"step": "all", "label": _("all")}]}),
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
    return {
        "x": iso(milestone["date"]), "xref": "x", "y": 1, "yref": "paper",
        "text": title[:60], "hovertext": title, "showarrow": False, "textangle": -90,
        "xanchor": "right", "yanchor": "top", "font": {"size": 9},
    }


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
