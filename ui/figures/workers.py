"""网格员绩效 figures and tables (pure): the worker table as shown, grade distribution, households per
full-time grid worker against the 300–500 norm, and one worker's components, daily field work and cases.

Worker names are personal data: every builder that shows a name masks it (张*明)."""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from metrics.labels import EMPLOYMENT_NAMES, NOT_RECORDED, ROLE_NAMES, name_of
from metrics.privacy import mask_name
from metrics.workers import COMPONENTS
from ui.figures.common import layout as _layout, numbers, time_axis

NORM = (300, 500)  # households per grid with its one full-time grid worker (docs/metrics.md: 网格员绩效)
GRADE_COLORS = {"A": "#2e7d32", "B": "#7cb342", "C": "#fbc02d", "D": "#fb8c00", "E": "#e53935"}
COMPONENT_NAMES = {"visits": "走访户次", "patrol_days": "巡查天数", "valid_report": "有效上报率",
                   "verify_on_time": "按时核实率", "grid_on_time": "网格按期结案率", "grid_satisfaction": "网格群众满意率"}
RATE_COLUMNS = ("有效上报率", "按时核实率", "网格按期结案率", "网格满意率")
CASE_COLUMNS = {"case_no": "案件编号", "grid": "网格", "category": "类别", "source": "来源", "status": "状态",
                "reported_at": "上报时间", "deadline_at": "办理期限", "closed_at": "结案时间"}


def filter_workers(table: pd.DataFrame, roles, employments) -> pd.DataFrame:
    """Rows whose role and employment (canonical codes) are among the chosen ones."""
    return table[table["role"].isin(list(roles)) & table["employment"].isin(list(employments))]


def _name(name, reveal: bool) -> str:
    return str(name) if reveal else mask_name(name)


def worker_label(row, reveal: bool = False) -> str:
    return f"{_name(row['name'], reveal)}（{name_of(ROLE_NAMES, row['role'], NOT_RECORDED)}）"


def table_view(table: pd.DataFrame, area_names, reveal: bool = False) -> pd.DataFrame:
    """The worker table as shown: names masked unless `reveal` (permission checked by the caller), Chinese labels, rates in percent (missing stays missing:
    无数据, never 0); 网格员 first, then 网格指导员 and 网格长, each by rank; index = worker id."""
    pct = lambda col: (numbers(table[col]) * 100).round(1)
    out = pd.DataFrame({
        "姓名": [_name(n, reveal) for n in table["name"]],
        "岗位": [name_of(ROLE_NAMES, v, NOT_RECORDED) for v in table["role"]],
        "用工": [name_of(EMPLOYMENT_NAMES, v, NOT_RECORDED) for v in table["employment"]],
        "所在区域": table["area_id"].map(area_names),
        "在岗": table["active"].fillna(False).astype(bool).map({True: "在岗", False: "离岗"}),
        "综合得分": numbers(table["score"]).round(2), "等级": table["grade"].fillna("无数据"),
        "岗位内排名": table["rank_in_role"], "街道内排名": table["rank_in_street"],
        "走访户次": table["visits"], "巡查天数": table["patrol_days"], "上报数": table["reported"],
        "有效上报率": pct("valid_report_rate"), "按时核实率": pct("c_verify_on_time"),
        "网格按期结案率": pct("c_grid_on_time"), "网格满意率": pct("c_grid_satisfaction"),
        "户数/专职网格员": numbers(table["households_per_worker"]).round(0),
    })
    out.index = table["worker_id"].astype(int).to_numpy()
    order = table["role"].map({r: i for i, r in enumerate(ROLE_NAMES)}).fillna(len(ROLE_NAMES)).to_numpy()
    return out.assign(_o=order).sort_values(["_o", "岗位内排名"], kind="stable").drop(columns="_o")


def grade_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Workers per grade A–E (zeros included) plus 无数据 when some have no score; sums to len(table)."""
    counts = table["grade"].fillna("无数据").value_counts()
    grades = list(GRADE_COLORS) + (["无数据"] if "无数据" in counts else [])
    return pd.DataFrame({"grade": grades, "count": [int(counts.get(g, 0)) for g in grades]})


def grade_distribution(table: pd.DataFrame, title: str) -> go.Figure:
    data = grade_counts(table)
    total = max(int(data["count"].sum()), 1)
    fig = go.Figure(go.Bar(
        x=data["grade"], y=data["count"], marker_color=[GRADE_COLORS.get(g, "#9e9e9e") for g in data["grade"]],
        text=[f"{c} 人（{c / total:.0%}）" for c in data["count"]], textposition="outside",
        hovertemplate="%{x} 级：%{y} 人<extra></extra>"))
    fig.update_xaxes(title="等级（A ≥ 90，B 75–90，C 60–75，D 40–60，E < 40）")
    fig.update_yaxes(title="人数", rangemode="tozero", dtick=1 if data["count"].max() <= 8 else None)
    return _layout(fig, title, height=380, hovermode="closest")


def grid_loads(table: pd.DataFrame) -> pd.DataFrame:
    """One row per grid with an active full-time 网格员: households per full-time grid worker and whether it is in the norm."""
    rows = table[(table["role"] == "grid_worker") & table["households_per_worker"].notna()]
    grids = rows.drop_duplicates("area_id")[["area_id", "households_per_worker"]].reset_index(drop=True)
    low, high = NORM
    grids["status"] = ["below" if v < low else "above" if v > high else "within" for v in grids["households_per_worker"]]
    return grids


def norm_summary(grids: pd.DataFrame) -> dict:
    counts = grids["status"].value_counts()
    out = {k: int(counts.get(k, 0)) for k in ("below", "within", "above")}
    out["outside"] = out["below"] + out["above"]
    return out


def load_bins(grids: pd.DataFrame, width: int = 25) -> pd.DataFrame:
    """Bins [left, left + width) of households per grid worker covering the data and the norm, with the
    grids in each split into below, within and above the norm (a bin at a bound may hold two)."""
    values = grids["households_per_worker"]
    if values.empty:
        return pd.DataFrame({"left": [], "below": [], "within": [], "above": []})
    lo = min(int(math.floor(values.min() / width)) * width, NORM[0] - width)
    hi = max(int(math.floor(values.max() / width)) * width, NORM[1])
    lefts = list(range(lo, hi + width, width))
    bin_of = (values // width * width).astype(int)
    out = {"left": lefts}
    for status in ("below", "within", "above"):
        counts = bin_of[grids["status"] == status].value_counts()
        out[status] = [int(counts.get(x, 0)) for x in lefts]
    return pd.DataFrame(out)


def load_histogram(grids: pd.DataFrame, title: str, width: int = 25) -> go.Figure:
    """Grids by households per grid worker, stacked: below 300 (grey), within 300–500 (blue) and above
    500 (orange); the norm's bounds as dashed lines."""
    bins = load_bins(grids, width)
    low, high = NORM
    edges = [[a, a + width] for a in bins["left"]]
    fig = go.Figure()
    for col, name, color in (("below", f"低于 {low} 户", "#9e9e9e"), ("within", f"{low}–{high} 户（规范内）", "#64b5f6"),
                             ("above", f"高于 {high} 户", "#fb8c00")):
        fig.add_bar(x=bins["left"] + width / 2, y=bins[col], width=width * 0.95, name=name, marker_color=color,
                    customdata=edges, hovertemplate="%{customdata[0]}–%{customdata[1]} 户：%{y} 个网格<extra>"
                    + name + "</extra>")
    for x, name in ((low, f"下限 {low} 户"), (high, f"上限 {high} 户")):
        fig.add_vline(x=x, line=dict(color="#c62828", dash="dash", width=2), annotation_text=name,
                      annotation_position="top")
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title="每名专职网格员服务户数")
    top = int((bins["below"] + bins["within"] + bins["above"]).max()) if len(bins) else 0
    fig.update_yaxes(title="网格数", rangemode="tozero", dtick=1 if top <= 8 else None)
    return _layout(fig, title, height=380, hovermode="closest")


def components(row, weights) -> pd.DataFrame:
    """One worker's components: value (0–1), weight share among the components with data, and the points
    each adds to the score (share × value × 100; they sum to the score). No data: no share, no points."""
    values = {k: row.get(f"c_{k}") for k in COMPONENTS}
    have = {k: float(weights.get(k, 0)) for k, v in values.items() if v is not None and not pd.isna(v)}
    total = sum(have.values())
    out = pd.DataFrame({"key": list(COMPONENTS), "name": [COMPONENT_NAMES[k] for k in COMPONENTS],
                        "weight": [float(weights.get(k, 0)) for k in COMPONENTS]})
    out["value"] = [None if k not in have else float(values[k]) for k in COMPONENTS]
    out["max_points"] = [have[k] / total * 100 if k in have and total else None for k in COMPONENTS]
    out["points"] = [have[k] / total * 100 * values[k] if k in have and total else None for k in COMPONENTS]
    return out


def component_bars(comps: pd.DataFrame, title: str) -> go.Figure:
    """Each component's points (dark) against the most its weight allows (light), top to bottom."""
    data = comps.iloc[::-1]
    label = [f"{p:.1f} / {m:.1f} 分（达成 {v:.0%}，权重 {w:.0%}）" if m is not None and not pd.isna(m)
             else f"无数据（权重 {w:.0%}，不计入）" for p, m, v, w in
             zip(data["points"], data["max_points"], data["value"], data["weight"])]
    fig = go.Figure()
    fig.add_bar(y=data["name"], x=data["max_points"], orientation="h", name="权重满分", marker_color="#e0e0e0",
                hoverinfo="skip")
    fig.add_bar(y=data["name"], x=data["points"], orientation="h", name="实得分", marker_color="#1565c0",
                text=label, textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{x:.1f} 分<extra></extra>")
    top = max([m for m in data["max_points"] if m is not None and not pd.isna(m)] or [10])
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title="分", range=[0, top * 2.1])
    return _layout(fig, title, height=380, hovermode="closest")


def daily_activity(daily: pd.DataFrame, title: str, target: float | None = None) -> go.Figure:
    """走访户次 per day as bars (with the daily target as a dotted line); the day's visits made, patrols
    and reports as markers on the right axis (days without any are left blank rather than drawn at zero)."""
    fig = go.Figure()
    fig.add_bar(x=daily["day"], y=daily["visits"], name="走访户次", marker_color="#90caf9")
    for col, name, symbol, color in (("visit_count", "走访次数", "circle-open", "#2e7d32"),
                                     ("patrols", "巡查次数", "diamond", "#1565c0"),
                                     ("reports", "上报事件", "triangle-up", "#e65100")):
        fig.add_scatter(x=daily["day"], y=daily[col].where(daily[col] > 0), name=name, yaxis="y2", mode="markers",
                        marker=dict(symbol=symbol, size=14 if symbol == "circle-open" else 10, color=color,
                                    line=dict(width=2, color=color)))
    if target:
        fig.add_hline(y=target, line=dict(color="#616161", dash="dot"), annotation_text=f"每工作日目标 {target:.0f} 户",
                      annotation_bgcolor="rgba(255,255,255,0.85)", annotation_position="top left")
    top = int(daily[["visit_count", "patrols", "reports"]].max().max() or 0)
    fig.update_layout(yaxis=dict(title="户次", rangemode="tozero"),
                      yaxis2=dict(title="次数", overlaying="y", side="right", showgrid=False,
                                  range=[0, max(top, 1) * 1.15], dtick=max(1, math.ceil(top / 5))))
    return time_axis(_layout(fig, title, height=380))


def cases_view(cases: pd.DataFrame) -> pd.DataFrame:
    """The worker's reported cases as shown, in Chinese (no personal columns); a missing time reads —."""
    out = cases[list(CASE_COLUMNS)].rename(columns=CASE_COLUMNS).reset_index(drop=True)
    for col, blank in (("上报时间", "—"), ("办理期限", "无期限"), ("结案时间", "—")):
        out[col] = [blank if pd.isna(t) else f"{t:%Y-%m-%d %H:%M}" for t in out[col]]
    return out


def grids_under(tree, area_ids) -> set[int]:
    """Ids of the grids (leaf level) under the given areas of an AreaTree."""
    out, todo = set(), list(area_ids)
    while todo:
        a = int(todo.pop())
        if tree.frame.at[a, "level"] == "grid":
            out.add(a)
        todo += tree.children(a)
    return out


def row_of(index, asked: str | None) -> int | None:
    """Position in the table of the worker a link names (?worker=), or None."""
    try:
        return list(index).index(int(asked)) if asked else None
    except ValueError:  # not an id, or not in the table
        return None


def chosen_worker(clicked: list[int], asked: str | None, last_pick, table_key: str
                  ) -> tuple[int | None, str | None]:
    """Whose record to show: the clicked row — a link's ?worker= ticks its row itself (row_of, as the
    table's selection_default), so a link still unanswered here names someone not in the table (the
    user's scope, area and filters) and gets a message. A click taken back (the same table had a pick
    in this session) closes the record even though the URL still names it.
    Returns (worker id or None, the message or None)."""
    if clicked:
        return clicked[0], None
    if asked and not (last_pick and last_pick[0] == table_key):
        return None, "链接中的人员不在当前区域、权限或筛选范围内，请在上表中点击一行查看。"
    return None, None
