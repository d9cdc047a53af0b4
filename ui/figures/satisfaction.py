"""群众满意度 figures and tables (pure): headline cards, the trend with its interval band, rates of
children and categories as dots with 95% error bars, the children's table and the worst grids."""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from ui import format as fmt, glossary
from ui.figures.common import layout as _layout, mark_running_bucket, plain, time_axis

MARKS = {"up": ("显著上升", "green", "#2e7d32"), "down": ("显著下降", "red", "#c62828"),
         "flat": ("不显著", "gray", "#1565c0"), "none": ("无法比较", "gray", "#9e9e9e")}


def _missing(v) -> bool:
    return fmt.missing(v) or (v is pd.NA)


def mark_key(change_pp, significant) -> str:
    """Which significance mark a change carries: up / down (significant), flat, or none (no data)."""
    if _missing(change_pp):
        return "none"
    if not _missing(significant) and bool(significant):
        return "up" if change_pp > 0 else "down"
    return "flat"


def mark(change_pp, significant) -> str:
    """显著上升 / 显著下降 when the z-test gives p < 0.05, else 不显著; 无法比较 without data."""
    return MARKS[mark_key(change_pp, significant)][0]


def pp(v) -> str:
    return fmt.NO_DATA if _missing(v) else f"{v:+.1f}pp"


def ci_text(low, high) -> str:
    return fmt.NO_DATA if _missing(low) or _missing(high) else f"{fmt.pct(low)}–{fmt.pct(high)}"


def p_text(p) -> str:
    return "—" if _missing(p) else ("p < 0.001" if p < 0.001 else f"p = {p:.3f}")


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    note: str
    help: str
    badge: str | None = None
    color: str = "gray"


def headline_cards(data: dict) -> list[Card]:
    """满意率 with its interval, n, and 环比 / 同比 in pp with their significance marks."""
    n, x = data["satisfaction_n"], data["satisfied_n"]
    cards = [
        Card("群众满意率", fmt.pct(data["satisfaction_rate"]),
             f"95%置信区间 {ci_text(data['satisfaction_ci_low'], data['satisfaction_ci_high'])}",
             "（满意 + 基本满意）/ 有效评价数。\n\n" + glossary.explain("95% 置信区间")),
        Card("有效评价数", fmt.count(n), f"满意及基本满意 {fmt.count(x)} · 不满意 {fmt.count(None if n is None else n - x)}",
             "周期内结果为满意、基本满意或不满意的评价（回访与抽样调查）"),
    ]
    for label, prefix, other, name in (("环比变化", "", "previous", "上期"), ("同比变化", "yoy_", "last_year", "去年同期")):
        key = mark_key(data[prefix + "change_pp"], data[prefix + "significant"])
        note = f"{p_text(data[prefix + 'p_value'])} · {name} {fmt.pct(data[other + '_rate'])}（n={fmt.count(data[other + '_n'])}）"
        cards.append(Card(label, pp(data[prefix + "change_pp"]), note,
                          glossary.explain("pp", "p 值", "z 检验") + "\n\n" + glossary.SIGNIFICANT,
                          MARKS[key][0], MARKS[key][1]))
    return cards


def _percent(frame: pd.DataFrame, col: str) -> pd.Series:
    return frame[col].astype(float) * 100


def _dots(fig: go.Figure, data: pd.DataFrame, labels: list[str], name: str, color: str, codes=None) -> None:
    rate, low, high = (_percent(data, c) for c in ("satisfaction_rate", "satisfaction_ci_low", "satisfaction_ci_high"))
    fig.add_scatter(
        x=rate, y=labels, mode="markers", name=name, marker=dict(size=13, color=color),
        error_x=dict(type="data", symmetric=False, array=high - rate, arrayminus=rate - low, thickness=2.5, width=6,
                     color=color),
        customdata=None if codes is None else [[c, lo, hi, n] for c, lo, hi, n in
                                               zip(codes, low, high, data["satisfaction_n"])],
        hovertemplate=("%{y}: %{x:.1f}%（95%区间 %{customdata[1]:.1f}%–%{customdata[2]:.1f}%）"
                       + ("<extra>点击下钻</extra>" if codes is not None else "<extra></extra>")))


def _axes(fig: go.Figure, data: pd.DataFrame, title: str, order: list[str], reference=None) -> go.Figure:
    low = data["satisfaction_ci_low"].min() * 100 if len(data) else 0
    fig.update_xaxes(range=[math.floor(low) - 2, 101], ticksuffix="%", title="满意率（点）与 95% 置信区间（横线）")
    fig.update_yaxes(categoryorder="array", categoryarray=order)
    if not _missing(reference):
        fig.add_vline(x=reference * 100, line_dash="dash", line_color="#616161",
                      annotation_text=f"本区域 {fmt.pct(reference)}", annotation_position="top")
    return _layout(fig, title, height=max(320, 40 * len(order) + 120), hovermode="closest")


def _with_answers(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["satisfaction_n"] > 0].sort_values("satisfaction_rate", kind="stable")


def children_dots(children: pd.DataFrame, title: str, reference=None) -> go.Figure:
    """Each child's rate (dot) and Wilson interval (error bar), best on top, coloured by its 环比 mark;
    children without answers are left out (see no_answers). customdata[0] = the child's area code."""
    data = _with_answers(children)
    labels = [f"{plain(nm)}（n={n:,}）" for nm, n in zip(data["name"], data["satisfaction_n"])]
    keys = [mark_key(c, s) for c, s in zip(data["change_pp"], data["significant"])]
    fig = go.Figure()
    for key in ("flat", "none", "down", "up"):
        pick = [k == key for k in keys]
        if any(pick):
            text, _, color = MARKS[key]
            _dots(fig, data[pick], [lb for lb, p in zip(labels, pick) if p], f"环比{text}", color,
                  codes=data.loc[pick, "code"].astype(str).tolist())
    return _axes(fig, data, title, labels, reference)


def category_dots(categories: pd.DataFrame, title: str, reference=None) -> go.Figure:
    """Each event category's rate and interval (surveys follow their event; 无关联事件 = area surveys)."""
    data = _with_answers(categories)
    labels = [f"{plain(lb)}（n={n:,}）" for lb, n in zip(data["label"], data["satisfaction_n"])]
    fig = go.Figure()
    _dots(fig, data, labels, "满意率", "#1565c0")
    fig.update_layout(showlegend=False)
    return _axes(fig, data, title, labels, reference)


def no_answers(frame: pd.DataFrame) -> list[str]:
    """Names of the areas without a valid answer in the period (not drawn as dots)."""
    return frame.loc[frame["satisfaction_n"] == 0, "name"].astype(str).tolist()


DAY_MS = 86_400_000
GRAIN_DAYS = {"day": 1, "week": 7}


def trend_figure(trend: pd.DataFrame, title: str, grain: str = "day") -> go.Figure:
    """The rate per bucket with its 95% interval as a band; hover gives n. Ticks fall on bucket starts
    (at most about 15 of them), never between two days."""
    x = pd.to_datetime(trend["period_start"])
    fig = go.Figure()
    fig.add_scatter(x=x, y=_percent(trend, "satisfaction_ci_high"), mode="lines", line=dict(width=0),
                    hoverinfo="skip", showlegend=False)
    fig.add_scatter(x=x, y=_percent(trend, "satisfaction_ci_low"), mode="lines", line=dict(width=0),
                    fill="tonexty", fillcolor="rgba(21,101,192,0.18)", name="95% 置信区间", hoverinfo="skip")
    fig.add_scatter(x=x, y=_percent(trend, "satisfaction_rate"), mode="lines+markers", name="满意率",
                    line=dict(color="#1565c0", width=2.5), customdata=trend[["satisfaction_n"]].to_numpy(),
                    hovertemplate="满意率 %{y:.1f}%（n=%{customdata[0]:,}）<extra></extra>")
    fig.update_yaxes(ticksuffix="%")
    fig = time_axis(_layout(fig, title))
    if grain in GRAIN_DAYS:
        span = (x.max() - x.min()).days / GRAIN_DAYS[grain] + 1 if len(x) else 1
        fig.update_xaxes(tick0=x.min(), dtick=DAY_MS * GRAIN_DAYS[grain] * max(1, math.ceil(span / 15)))
    else:
        fig.update_xaxes(dtick="M1", tickformat="%Y-%m")
    if len(x):  # the axis ends half a bucket after the last one, never on a day past the period's end
        half = pd.Timedelta(days=GRAIN_DAYS.get(grain, 30) / 2)
        fig.update_xaxes(range=[x.min() - half, x.max() + half])
    return mark_running_bucket(fig, trend)


def _table(data: pd.DataFrame, first: dict) -> pd.DataFrame:
    out = pd.DataFrame({
        **first,
        "满意率": _percent(data, "satisfaction_rate").round(1),
        "95%置信区间": [ci_text(lo, hi) for lo, hi in zip(data["satisfaction_ci_low"], data["satisfaction_ci_high"])],
        "有效评价数": data["satisfaction_n"].astype(int), "不满意数": (data["satisfaction_n"] - data["satisfied_n"]).astype(int),
        "上期满意率": _percent(data, "previous_rate").round(1), "环比(pp)": data["change_pp"].astype(float).round(1),
        "环比显著性": [mark(c, s) for c, s in zip(data["change_pp"], data["significant"])],
        "同比(pp)": data["yoy_change_pp"].astype(float).round(1),
        "同比显著性": [mark(c, s) for c, s in zip(data["yoy_change_pp"], data["yoy_significant"])],
    })
    out.index = data["code"].astype(str).tolist()
    return out


def children_table(children: pd.DataFrame) -> pd.DataFrame:
    """The children as shown: highest rate first (no answers last); index = area codes."""
    data = children.sort_values(["satisfaction_rate", "satisfaction_n"], ascending=[False, False],
                                na_position="last").reset_index(drop=True)
    return _table(data, {"区域": data["name"].tolist()})


def worst_table(grids: pd.DataFrame, limit: int = 10) -> pd.DataFrame:
    """The `limit` lowest-rated grids among those with enough answers (`ranked`), with 环比; index = area codes."""
    if grids.empty:
        return pd.DataFrame()
    data = grids[grids["ranked"].astype(bool)].head(limit).reset_index(drop=True)
    out = _table(data, {"排名": list(range(1, len(data) + 1)), "网格": data["name"].tolist(),
                        "所属": data["parent_name"].tolist()})
    return out.drop(columns=["不满意数", "上期满意率", "同比(pp)", "同比显著性"])

