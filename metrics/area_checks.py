"""Integrity of the area tree: the faults that make totals wrong without any error message.

`check_area_tree(db, tree)` inspects the loaded areas (metrics.scope.AreaTree) and, with one
aggregate query, how many events sit on each grid id and how many carry an unknown category; it
returns one `Finding` per kind of fault found (KINDS order), none when the tree is sound. Event
counts cover every event in the database, whatever its period. No Streamlit: the 数据质量 page and
the 总览 warning use it, and a command line can (`Finding.as_dict()` is plain JSON-ready data).

What the dashboard does with each fault (the messages say it in words):

- an area whose parent is missing is a root of its own (AreaTree.roots): the whole-city view counts
  its subtree, no ancestor it was meant to have does — `outside_main_tree` counts these areas;
- a cycle in parent links has no root, so its areas and everything below them are counted nowhere
  (and nothing walks round it: AreaTree.ancestors stops, the scope CTE recurses with UNION);
- an id on several rows keeps its first row (by code); a code on several areas opens only one of them.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd
import sqlalchemy as sa

from data_access.db import Database
from metrics.scope import LEVEL_NAMES, LEVELS, AreaTree

EXAMPLES = 5  # affected areas (or values) named per finding
KINDS = ("no_root", "multiple_roots", "orphan_parent", "cycle", "duplicate_id", "duplicate_code", "missing_code",
         "unknown_level", "events_on_non_grid", "events_unknown_grid", "events_unknown_category")
TITLES = {"no_root": "没有顶级区域", "multiple_roots": "多个顶级区域", "orphan_parent": "上级区域不存在",
          "cycle": "上级链成环", "duplicate_id": "区域 id 重复", "duplicate_code": "区域编码重复",
          "missing_code": "区域没有编码", "unknown_level": "区域层级未知", "events_on_non_grid": "事件挂在非网格区域上",
          "events_unknown_grid": "事件所在网格不存在", "events_unknown_category": "事件类别不存在"}
OUTSIDE = ("orphan_parent", "cycle")  # the kinds whose areas are outside the tree under the declared roots


@dataclass(frozen=True)
class Finding:
    """One kind of fault. `count` is how many things are wrong (areas, cycles, ids, codes, or distinct
    grid ids / category codes on events); `areas` and `events` what they affect, subtrees included
    where the fault cuts a subtree off; `area_ids` / `area_codes` name up to EXAMPLES affected areas
    (empty for faults of events), `examples` says for each example what is wrong, in one line."""
    kind: str
    severity: str          # "error": numbers are missing or misplaced; "warning": worth fixing; "info"
    message: str           # one Chinese line with the counts
    count: int
    areas: int
    events: int
    area_ids: tuple[int, ...] = ()
    area_codes: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class EventCounts:
    """What the one query over events returns: events per area id, and the events of no known grid
    or category, per offending value (None for an empty grid_id or category_code)."""
    per_area: dict
    unknown_grid: dict
    unknown_category: dict


def event_counts(db: Database) -> EventCounts:
    """One aggregate over all events: GROUP BY grid id and the category code when it is unknown."""
    e, a, cat = (db.schema.table(t) for t in ("events", "areas", "event_categories"))
    known_category = e.c.category_code.in_(sa.select(cat.c.code).where(cat.c.code.is_not(None)))
    rows = sa.select(
        e.c.grid_id.label("grid_id"),
        sa.case((e.c.grid_id.in_(sa.select(a.c.id)), 1), else_=0).label("known_grid"),
        sa.case((known_category, 1), else_=0).label("known_category"),
        sa.case((known_category, None), else_=e.c.category_code).label("bad_category"),
    ).subquery("event_keys")  # grouped outside: MySQL and PostgreSQL differ on grouping by CASE aliases
    stmt = (sa.select(rows.c.grid_id, rows.c.known_grid, rows.c.known_category, rows.c.bad_category,
                      sa.func.count().label("n"))
            .group_by(rows.c.grid_id, rows.c.known_grid, rows.c.known_category, rows.c.bad_category))
    per_area, unknown_grid, unknown_category = {}, {}, {}
    for r in db.query(stmt).itertuples(index=False):
        grid, n = (None if pd.isna(r.grid_id) else int(r.grid_id)), int(r.n)
        target = per_area if r.known_grid else unknown_grid
        target[grid] = target.get(grid, 0) + n
        if not r.known_category:
            code = None if r.bad_category is None or pd.isna(r.bad_category) else str(r.bad_category)
            unknown_category[code] = unknown_category.get(code, 0) + n
    return EventCounts(per_area, unknown_grid, unknown_category)


def check_area_tree(db: Database, tree: AreaTree | None = None, *, examples: int = EXAMPLES) -> list[Finding]:
    """The faults of the areas table (loaded if `tree` is not given) and of the events' grid ids and
    category codes, in KINDS order; an empty list when there are none."""
    return findings(tree or AreaTree.load(db), event_counts(db), examples=examples)


# ---- the tree itself (pure) ----

def _parent(tree: AreaTree, area_id: int) -> int | None:
    p = tree.frame.at[area_id, "parent_id"]
    return None if pd.isna(p) else int(p)


def tops(tree: AreaTree) -> dict[int, tuple[str, int]]:
    """Where each area's chain of parents ends: ("root", id) at an area whose parent_id is empty,
    ("orphan", id) at an area whose parent is missing, or ("cycle", smallest id of the cycle)."""
    top: dict[int, tuple[str, int]] = {}
    for start in tree.frame.index:
        path, on_path, a = [], set(), int(start)
        while a not in top:
            if a in on_path:  # walked into the path itself: path[i:] is a cycle
                cycle = path[path.index(a):]
                for m in cycle:
                    top[m] = ("cycle", min(cycle))
                break
            path.append(a)
            on_path.add(a)
            p = _parent(tree, a)
            if p is None or p not in tree.frame.index:
                top[a] = ("root" if p is None else "orphan", a)
                break
            a = p
        for m in path:
            top.setdefault(m, top[a])
    return top


def outside_main_tree(found: list[Finding]) -> tuple[int, int]:
    """(areas, events) not under an area whose parent_id is empty: cut off by a missing parent or a cycle."""
    cut = [f for f in found if f.kind in OUTSIDE]
    return sum(f.areas for f in cut), sum(f.events for f in cut)


def _name(tree: AreaTree, area_id: int) -> str:
    row = tree.frame.loc[area_id]
    level = LEVEL_NAMES.get(row["level"], str(row["level"]))
    return f"{row['code']} {row['name']}（{level}）"


def findings(tree: AreaTree, counts: EventCounts, *, examples: int = EXAMPLES) -> list[Finding]:
    """The faults of `tree` with the events on its areas (check_area_tree without the database)."""
    frame, direct = tree.frame, counts.per_area
    top = tops(tree)
    under: dict[tuple[str, int], list[int]] = {}
    for area_id, t in top.items():
        under.setdefault(t, []).append(area_id)

    def events_of(ids) -> int:
        return sum(direct.get(int(i), 0) for i in ids)

    def finding(kind, severity, message, count, areas, events, ids=(), lines=()) -> Finding:
        ids = tuple(int(i) for i in ids)[:examples]
        return Finding(kind, severity, message, int(count), int(areas), int(events), ids,
                       tuple(str(frame.at[i, "code"]) for i in ids), tuple(lines)[:examples])

    out = []
    roots = sorted((t for t in under if t[0] != "cycle"),  # the declared roots first, then the cut-off ones
                   key=lambda t: (t[0] == "orphan", -len(under[t]), str(frame.at[t[1], "code"])))
    if frame.empty or not roots:
        out.append(finding("no_root", "error", f"区域表{'为空' if frame.empty else '没有顶级区域：每个区域都在上级链的环中'}，"
                           "任何合计都为空", 0, len(frame), events_of(frame.index)))
    elif len(roots) > 1:
        orphans = sum(t[0] == "orphan" for t in roots)
        note = f"其中 {orphans} 个是因上级区域不存在而成为顶级的" if orphans else "都没有上级区域（parent_id 为空）"
        out.append(finding(
            "multiple_roots", "warning" if orphans else "info",
            f"区域树有 {len(roots)} 个顶级区域（{note}）：全市合计包含全部 {len(roots)} 个，每个顶级区域只含自己的下级",
            len(roots), sum(len(under[t]) for t in roots), sum(events_of(under[t]) for t in roots),
            [t[1] for t in roots], [f"{_name(tree, t[1])}：连同下级 {len(under[t])} 个区域，事件 {events_of(under[t]):,} 件"
                                    for t in roots]))

    cut = sorted((t for t in under if t[0] == "orphan"), key=lambda t: (-events_of(under[t]), str(frame.at[t[1], "code"])))
    if cut:
        areas, events = sum(len(under[t]) for t in cut), sum(events_of(under[t]) for t in cut)
        out.append(finding(
            "orphan_parent", "error",
            f"{len(cut)} 个区域的上级区域不存在（parent_id 指向区域表中没有的 id），连同下级共 {areas} 个区域、"
            f"{events:,} 件事件（不限时间）不在主区划树内：它们各自作为顶级区域计入全市合计，但不计入任何上级区域",
            len(cut), areas, events, [t[1] for t in cut],
            [f"{_name(tree, t[1])}：上级 id {_parent(tree, t[1])} 不存在；连同下级 {len(under[t])} 个区域，"
             f"事件 {events_of(under[t]):,} 件" for t in cut]))

    rings = sorted((t for t in under if t[0] == "cycle"), key=lambda t: (-events_of(under[t]), t[1]))
    if rings:
        areas, events = sum(len(under[t]) for t in rings), sum(events_of(under[t]) for t in rings)
        lines = []
        for t in rings:
            ring, a = [t[1]], _parent(tree, t[1])
            while a != t[1]:
                ring.append(a)
                a = _parent(tree, a)
            codes = " → ".join(str(frame.at[i, "code"]) for i in [*ring, t[1]])
            lines.append(f"{codes}（上级链）：连同下级 {len(under[t])} 个区域，事件 {events_of(under[t]):,} 件")
        out.append(finding(
            "cycle", "error",
            f"{len(rings)} 处上级链成环（区域的上级最终指回自己），连同下级共 {areas} 个区域、{events:,} 件事件（不限时间）"
            "没有顶级区域，不计入任何合计", len(rings), areas, events, [t[1] for t in rings], lines))

    out += _duplicates(tree, direct, finding)
    out += _levels_and_events(tree, counts, finding)
    return sorted(out, key=lambda f: KINDS.index(f.kind))


def _duplicates(tree: AreaTree, direct: dict, finding) -> list[Finding]:
    frame, out = tree.frame, []
    extra = tree.duplicate_rows if tree.duplicate_rows is not None else pd.DataFrame(columns=["id", "code"])
    if not extra.empty:
        ids = sorted({int(i) for i in extra["id"]})
        kept = [i for i in ids if i in frame.index]
        lines = [f"id {i}：{1 + int((extra['id'] == i).sum())} 行，编码 "
                 + "、".join(dict.fromkeys([str(frame.at[i, "code"]), *map(str, extra.loc[extra["id"] == i, "code"])]))
                 + f"；采用编码 {frame.at[i, 'code']} 的一行" for i in kept]
        out.append(finding(
            "duplicate_id", "error",
            f"{len(ids)} 个区域 id 在区域表中出现多次（多出 {len(extra)} 行）：区域树只采用每个 id 按编码排序的第一行，"
            f"而查询沿每一行的上级统计，挂在这些 id 上的 {sum(direct.get(i, 0) for i in ids):,} 件事件（不限时间）"
            "可能同时计入两处上级",
            len(ids), len(ids), sum(direct.get(i, 0) for i in ids), kept, lines))
    codes = frame["code"].dropna().astype(str)
    repeated = codes[codes.duplicated(keep=False) & (codes.str.strip() != "")]
    if not repeated.empty:
        groups = repeated.groupby(repeated).groups
        ids = [int(i) for g in groups.values() for i in g]
        lines = [f"编码 {code}：" + "、".join(f"id {i} {frame.at[i, 'name']}" for i in sorted(g)) for code, g in groups.items()]
        out.append(finding(
            "duplicate_code", "error",
            f"{len(groups)} 个区域编码被多个区域共用（共 {len(ids)} 个区域、{sum(direct.get(i, 0) for i in ids):,} 件事件）："
            "链接中的 area= 与账号的辖区按编码找区域，只能找到其中一个", len(groups), len(ids),
            sum(direct.get(i, 0) for i in ids), ids, lines))
    blank = [int(i) for i in frame.index if pd.isna(frame.at[i, "code"]) or str(frame.at[i, "code"]).strip() == ""]
    if blank:
        out.append(finding(
            "missing_code", "warning",
            f"{len(blank)} 个区域没有编码：无法在链接中打开，也无法授予账号", len(blank), len(blank),
            sum(direct.get(i, 0) for i in blank), blank, [f"id {i} {frame.at[i, 'name']}" for i in blank]))
    return out


def _levels_and_events(tree: AreaTree, counts: EventCounts, finding) -> list[Finding]:
    frame, direct, out = tree.frame, counts.per_area, []
    odd = [int(i) for i in frame.index if frame.at[i, "level"] not in LEVELS]
    if odd:
        out.append(finding(
            "unknown_level", "warning",
            f"{len(odd)} 个区域的层级不是{'、'.join(LEVEL_NAMES[lv] for lv in LEVELS)}之一：按层级的统计（如周报的街道、"
            "网格红黑榜，按网格汇总的户数与人口）不含它们", len(odd), len(odd), sum(direct.get(i, 0) for i in odd), odd,
            [f"{frame.at[i, 'code']} {frame.at[i, 'name']}：层级 {frame.at[i, 'level']!r}" for i in odd]))
    holders = sorted((int(i) for i in frame.index if frame.at[i, "level"] != LEVELS[-1] and direct.get(int(i))),
                     key=lambda i: (-direct[i], str(frame.at[i, "code"])))
    if holders:
        n = sum(direct[i] for i in holders)
        out.append(finding(
            "events_on_non_grid", "warning",
            f"{len(holders)} 个非网格区域直接挂有事件，共 {n:,} 件（不限时间）：计入该区域及其上级的合计，但不计入任何网格",
            len(holders), len(holders), n, holders, [f"{_name(tree, i)}：{direct[i]:,} 件" for i in holders]))
    for kind, values, what, column, empty, effect in (
            ("events_unknown_grid", counts.unknown_grid, "网格不在区域表中", " grid_id", "grid_id 为空",
             "不计入任何区域，因而不计入任何合计"),
            ("events_unknown_category", counts.unknown_category, "类别不在事件分类表中", "类别代码", "类别代码为空",
             "计入合计，但不计入任何类别或维度")):
        if values:
            n = sum(values.values())
            lines = [f"{empty if v is None else column.strip() + ' ' + str(v)}：{k:,} 件"
                     for v, k in sorted(values.items(), key=lambda kv: (-kv[1], str(kv[0])))]
            blank = "，含空值" if None in values else ""
            out.append(finding(kind, "error" if kind == "events_unknown_grid" else "warning",
                               f"{n:,} 件事件（不限时间）的{what}（{len(values)} 个不同的{column}{blank}）：{effect}",
                               len(values), 0, n, (), lines))
    return out
