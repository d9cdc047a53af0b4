"""总览 figures: event volume and rate trends, the children's ranking."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from metrics.safety_index import NO_DATA_COLOR
from ui import format as fmt
from ui.figures.common import (count_line, layout as _layout, mark_running_bucket, no_data_labels, numbers,
                               partial_rows, plain_all, time_axis)

NO_DATA = fmt.NO_DATA

RATE_SERIES = {"closure_rate": "结案率", "on_time_rate": "按期结案率", "satisfaction_rate": "群众满意率"}


def volume_trend(trend: pd.DataFrame, title: str) -> go.Figure:
    """上报数 as bars and 结案数 as a line per time bucket; the bucket still running at T is drawn
    hollow (an outlined bar, a dashed segment to an open marker) under "截至 hh:mm，未完"."""
    partial = partial_rows(trend)
    fig = go.Figure()
    fig.add_bar(x=trend["period_start"], y=trend["reported"], name="上报数",
                marker=dict(color=["rgba(144,202,249,0.25)" if p else "#90caf9" for p in partial],
                            line=dict(color=["#64b5f6" if p else "rgba(0,0,0,0)" for p in partial], width=1.5)),
                hovertemplate="上报数：%{y:,}<extra></extra>")
    count_line(fig, trend["period_start"], trend["closed"], partial, "结案数", "#1565c0")
    fig.update_yaxes(tickformat=",d")
    return mark_running_bucket(time_axis(_layout(fig, title)), trend, rates=False)


def rate_trend(trend: pd.DataFrame, title: str) -> go.Figure:
    """Closure, on-time and satisfaction rates per bucket, in percent; gaps where there is no data.
    The bucket still running at T has no rate (metrics/buckets.py) and is marked "截至 hh:mm"."""
    fig = go.Figure()
    for col, name in RATE_SERIES.items():
        fig.add_scatter(x=trend["period_start"], y=numbers(trend[col]) * 100, name=name, mode="lines+markers",
                        connectgaps=False, hovertemplate=f"{name}：%{{y:.1f}}%<extra></extra>")
    fig.update_yaxes(ticksuffix="%")
    return mark_running_bucket(time_axis(_layout(fig, title)), trend)


def children_ranking(children: pd.DataFrame, title: str) -> go.Figure:
    """Children's safety index, best on top, each bar in its grade's colour; customdata = area code.
    A child without an index gets no bar and reads 无数据 (label and hover), never 0."""
    data = children.assign(safety_index=numbers(children["safety_index"]), name=plain_all(children["name"]))
    data = data.sort_values("safety_index", ascending=True, na_position="first")
    labels = [NO_DATA if pd.isna(v) else f"{fmt.index(v)} {'' if fmt.missing(g) else g}".rstrip()
              for v, g in zip(data["safety_index"], data["safety_grade"])]
    colors = [NO_DATA_COLOR if fmt.missing(c) else c for c in data["safety_color"]]
    fig = go.Figure(go.Bar(x=data["safety_index"].fillna(0), y=data["name"], orientation="h", marker_color=colors,
                           text=labels, textposition="auto", customdata=data[["code"]].to_numpy(),
                           hovertemplate="%{y}: %{text}<extra>点击下钻</extra>"))
    no_data_labels(fig, data["name"][data["safety_index"].isna().to_numpy()])
    fig.update_xaxes(range=[0, 100], title="平安指数")
    return _layout(fig, title, height=max(320, 34 * len(data) + 90), hovermode="closest")


def ranking_table(children: pd.DataFrame) -> pd.DataFrame:
    """The children table as shown: best safety index first, rates in percent. A missing index or
    rate stays empty (never 0), its 等级 reads 无数据 and the area gets no 排名."""
    data = children.assign(safety_index=numbers(children["safety_index"]))
    data = data.sort_values("safety_index", ascending=False, na_position="last")
    out = pd.DataFrame({
        "区域": data["name"], "平安指数": data["safety_index"].round(1), "等级": data["safety_grade"].fillna(NO_DATA),
        "上报数": data["reported"], "结案率": numbers(data["closure_rate"]) * 100,
        "按期结案率": numbers(data["on_time_rate"]) * 100, "超期未结": data["overdue_open"],
        "群众满意率": numbers(data["satisfaction_rate"]) * 100,
    })
    ranked = data["safety_index"].notna().to_numpy()  # sorted first; an area without an index has no rank
    out.insert(0, "排名", pd.array([i + 1 if r else None for i, r in enumerate(ranked)], dtype="Int64"))
    out.index = data["code"].astype(str)
    return out
