"""事件办结 figures: lifecycle funnel, handling-time distribution, rates by area and category,
sources, resolving level, and the tables shown beside them. Pure: data in, figure or table out."""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from metrics.definitions import METRICS
from ui import format as fmt
from ui.figures.common import layout as _layout, numbers, plain_all

CLOSURE, ON_TIME = "#1565c0", "#90caf9"
LEVEL_COLORS = {"网格": "#2e7d32", "社区": "#81c784", "街道": "#ffb74d", "区": "#e57373", "未记录": "#bdbdbd"}


def _pct(v) -> str:
    return "无数据" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v * 100:.1f}%"


def _counts_axis(top) -> dict:
    """Axis settings for counts: whole-number ticks, room above the largest bar for its label."""
    top = max(1, int(top))
    return dict(range=[0, top * 1.3], tickformat=",d", dtick=1 if top <= 6 else None, rangemode="tozero")


def funnel(stages: pd.DataFrame, title: str) -> go.Figure:
    """上报 → 立案 → 派遣 → 结案 with each stage's count and its share of the reports; a stage the
    platform does not record (count None) is an empty row that says 无数据, never a 0."""
    known = stages["count"].notna()
    text = [f"{int(c):,} 件<br>{fmt.pct(s)}" if k else fmt.NO_DATA
            for c, s, k in zip(stages["count"], stages["share"], known)]
    fig = go.Figure(go.Funnel(y=stages["stage"], x=stages["count"].where(known, 0), text=text, texttemplate="%{text}",
                              textposition="auto", textfont=dict(size=16),
                              marker_color=["#90caf9", "#64b5f6", "#1e88e5", "#1565c0"],
                              connector=dict(fillcolor="#e3f2fd"), customdata=[[m] for m in stages["measure"]],
                              hovertemplate="%{y}：%{text}<extra>点击查看事件</extra>"))
    return _layout(fig, title, height=380, hovermode="closest")


def bin_position(hours: float, lows: list) -> float:
    """Where `hours` falls on the histogram's category axis (bar i spans i − 0.5 … i + 0.5)."""
    i = max(k for k, lo in enumerate(lows) if hours >= lo) if hours >= lows[0] else 0
    if i == len(lows) - 1:  # the open-ended last bin: its centre
        return float(i)
    return i - 0.5 + (hours - lows[i]) / (lows[i + 1] - lows[i])


def handling_histogram(hist: pd.DataFrame, median: float | None, p90: float | None, title: str) -> go.Figure:
    """Closed cases per handling-time bin, with the median and P90 marked where they fall."""
    fig = go.Figure(go.Bar(x=hist["bin"], y=hist["count"], text=[fmt.count(v) for v in hist["count"]],
                           textposition="outside", marker_color="#64b5f6", hovertemplate="%{x}：%{y:,} 件<extra></extra>"))
    lows = list(hist["low"])
    for value, name, color in ((median, "中位数", "#2e7d32"), (p90, "P90", "#c62828")):
        if value is not None and not math.isnan(value):
            fig.add_vline(x=bin_position(value, lows), line=dict(color=color, width=2, dash="dash"),
                          annotation=dict(text=f"{name} {value:.1f} 小时", font=dict(color=color, size=14)),
                          annotation_position="top right" if name == "P90" else "top left")
    fig.update_yaxes(title="结案事件数", **_counts_axis(hist["count"].max()))
    fig.update_xaxes(title="上报至结案时长")
    return _layout(fig, title, height=380, hovermode="closest")


def rate_bars(data: pd.DataFrame, title: str, label: str = "name", code: str = "code") -> go.Figure:
    """结案率 and 按期结案率 per row (child area or category), best on-time rate on top; rates without
    a denominator read 无数据. customdata = [code, 上报数, 立案数, 结案数], so a click names the row."""
    data = data.sort_values(["on_time_rate", "closure_rate"], ascending=True, na_position="first")
    custom = data[[code, "reported", "filed", "closed"]].to_numpy()
    fig = go.Figure()
    for col, name, color in (("on_time_rate", "按期结案率", ON_TIME), ("closure_rate", "结案率", CLOSURE)):
        fig.add_bar(y=plain_all(data[label]), x=(data[col] * 100).fillna(0), name=name, orientation="h", marker_color=color,
                    text=[_pct(v) for v in data[col]], textposition="outside", constraintext="none",
                    textfont=dict(size=13), cliponaxis=False, customdata=custom,
                    hovertemplate=f"%{{y}} {name}：%{{text}}<br>上报 %{{customdata[1]:,}} · 立案 %{{customdata[2]:,}}"
                                  " · 结案 %{customdata[3]:,}<extra></extra>")
    fig.update_xaxes(range=[0, 115], ticksuffix="%", title="比例")
    fig = _layout(fig, title, height=max(320, 44 * len(data) + 120), hovermode="closest")
    return fig.update_layout(barmode="group", bargap=0.25, legend=dict(
        traceorder="reversed", orientation="h", x=1, xanchor="right", y=1, yanchor="bottom"))


def sources(data: pd.DataFrame, title: str) -> go.Figure:
    """上报数 per source, most first, with its share of all reports. customdata is each bar's row label
    in `data` (not its code, which is the platform's text), for a click to look the source up."""
    data = data.sort_values("reported", ascending=True)
    total = data["reported"].sum()
    fig = go.Figure(go.Bar(y=plain_all(data["label"]), x=data["reported"], orientation="h", marker_color="#5c6bc0",
                           text=[f"{n:,}（{n / total:.1%}）" if total else fmt.count(n) for n in data["reported"]],
                           customdata=[[i] for i in data.index], textposition="outside",
                           hovertemplate="%{y}：%{x:,} 件<extra>点击查看事件</extra>"))
    fig.update_xaxes(title="上报数", **_counts_axis(data["reported"].max()))
    return _layout(fig, title, height=max(300, 44 * len(data) + 110), hovermode="closest")


def resolution_levels(levels: pd.DataFrame, title: str) -> go.Figure:
    """Closed cases by the level that resolved them, grid on top (小事不出网格: the grid's share)."""
    data = levels.iloc[::-1]
    fig = go.Figure(go.Bar(y=plain_all(data["label"]), x=data["closed"], orientation="h",
                           marker_color=[LEVEL_COLORS.get(x, "#bdbdbd") for x in data["label"]],
                           text=[f"{n:,}（{_pct(sh)}）" for n, sh in zip(data["closed"], data["share"])],
                           textposition="outside", hovertemplate="%{y}层级化解：%{x:,} 件<extra></extra>"))
    fig.update_xaxes(title="结案事件数", **_counts_axis(data["closed"].max()))
    return _layout(fig, title, height=max(260, 44 * len(data) + 110), hovermode="closest")


def grid_share(levels: pd.DataFrame):
    """The grid row's share: 网格内化解率 (None when nothing closed)."""
    share = levels.loc[levels["level"] == "grid", "share"]
    return share.iloc[0] if len(share) else None


def child_table(children: pd.DataFrame) -> pd.DataFrame:
    """The children as the table shows them, in the chart's order (best on-time rate first),
    rates in percent; indexed by area code for drill_from_table."""
    data = children.sort_values(["on_time_rate", "closure_rate"], ascending=False, na_position="last")
    out = pd.DataFrame({
        "区域": data["name"], "上报数": data["reported"], "立案数": data["filed"], "结案数": data["closed"],
        "结案率": numbers(data["closure_rate"]) * 100, "按期结案率": numbers(data["on_time_rate"]) * 100,
        "超期未结": data["overdue_open"], "网格内化解率": numbers(data["grid_resolved_rate"]) * 100,
        "办结时长中位数（小时）": numbers(data["median_hours"]).round(1),
    })
    out.index = data["code"].astype(str)
    return out


OVERDUE_COLUMNS = {"case_no": "案件编号", "grid": "网格", "category": "事件类别", "source": "来源", "status": "状态",
                   "reported_at": "上报时间", "deadline_at": "办理期限", "overdue": "超期",
                   "reporter_name": "上报人", "reporter_phone": "联系电话", "address": "地址",
                   "description": "事件描述"}


def overdue_table(cases: pd.DataFrame) -> pd.DataFrame:
    """The overdue list as shown (longest overdue first, as given). Takes the already masked personal
    columns; the free-text description is present only in an unmasked list, and a table cell shows it
    as plain text."""
    out = cases.assign(overdue=[fmt.overdue(h) for h in cases["overdue_hours"]],
                       reported_at=pd.to_datetime(cases["reported_at"]).dt.strftime("%Y-%m-%d %H:%M"),
                       deadline_at=pd.to_datetime(cases["deadline_at"]).dt.strftime("%Y-%m-%d %H:%M"))
    out = out[[c for c in OVERDUE_COLUMNS if c in out]].rename(columns=OVERDUE_COLUMNS)
    out["事件类别"] = out["事件类别"].fillna("未知类别")
    return out.reset_index(drop=True)


# 部门协同: the table's columns in order, each headed by its metric's own label (with its unit),
# and the two changes against the previous period (name → the rate it is the change of, heading).
DEPARTMENT_COLUMNS = ("dept_handled", "closure_rate", "on_time_rate", "prev_on_time_rate", "median_hours",
                      "p90_hours", "satisfaction_rate", "dispatches_n", "return_rate", "prev_return_rate",
                      "multi_dispatch_rate", "response_hours")
_DEPARTMENT_PP = {"prev_on_time_rate": ("on_time_rate", "按期率环比(pp)"),
                  "prev_return_rate": ("return_rate", "退单率环比(pp)")}


def department_table(depts: pd.DataFrame, absent: dict) -> pd.DataFrame:
    """The departments as the table shows them, in the given order (worst 按期结案率 first), rates in
    percent, 环比 in pp; the columns this platform cannot compute (`absent`, by metric) left out."""
    out = pd.DataFrame({"部门": depts["name"].astype(str)})
    for col in DEPARTMENT_COLUMNS:
        base, heading = _DEPARTMENT_PP[col] if col in _DEPARTMENT_PP else (col, METRICS[col].heading)
        if base in absent:
            continue
        values = numbers(depts[base])
        if col in _DEPARTMENT_PP:
            values = (values - numbers(depts[col])) * 100
        elif METRICS[col].kind == "rate":
            values = values * 100
        out[heading] = values.round(1) if fmt.COLUMN_KINDS.get(heading) in ("hours", "pp") else values
    out.index = depts["key"].astype(str)
    return out
