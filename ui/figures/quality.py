"""数据质量 tables: the rules with their counts and what they affect, and each rule's examples as shown;
the area tree's findings as a table, and the warning 总览 shows when areas are cut off the tree.
Pure: the report of `metrics.quality` (or the findings of `metrics.area_checks`) in, tables and text out."""
from __future__ import annotations

import pandas as pd

from metrics.area_checks import TITLES, Finding, outside_main_tree
from metrics.labels import STATUS_NAMES
from metrics.scope import LEVEL_NAMES, AreaTree
from ui.format import md_escape

TABLE_NAMES = {"events": "事件", "surveys": "满意度调查", "patrols": "巡查走访"}
CITY_ONLY = "仅全市范围统计"
EXAMPLE_COLUMNS = {  # example column → heading, in display order
    "id": "记录 id", "case_no": "案件编号", "rows": "出现次数", "first_case_no": "案件编号（首）",
    "last_case_no": "案件编号（末）", "first_id": "首个 id", "last_id": "末个 id",
    "grid_id": "网格 id", "grid_code": "网格编码", "grid_name": "网格", "level": "所挂区域层级",
    "category_code": "类别代码", "lon": "经度", "lat": "纬度", "result": "评价结果", "kind": "类型",
    "event_id": "关联事件 id", "worker_id": "网格员 id", "households_visited": "走访户数",
    "reported_at": "上报时间", "accepted_at": "受理时间", "closed_at": "结案时间", "surveyed_at": "调查时间",
    "started_at": "开始时间", "status": "状态", "address": "地址（已脱敏）",
}
TIMES = ("reported_at", "accepted_at", "closed_at", "surveyed_at", "started_at")


def has_rows(report: pd.DataFrame) -> pd.DataFrame:
    """The rules with at least one row in this view."""
    return report[report["count"].fillna(0) > 0]


def rules_table(report: pd.DataFrame) -> pd.DataFrame:
    """One line per rule: what is wrong, where, how many, which metrics leave it out and how."""
    counts = [CITY_ONLY if pd.isna(n) else f"{int(n):,}" for n in report["count"]]
    return pd.DataFrame({
        "问题": report["description"].to_list(),
        "数据表": [TABLE_NAMES.get(t, t) for t in report["table"]],
        "条数": counts,
        "不计入的指标": report["excluded_from"].to_list(),
        "指标如何处理": report["treatment"].to_list(),
    })


def _text(v) -> str:
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def examples_table(examples: pd.DataFrame) -> pd.DataFrame:
    """A rule's example rows with Chinese headings, times as text and missing values as "（空）"."""
    out = examples.copy()
    for col in TIMES:
        if col in out:
            out[col] = pd.to_datetime(out[col]).dt.strftime("%Y-%m-%d %H:%M").fillna("（空）")
    if "status" in out:
        out["status"] = [STATUS_NAMES.get(_text(s), _text(s)) for s in out["status"]]
    if "level" in out:
        out["level"] = [LEVEL_NAMES.get(_text(v), _text(v)) for v in out["level"]]
    for col in ("grid_code", "grid_name"):
        if col in out:
            out[col] = [_text(v) or "（不存在）" for v in out[col]]
    for col in ("result", "category_code", "lon", "lat", "event_id", "case_no", "address"):
        if col in out:
            out[col] = [_text(v) or "（空）" for v in out[col]]
    cols = [c for c in EXAMPLE_COLUMNS if c in out]
    return out[cols].rename(columns=EXAMPLE_COLUMNS).reset_index(drop=True)


def examples_note(rule: pd.Series) -> str:
    """What the examples of a rule are: all of its rows, or the first few."""
    shown, count = len(rule["examples"]), int(rule["count"])
    if rule["rule"].startswith("duplicate_"):
        what = f"显示 {shown} 个重复的编号及其出现次数（按编号排序）"
    else:
        what = f"共 {shown} 条" if shown >= count else f"显示前 {shown} 条（按 id 排序）"
    return what + "；个人信息已脱敏"


# ---- the area tree (metrics.area_checks) ----

SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
EVENT_KINDS = ("events_unknown_grid", "events_unknown_category")  # faults of events: no area to count


def tree_table(found: list[Finding]) -> pd.DataFrame:
    """One line per kind of fault: what, how serious, how many, what it affects and what it means."""
    return pd.DataFrame({
        "问题": [TITLES.get(f.kind, f.kind) for f in found],
        "级别": [SEVERITY_NAMES.get(f.severity, f.severity) for f in found],
        "数量": [f"{f.count:,}" for f in found],
        "涉及区域": ["—" if f.kind in EVENT_KINDS else f"{f.areas:,}" for f in found],
        "涉及事件": [f"{f.events:,}" for f in found],
        "说明": [f.message for f in found],
    })


def tree_examples_note(f: Finding) -> str:
    """What the example lines of a finding are: all of them, or the first few."""
    if len(f.examples) >= f.count:
        return f"共 {f.count:,} 项，全部列出"
    first = "涉及事件最多的" if f.kind in ("orphan_parent", "cycle", "events_on_non_grid", *EVENT_KINDS) else "前"
    return f"共 {f.count:,} 项，列出{first} {len(f.examples)} 项"


def tree_notice(found: list[Finding], tree: AreaTree) -> str | None:
    """总览's warning (Markdown, names escaped) when areas are cut off the tree under the declared
    roots: how many areas and events, which areas, and where their events are counted. None when none are."""
    areas, events = outside_main_tree(found)
    if not areas:
        return None
    by_kind = {f.kind: f for f in found}
    parts = []
    if "orphan_parent" in by_kind:
        f = by_kind["orphan_parent"]
        named = "、".join(f"{md_escape(c)} {md_escape(tree.row(i)['name'])}" for i, c in zip(f.area_ids[:3], f.area_codes))
        more = "等" if f.count > 3 else ""
        parts.append(f"{f.count:,} 个区域的上级区域不存在（{named}{more}），连同下级共 {f.areas:,} 个区域、{f.events:,} 件事件："
                     "它们作为单独的顶级区域计入全市合计，但不计入任何上级区域")
    if "cycle" in by_kind:
        f = by_kind["cycle"]
        parts.append(f"{f.count:,} 处上级链成环，连同下级共 {f.areas:,} 个区域、{f.events:,} 件事件不计入任何合计")
    return (f"区域树不完整：{areas:,} 个区域、{events:,} 件事件（不限时间）不在主区划树内。" + "；".join(parts) + "。")


def mapping_table(found) -> pd.DataFrame:
    """The mapping checker's findings (data_access.check.Finding) as shown to administrators."""
    return pd.DataFrame({"类别": [f.section for f in found], "配置项或对象": [f.key for f in found],
                         "说明": [f.message for f in found],
                         "级别": ["错误" if f.level == "error" else "注意" for f in found]})
