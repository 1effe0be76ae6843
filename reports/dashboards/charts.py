"""Pure functions that turn plain rows into Plotly figure dicts.

No ORM and no request here: every builder is testable without a database. Strings
that came from tenants or files are HTML-escaped before they reach a figure, because
Plotly renders a subset of HTML in labels and hover text.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from html import escape

COLOURS = {"basic": "#d62728", "oauth": "#2ca02c", "unknown": "#7f7f7f", "signins": "#1f77b4"}


def safe(text: object) -> str:
    return escape(str(text), quote=True)


def timeline_figure(rows: list[dict], milestones: list[dict]) -> dict:
    """Daily Basic vs OAuth messages, stacked, with milestones as vertical lines."""
    series: dict[str, dict[date, int]] = defaultdict(dict)
    for row in rows:
        series[row["auth_method"]][row["day"]] = row["messages"] or 0
    data = [
        {"type": "bar", "name": method.capitalize() if method != "oauth" else "OAuth",
         "x": [d.isoformat() for d in sorted(points)],
         "y": [points[d] for d in sorted(points)],
         "marker": {"color": COLOURS.get(method, "#999")}}
        for method, points in sorted(series.items())
    ]
    layout = {
        "barmode": "stack", "margin": {"t": 30, "r": 10, "b": 40, "l": 50},
        "legend": {"orientation": "h"}, "yaxis": {"title": {"text": "messages per day"}},
        "xaxis": {"type": "date"},
        "shapes": [milestone_shape(m) for m in milestones],
        "annotations": [milestone_annotation(m) for m in milestones],
    }
    return {"data": data, "layout": layout}


def milestone_shape(milestone: dict) -> dict:
    superseded = milestone["status"] == "superseded"
    return {
        "type": "line", "xref": "x", "yref": "paper", "y0": 0, "y1": 1,
        "x0": milestone["date"].isoformat(), "x1": milestone["date"].isoformat(),
        "line": {"color": "#999" if superseded else "#333", "width": 1,
                 "dash": "dash" if superseded else "solid"},
    }


def milestone_annotation(milestone: dict) -> dict:
    title = safe(milestone["title"])
    if milestone["status"] == "superseded":
        title = f"Cancelled: {title}"
    return {
        "x": milestone["date"].isoformat(), "xref": "x", "y": 1, "yref": "paper",
        "text": title[:60], "hovertext": title, "showarrow": False, "textangle": -90,
        "xanchor": "right", "yanchor": "top", "font": {"size": 9},
    }
