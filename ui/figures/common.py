"""Shared look of every chart: Chinese fonts, titles, margins, date axes, grade colours."""
from __future__ import annotations

import plotly.graph_objects as go

FONT = dict(family="Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif", size=15)
GRAIN_NAMES = {"day": "日", "week": "周", "month": "月"}


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
