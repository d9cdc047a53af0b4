"""总览 figures: event volume and rate trends, the children's ranking."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ui.figures.common import layout as _layout, time_axis

RATE_SERIES = {"closure_rate": "结案率", "on_time_rate": "按期结案率", "satisfaction_rate": "群众满意率"}


def volume_trend(trend: pd.DataFrame, title: str) -> go.Figure:
    """上报数 as bars and 结案数 as a line per time bucket."""
    fig = go.Figure()
    fig.add_bar(x=trend["period_start"], y=trend["reported"], name="上报数", marker_color="#90caf9")
    fig.add_scatter(x=trend["period_start"], y=trend["closed"], name="结案数", mode="lines+markers",
                    line=dict(color="#1565c0", width=2))
    return time_axis(_layout(fig, title))


def rate_trend(trend: pd.DataFrame, title: str) -> go.Figure:
    """Closure, on-time and satisfaction rates per bucket, in percent; gaps where there is no data."""
    fig = go.Figure()
    for col, name in RATE_SERIES.items():
        fig.add_scatter(x=trend["period_start"], y=trend[col] * 100, name=name, mode="lines+markers",
                        connectgaps=False)
    fig.update_yaxes(ticksuffix="%")
    return time_axis(_layout(fig, title))


def children_ranking(children: pd.DataFrame, title: str) -> go.Figure:
    """Children's safety index, best on top, each bar in its grade's colour; customdata = area code."""
    data = children.sort_values("safety_index", ascending=True, na_position="first")
    labels = [f"{v:.1f} {g}" if g else "无数据" for v, g in zip(data["safety_index"].fillna(0), data["safety_grade"])]
    fig = go.Figure(go.Bar(x=data["safety_index"], y=data["name"], orientation="h", marker_color=data["safety_color"],
                           text=labels, textposition="auto", customdata=data[["code"]].to_numpy(),
                           hovertemplate="%{y}: %{x:.1f}<extra>点击下钻</extra>"))
    fig.update_xaxes(range=[0, 100], title="平安指数")
    return _layout(fig, title, height=max(320, 34 * len(data) + 90), hovermode="closest")


def ranking_table(children: pd.DataFrame) -> pd.DataFrame:
    """The children table as shown: best safety index first, rates in percent."""
    data = children.sort_values("safety_index", ascending=False, na_position="last")
    out = pd.DataFrame({
        "区域": data["name"], "平安指数": data["safety_index"].round(1), "等级": data["safety_grade"].fillna("无数据"),
        "上报数": data["reported"], "结案率": data["closure_rate"] * 100, "按期结案率": data["on_time_rate"] * 100,
        "超期未结": data["overdue_open"], "群众满意率": data["satisfaction_rate"] * 100,
    })
    out.insert(0, "排名", range(1, len(out) + 1))
    out.index = data["code"].astype(str)
    return out
