"""Shared look of every chart: Chinese fonts, titles, margins, date axes, grade colours."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from metrics.formats import NO_DATA

FONT = dict(family="Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif", size=15)
GRAIN_NAMES = {"day": "日", "week": "周", "month": "月"}


def plain(text):
    """Database (or config) text for a Plotly label, tick, hover or annotation. Plotly reads <…> and
    &…; in any text as its own markup (an <a href> in an area's name would be a link on the chart,
    <br> a line break), so those three characters are written as entities, which Plotly shows as the
    characters themselves. Values that are not text (a number on an axis) are left as they are."""
    if not isinstance(text, str):
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain_all(values) -> list:
    """`plain` of every value: a column of names for an axis or a trace."""
    return [plain(v) for v in values]


def layout(fig: go.Figure, title: str, height: int = 360, hovermode: str = "x unified") -> go.Figure:
    fig.update_layout(title=dict(text=title, font=dict(size=17)), font=FONT, height=height,
                      margin=dict(l=10, r=10, t=50, b=10), legend=dict(orientation="h", y=-0.15),
                      hovermode=hovermode)
    return fig


def time_axis(fig: go.Figure) -> go.Figure:
    """Dates as 11-21 rather than English month names."""
    fig.update_xaxes(tickformat="%m-%d", hoverformat="%Y-%m-%d")
    return fig


def grain_for(days: int) -> str:
    """Trend resolution that keeps a chart between roughly 7 and 45 points."""
    return "day" if days <= 45 else "week" if days <= 200 else "month"


def numbers(column: pd.Series) -> pd.Series:
    """A column as floats with NaN where it is missing. A column the database filled with NULL only
    (no child has an index, no case was due) arrives as None objects, on which arithmetic and
    .round() raise; text and Decimal values become floats or NaN too."""
    return pd.to_numeric(column, errors="coerce").astype(float)


def has_index(frame: pd.DataFrame) -> bool:
    """Whether any row (child area, time bucket) has a 平安指数; with none, a ranking or trend chart
    would be bars and points of nothing, so the page says 无数据 instead."""
    return "safety_index" in frame and bool(numbers(frame["safety_index"]).notna().any())


def no_data_labels(fig: go.Figure, rows) -> go.Figure:
    """Write 无数据 beside the axis of a horizontal bar chart for each of `rows` (y categories):
    plotly draws no text on a bar of length 0, so a missing value would otherwise just be blank."""
    for y in rows:
        fig.add_annotation(x=0, y=y, text=NO_DATA, xanchor="left", showarrow=False, font=dict(color="#757575"))
    return fig
