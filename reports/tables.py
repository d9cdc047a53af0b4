"""The review's tables, as the workbook and the document show them (one DataFrame per table).

Numbers stay numbers (rates as fractions, the index in points) so the workbook can be re-sorted and
summed; `NUMBER_FORMATS` says how each column is displayed. Changes are text with their sign and
unit (+3.2%, -1.5pp, +0.7), as on the dashboard.
"""
from __future__ import annotations

import pandas as pd

from metrics.scope import LEVEL_NAMES
from metrics.definitions import METRICS
from metrics.formats import missing
from metrics.weekly import (DEPARTMENT_LISTS, KPIS, LISTS, MIN_DUE, AreaWeek, DepartmentWeek, WeeklyReview, kpi_change,
                            narrative)

SHEETS = ("概况", "KPI", "街道红黑榜", "网格红黑榜", "部门红黑榜", "等级下降", "文字摘要")
# column → Excel number format (the KPI sheet formats each row by its kind instead)
NUMBER_FORMATS = {"平安指数": "0.0", "上周平安指数": "0.0", "本周平安指数": "0.0", "按期结案率": "0.0%",
                  "应结案件": "#,##0", "上报数": "#,##0", "承办事件数": "#,##0", "派遣次数": "#,##0", "结案率": "0.0%",
                  "退单率": "0.0%", "多次派遣率": "0.0%", "群众满意率": "0.0%", "响应时长（小时）": "0.0"}
KIND_FORMATS = {"count": "#,##0", "rate": "0.0%", "hours": "0.0", "index": "0.0", "text": "@"}


def signed(kind: str, value: float | None) -> str:
    """A change with its sign and unit: counts and hours in %, rates in pp, the index in points."""
    if missing(value):  # None, and NaN from a column the database left empty
        return "无数据"
    unit = {"count": "%", "hours": "%", "rate": "pp", "index": ""}[kind]
    text = f"{value:+.1f}"
    return f"{'0.0' if float(text) == 0 else text}{unit}"


def _area_text(review: WeeklyReview) -> str:
    """坊子区; 东一社区（社区）only where the name does not already say its level."""
    level = LEVEL_NAMES.get(review.area_level, "") if review.area_level else ""
    return review.area_name if not level or review.area_name.endswith(level) else f"{review.area_name}（{level}）"


def overview(review: WeeklyReview) -> pd.DataFrame:
    rows = [
        ("区域", _area_text(review)),
        ("周次", review.label),
        ("本周", review.week.label()),
        ("上周（环比）", review.previous.label()),
        ("去年同期（同比）", review.last_year.label()),
        ("数据截至", f"{review.asof:%Y-%m-%d %H:%M}"),
        ("比较口径", f"上周按 {review.previous_asof:%Y-%m-%d %H:%M}、去年同期按 {review.last_year_asof:%Y-%m-%d %H:%M} "
                     "的数据计算，与本周同样距周期开始的时长，办结时间相当"),
        ("红黑榜", f"街道、网格按平安指数、按期结案率排名；应结案件少于 {MIN_DUE} 件的不参与按期结案率排名；"
                  "“变化最大的指标”为平安指数各项指标中得分较上周变化最大者"),
        ("部门红黑榜", f"职能部门按其承办事件的按期结案率排名，应结案件少于 {MIN_DUE} 件的不参与；退单率按每次派遣"
                    "所派往的部门统计；部门只计本区域的事件"),
    ]
    return pd.DataFrame(rows, columns=["项目", "内容"])


def kpi_table(review: WeeklyReview) -> pd.DataFrame:
    k, rows = review.kpis, []
    for key in KPIS:
        kind = METRICS[key].kind
        cur, prev, ly = k[key], k["previous"][key], k["last_year"][key]
        rows.append({"指标": METRICS[key].heading, "本周": cur, "上周": prev,
                     "环比": signed(kind, kpi_change(kind, cur, prev)), "去年同期": ly,
                     "同比": signed(kind, kpi_change(kind, cur, ly)), "_kind": kind})
    rows.append({"指标": "平安等级", "本周": k["safety_grade"] or "无数据",
                 "上周": k["previous"]["safety_grade"] or "无数据", "环比": "",
                 "去年同期": k["last_year"]["safety_grade"] or "无数据", "同比": "", "_kind": "text"})
    return pd.DataFrame(rows)


def _mover_cells(m) -> tuple[str, str]:
    return ("", "") if m is None else (m.name, f"{m.change:+.1f} 分")


def _area_row(r: AreaWeek, with_street: bool) -> dict:
    name, moved = _mover_cells(r.mover)
    row = {"编码": r.code, "名称": r.name}
    if with_street:
        row["所属街道"] = r.street
    row.update({"平安指数": r.safety_index, "等级": r.safety_grade or "无数据",
                "较上周": signed("index", r.index_change), "上周等级": r.prev_grade or "无数据",
                "按期结案率": r.on_time_rate, "按期较上周": signed("rate", r.on_time_change_pp),
                "应结案件": r.due_n, "上报数": r.reported, "变化最大的指标": name, "得分变化": moved})
    return row


def list_table(lists: dict[str, tuple[AreaWeek, ...]], with_street: bool) -> pd.DataFrame:
    rows = []
    for key, (_metric, _end, title) in LISTS.items():
        for i, r in enumerate(lists[key], start=1):
            rows.append({"榜单": title, "名次": i, **_area_row(r, with_street)})
    columns = ["榜单", "名次", "编码", "名称", *(["所属街道"] if with_street else []), "平安指数", "等级", "较上周",
               "上周等级", "按期结案率", "按期较上周", "应结案件", "上报数", "变化最大的指标", "得分变化"]
    return pd.DataFrame(rows, columns=columns)


DEPARTMENT_COLUMNS = ["榜单", "名次", "部门代码", "部门", "按期结案率", "按期较上周", "应结案件", "承办事件数", "结案率",
                      "派遣次数", "退单率", "退单较上周", "多次派遣率", "响应时长（小时）", "群众满意率"]


def _department_row(d: DepartmentWeek) -> dict:
    return {"部门代码": d.code, "部门": d.name, "按期结案率": d.on_time_rate, "按期较上周": signed("rate", d.on_time_change_pp),
            "应结案件": d.due_n, "承办事件数": d.handled, "结案率": d.closure_rate, "派遣次数": d.dispatches_n,
            "退单率": d.return_rate, "退单较上周": signed("rate", d.return_change_pp),
            "多次派遣率": d.multi_dispatch_rate, "响应时长（小时）": d.response_hours, "群众满意率": d.satisfaction_rate}


def department_table(review: WeeklyReview) -> pd.DataFrame:
    """部门红黑榜 by 按期结案率 (departments with fewer than MIN_DUE due cases are not ranked); the
    reason in one row when the platform has no department data."""
    if review.departments_absent:
        return pd.DataFrame([{"榜单": f"无数据：{review.departments_absent}"}], columns=DEPARTMENT_COLUMNS)
    rows = [{"榜单": title, "名次": i, **_department_row(d)}
            for key, (_metric, _end, title) in DEPARTMENT_LISTS.items()
            for i, d in enumerate(review.department_lists.get(key, ()), start=1)]
    return pd.DataFrame(rows, columns=DEPARTMENT_COLUMNS)


def drops_table(review: WeeklyReview) -> pd.DataFrame:
    rows = []
    for r in review.grade_drops:
        fell = r.faller
        rows.append({"层级": LEVEL_NAMES.get(r.level, r.level), "编码": r.code, "名称": r.name, "所属街道": r.street,
                     "上周平安指数": r.prev_index, "上周等级": r.prev_grade, "本周平安指数": r.safety_index,
                     "本周等级": r.safety_grade, "指数变化": signed("index", r.index_change),
                     "下降最多的指标": fell.name if fell else "", "得分变化": f"{fell.change:+.1f} 分" if fell else ""})
    return pd.DataFrame(rows, columns=["层级", "编码", "名称", "所属街道", "上周平安指数", "上周等级", "本周平安指数",
                                       "本周等级", "指数变化", "下降最多的指标", "得分变化"])


def narrative_table(review: WeeklyReview) -> pd.DataFrame:
    return pd.DataFrame({"序号": range(1, len(sentences := narrative(review)) + 1), "内容": sentences})


def tables(review: WeeklyReview) -> dict[str, pd.DataFrame]:
    """Sheet name → table, in SHEETS order."""
    return {"概况": overview(review), "KPI": kpi_table(review),
            "街道红黑榜": list_table(review.street_lists, with_street=False),
            "网格红黑榜": list_table(review.grid_lists, with_street=True),
            "部门红黑榜": department_table(review), "等级下降": drops_table(review), "文字摘要": narrative_table(review)}
