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


# ---- the bucket still running at the as-of time (metrics/buckets.py decides which one it is) ----

PARTIAL_COLOR = "#757575"


def partial_rows(trend: pd.DataFrame) -> pd.Series:
    """Which rows of a trend are the bucket still running at T (all False for a trend without the flag)."""
    if "partial" not in trend:
        return pd.Series(False, index=trend.index)
    return trend["partial"].fillna(False).astype(bool)


def partial_text(trend: pd.DataFrame, rates: bool = True) -> str | None:
    """"截至 14:30，未完" for the running bucket ("，不计比率" when the chart shows rates), or None."""
    rows = trend[partial_rows(trend)]
    if rows.empty:
        return None
    until = pd.Timestamp(rows["partial_until"].iloc[-1])
    return f"截至 {until:%H:%M}，未完" + ("，不计比率" if rates else "")


def count_line(fig: go.Figure, x, y, partial: pd.Series, name: str, color: str, width: float = 2) -> go.Figure:
    """A count per bucket as a line: solid over finished buckets, a dashed segment into the running
    bucket's hollow marker, so the last point does not read as a finished day's fall."""
    x, y, partial = pd.Series(list(x)), pd.Series(list(y)), pd.Series(list(partial), dtype=bool)
    done = ~partial
    fig.add_scatter(x=x[done], y=y[done], name=name, mode="lines+markers", legendgroup=name,
                    line=dict(color=color, width=width))
    if partial.any():
        last_done = done[done].index.max()
        tail = [i for i in ([last_done] if pd.notna(last_done) else []) + list(partial[partial].index)]
        fig.add_scatter(x=x[tail], y=y[tail], name=f"{name}（未完）", mode="lines+markers", legendgroup=name,
                        showlegend=False, line=dict(color=color, width=width, dash="dash"),
                        marker=dict(symbol=["circle" if not partial[i] else "circle-open" for i in tail], size=9,
                                    line=dict(width=2, color=color)),
                        hovertemplate=f"{name}：%{{y:,}}（未完）<extra></extra>")
    return fig


def mark_running_bucket(fig: go.Figure, trend: pd.DataFrame, rates: bool = True) -> go.Figure:
    """A dotted line at the running bucket's start and "截至 hh:mm，未完（，不计比率）" above it."""
    text = partial_text(trend, rates)
    if text is None:
        return fig
    start = pd.to_datetime(trend.loc[partial_rows(trend), "period_start"]).min()
    fig.add_shape(type="line", xref="x", yref="paper", x0=start, x1=start, y0=0, y1=1,
                  line=dict(color=PARTIAL_COLOR, width=1, dash="dot"))
    fig.add_annotation(x=start, y=1, xref="x", yref="paper", text=text, showarrow=False, xanchor="right",
                       yanchor="bottom", font=dict(color=PARTIAL_COLOR, size=13))
    return fig


def pending_note(trend: pd.DataFrame) -> str | None:
    """Which finished buckets' 结案率 is left out because many of their cases are not due yet
    (metrics/buckets.py), in words for the line under the chart; None when there are none."""
    if "closure_pending" not in trend:
        return None
    days = pd.to_datetime(trend.loc[trend["closure_pending"].fillna(False).astype(bool), "period_start"])
    if days.empty:
        return None
    return (f"结案率未计 {'、'.join(f'{d:%m-%d}' for d in days)}：这些日期的案件有较多尚未到办理期限，"
            "结案率还会随办结上升，暂不与往日比较（按期结案率只计已到期案件，照常显示）")
