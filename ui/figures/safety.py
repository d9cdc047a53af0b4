"""平安指数 figures: when events happen, what kind where, the index over time, and why an area scores
as it does. Pure: DataFrames in, Plotly figures out."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from metrics.definitions import METRICS, inputs_of
from metrics.labels import WEEKDAY_NAMES
from ui import format as fmt
from ui.figures import maps
from ui.figures.common import (has_index, layout, mark_running_bucket, no_data_labels, numbers, plain, plain_all,
                               time_axis)

NO_SCORE = "#bdbdbd"


def hour_weekday_matrix(cells: pd.DataFrame) -> pd.DataFrame:
    """7 × 24 counts (weekday rows Monday first, hours 0–23) from keys weekday·100 + hour."""
    matrix = np.zeros((7, 24), dtype=int)
    for key, n in zip(cells["key"].astype(int), cells["reported"].astype(int)):
        matrix[key // 100 - 1, key % 100] += n
    return pd.DataFrame(matrix, index=[WEEKDAY_NAMES[d] for d in range(1, 8)], columns=[f"{h}时" for h in range(24)])


def hour_weekday_heatmap(cells: pd.DataFrame, title: str) -> go.Figure:
    """customdata holds each cell's key (weekday·100 + hour): a click lists its cases (事件明细)."""
    m = hour_weekday_matrix(cells)
    keys = [[[d * 100 + h] for h in range(24)] for d in range(1, 8)]
    fig = go.Figure(go.Heatmap(z=m.to_numpy(), x=list(m.columns), y=list(m.index), colorscale="YlOrRd",
                               customdata=np.array(keys), colorbar=dict(title="件"),
                               hovertemplate="%{y} %{x}：%{z:,} 件<extra>点击查看事件</extra>"))
    fig.update_yaxes(autorange="reversed")
    return layout(fig, title, height=330, hovermode="closest")


def area_category_matrix(rows: pd.DataFrame) -> pd.DataFrame:
    """Child areas × event dimension counts; rows keep the area code as their index."""
    m = rows.pivot_table(index=["code", "name"], columns="label", values="reported", aggfunc="sum", fill_value=0)
    m = m.loc[m.sum(axis=1).sort_values(ascending=False).index]
    return m[m.sum().sort_values(ascending=False).index]


def area_category_heatmap(rows: pd.DataFrame, title: str) -> go.Figure:
    """Each cell: events of a dimension in a child area. customdata holds [area code, dimension key],
    so a click lists that cell's cases (事件明细)."""
    m = area_category_matrix(rows)
    key_of = dict(zip(rows["label"], rows["key"].astype(str)))
    cells = [[[code, key_of[label]] for label in m.columns] for code, _ in m.index]
    fig = go.Figure(go.Heatmap(z=m.to_numpy(), x=plain_all(m.columns), y=[plain(name) for _, name in m.index],
                               customdata=np.array(cells, dtype=object), colorscale="Blues", text=m.to_numpy(),
                               texttemplate="%{text:,}",
                               hovertemplate="%{y} · %{x}：%{z:,} 件<extra>点击查看事件</extra>"))
    fig.update_yaxes(autorange="reversed")
    return layout(fig, title, height=max(300, 30 * m.shape[0] + 110), hovermode="closest")


def index_trend(trend: pd.DataFrame, grades, title: str) -> go.Figure:
    """The index per bucket over coloured grade bands (the last band reaches down to 0); buckets
    without an index are gaps."""
    fig = go.Figure()
    bounds = [100] + [max(0, g.minimum) for g in grades[:-1]] + [0]
    for g, top, bottom in zip(grades, bounds, bounds[1:]):
        fig.add_hrect(y0=bottom, y1=top, fillcolor=g.color, opacity=0.12, line_width=0,
                      annotation_text=plain(g.name), annotation_position="right")
    values = numbers(trend["safety_index"])
    fig.add_scatter(x=trend["period_start"], y=values, mode="lines+markers", name="平安指数",
                    line=dict(color="#1a237e", width=3), connectgaps=False)
    low = values.min()
    fig.update_yaxes(range=[max(0, (0 if pd.isna(low) else low) - 10), 100])
    return mark_running_bucket(time_axis(layout(fig, title, height=330)), trend)


def contributions(parts: list[dict], title: str) -> go.Figure:
    """Each indicator's score (0–100) with the points of the index it lost. A missing one gets an
    empty bar whose label (an annotation beside the axis) and hover say 无数据, never 0 分."""
    rows = pd.DataFrame(parts, columns=["name", "score", "lost", "weight"])
    rows = rows.assign(name=plain_all(rows["name"])).iloc[::-1]  # first indicator on top
    scores, lost = numbers(rows["score"]), numbers(rows["lost"])
    text = ["无数据" if pd.isna(s) else f"{s:.0f} 分，拉低 {p:.1f}" for s, p in zip(scores, lost.fillna(0))]
    fig = go.Figure()
    fig.add_bar(y=rows["name"], x=scores.fillna(0), orientation="h", name="指标得分", text=text, textposition="auto",
                marker_color=[NO_SCORE if pd.isna(s) else "#c62828" if s < 60 else "#ef6c00" if s < 80 else "#2e7d32"
                              for s in scores],
                customdata=rows[["weight"]].to_numpy(),
                hovertemplate="%{y}：%{text}，权重 %{customdata[0]}<extra></extra>")
    no_data_labels(fig, rows["name"][scores.isna().to_numpy()])
    fig.update_xaxes(range=[0, 100], title="指标得分（效能系数法，权重见悬停）")
    return layout(fig, title, height=60 * len(rows) + 100, hovermode="closest")


def no_index_reason(summary: dict, children: pd.DataFrame) -> str | None:
    """Why no area on the 平安指数 map has an index, from what the index lacked; None when the area
    or any child has one. Indicators that divide by the area register (人口, 户数) are named, since a
    platform that never filled those columns can never have them."""
    if has_index(children if not children.empty else pd.DataFrame({"safety_index": [summary["safety_index"]]})):
        return None
    missing = [p for p in summary.get("safety_parts") or [] if fmt.missing(p.get("score"))]
    register = list(dict.fromkeys(METRICS[i].label for p in missing if p.get("key") in METRICS
                                  for i in inputs_of(p["key"]) if getattr(METRICS[i], "source", None) == "grids"))
    reasons = ["该周期内没有上报事件"] if not summary.get("reported") else []
    if register:
        reasons.append(f"区域的{'、'.join(register)}未登记或为 0")
    names = "、".join(p["name"] for p in missing) or "各项指标"
    because = ("：" + "；".join(reasons) + "，") if reasons else "："
    return f"平安指数{fmt.NO_DATA}{because}{names}都无法计算，因此没有绘制地图。"


def legend_strip(items, alpha: int = maps.FILL_ALPHA) -> go.Figure:
    """The grade colours as a one-line legend (name, range), each swatch the very colour the map fills
    its areas with (`alpha`: maps.fill_alpha of the map's settings)."""
    fig = go.Figure()
    for i, item in enumerate(items):
        fig.add_scatter(x=[i], y=[0], mode="markers+text",
                        marker=dict(symbol="square", size=18, color=maps.swatch(item.color, alpha), line=dict(width=0)),
                        text=[plain(f"  {item.name} {item.range}".rstrip())], textposition="middle right",
                        hoverinfo="skip", showlegend=False)
    fig.update_xaxes(visible=False, range=[-0.2, len(items)])
    fig.update_yaxes(visible=False)
    return layout(fig, "", height=50, hovermode=False).update_layout(margin=dict(l=0, r=0, t=0, b=0))
