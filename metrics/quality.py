"""数据质量 (docs/metrics.md: bad rows): the bad rows the metrics have to leave out, counted per rule with a few masked
examples, and what each metric does with them.

Counts are aggregated in the database (one SUM(CASE …) per table and period, GROUP BY … HAVING for
duplicates); examples are capped with LIMIT. Scope works as everywhere else: rows of known areas
count only inside the user's scope (`in_scope`). Rows whose grid is unknown belong to no area, so
they are counted only for a user whose scope is the whole city (`Scope.everywhere()`) looking at the
whole city, and never shown to an area official; the same holds for events without `reported_at`,
which belong to no period either.

`tree_findings` adds the faults of the area tree itself (metrics.area_checks): every area and every
event, whatever the period, for whole-city accounts only.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa

from data_access.db import Database
from data_access.schema import column_label
from data_access.errors import ScopeDenied
from metrics.area_checks import Finding, check_area_tree
from metrics.definitions import Ctx
from metrics.period import Period
from metrics.privacy import mask_frame
from metrics.scope import AreaTree, Focus, Scope, focus_for, in_scope

CITY_BOX = (118.9, 36.4, 119.45, 36.9)  # the default of map.city_box (lon/lat min, max); pages pass the configured one


@dataclass(frozen=True)
class Rule:
    key: str
    table: str          # events, surveys or patrols
    description: str    # what is wrong with the row
    excluded_from: str  # the metrics that leave such rows out ("无" when none can)
    treatment: str      # how the metrics treat them, in full
    city_only: bool = False      # cannot be attributed to an area: counted for the whole city only
    in_period: bool = True       # rows are taken from the period (by their own timestamp)
    fields: tuple[tuple[str, str], ...] = ()  # the canonical columns it reads (named in the database for admins)


RULES = [
    Rule("missing_reported_at", "events", "事件缺少上报时间",
         "全部事件指标、超期未结、事件清单、网格员上报数",
         "不计入任何周期：上报、立案、结案、按期结案、办结时长、超期未结均不含；无法归入周期，故不按周期筛选",
         city_only=True, in_period=False, fields=(("events", "reported_at"),)),
    Rule("closed_before_reported", "events", "事件结案时间早于上报时间",
         "办结时长（平均、中位数、P90）、办结时长分布、按期结案数",
         "不计入办结时长，也不算按期结案（有期限的仍计入应结案数）；仍按状态计入上报、立案、结案",
         fields=(("events", "reported_at"), ("events", "closed_at"))),
    Rule("closed_without_time", "events", "事件已结案但缺少结案时间",
         "办结时长（平均、中位数、P90）、办结时长分布、按期结案数",
         "按状态计入结案（不算超期未结），但不计入办结时长，也不算按期结案（有期限的仍计入应结案数）",
         fields=(("events", "status"), ("events", "closed_at"))),
    Rule("unknown_grid", "events", "事件所在网格不存在（所属网格为空或不在区域表中）",
         "全部事件指标、超期未结、事件清单、网格员上报数",
         "不计入任何区域，因而不计入任何指标；仅在全市范围统计", city_only=True, fields=(("events", "grid_id"),)),
    Rule("not_grid", "events", "事件挂在非网格区域上（所属网格指向社区、街道等）",
         "各网格的指标与网格排名",
         "计入该区域及其上级的合计，但不计入任何网格：下级网格之和小于上级合计",
         fields=(("events", "grid_id"), ("areas", "level"))),
    Rule("unknown_category", "events", "事件类别不存在（事件类别为空或不在事件类别表中）",
         "按类别与维度的统计、平安指数中按维度的指标（治安警情率、矛盾纠纷化解率、安全隐患按期整改率）",
         "计入上报、立案、结案等合计；不计入任何类别或维度，按类别统计时归入“未知类别”一栏",
         fields=(("events", "category_code"), ("event_categories", "code"))),
    Rule("bad_coordinates", "events", "事件坐标缺失或在城市范围之外",
         "事件密度热力图",
         "不计入事件密度热力图；其他指标按所属网格照常计入（城市范围：配置项 map.city_box）",
         fields=(("events", "lon"), ("events", "lat"))),
    Rule("duplicate_id", "events", "事件编号重复（数量为多出的行数）",
         "无（无法排除）",
         "未排除：每一行都计入上报、立案、结案等全部事件指标，造成重复计数；关联的满意度回访按类别统计时也重复计入",
         fields=(("events", "id"),)),
    Rule("duplicate_case_no", "events", "同一案件编号用于多个事件（数量为多出的事件数）",
         "无（无法排除）",
         "未排除：每一行按独立事件计入全部事件指标，重复录入的案件被重复计数", fields=(("events", "case_no"),)),
    Rule("survey_invalid_result", "surveys", "满意度评价结果无效（不是满意、基本满意、不满意之一，或为空）",
         "群众满意率及其样本量",
         "不计入满意率：分子、分母（有效评价数）均不含", fields=(("surveys", "result"),)),
    Rule("survey_unknown_grid", "surveys", "满意度调查所在网格不存在",
         "群众满意率",
         "不计入任何区域的满意率；仅在全市范围统计", city_only=True, fields=(("surveys", "grid_id"),)),
    Rule("patrol_unknown_grid", "patrols", "巡查走访记录所在网格不存在",
         "走访户次、巡查走访覆盖率、网格员走访户次与巡查天数",
         "不计入任何区域与任何网格员的走访、巡查；仅在全市范围统计", city_only=True, fields=(("patrols", "grid_id"),)),
]
RULE_KEYS = tuple(r.key for r in RULES)
COLUMNS = ["rule", "table", "description", "excluded_from", "treatment", "city_only", "in_period", "count",
           "examples"]
PERSONAL = ("address",)  # the only personal column an example carries, masked


def quality_report(db: Database, *, start: date, end: date, asof: datetime, scope: Scope,
                   area_code: str | None = None, tree: AreaTree | None = None,
                   box: tuple[float, float, float, float] = CITY_BOX, examples: int = 5) -> pd.DataFrame:
    """One row per rule (RULES order): `rule`, `table`, `description`, `excluded_from`, `treatment`,
    `city_only`, `in_period`, `count` (Int64; <NA> for a rule this user's view cannot see: the city-only
    rules outside the whole-city view) and `examples` (a DataFrame of up to `examples` rows, personal
    data masked; empty when there are none)."""
    tree, focus = focus_for(db, tree, scope, area_code)
    whole_city = scope.area_codes is None and set(focus.area_ids) == set(tree.roots())
    q = _Queries(db, focus, Period(start, end), asof, box, whole_city)

    counts = {**q.row_counts("events"), **q.duplicate_counts(), **q.row_counts("surveys"), **q.row_counts("patrols")}
    if whole_city:
        counts["missing_reported_at"] = q.missing_reported_count()
    rows = []
    for rule in RULES:
        n = counts.get(rule.key) if (whole_city or not rule.city_only) else None
        ex = q.examples(rule, examples) if n else pd.DataFrame()
        rows.append({"rule": rule.key, "table": rule.table, "description": rule.description,
                     "excluded_from": rule.excluded_from, "treatment": rule.treatment, "city_only": rule.city_only,
                     "in_period": rule.in_period, "count": pd.NA if n is None else int(n), "examples": ex})
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["count"] = frame["count"].astype("Int64")
    return frame


def tree_findings(db: Database, *, scope: Scope, tree: AreaTree | None = None) -> list[Finding]:
    """The area tree's faults (metrics.area_checks), for a whole-city account only: they name areas
    anywhere in the city, and an area official's view of them would leak the rest of the tree."""
    if scope.area_codes is not None:
        raise ScopeDenied("区域树检查只对全市范围的账号开放")
    return check_area_tree(db, tree)


def _int(v) -> int:
    return 0 if v is None or pd.isna(v) else int(v)


class _Queries:
    """The SQL of one report: the row set of each table (period and scope) and each rule's condition."""

    def __init__(self, db: Database, focus: Focus, period: Period, asof: datetime, box, whole_city: bool):
        self.db, self.ctx, self.whole_city = db, Ctx(db.schema), whole_city
        self.areas = db.schema.table("areas").alias("row_area")  # the area a row points at, if any
        self.focus = focus
        self.params = {"p_start": period.start_dt, "p_end": period.end_dt, "asof": asof,
                       "lon_min": float(box[0]), "lat_min": float(box[1]),
                       "lon_max": float(box[2]), "lat_max": float(box[3])}
        self.schema = db.schema
        self.valid_results = db.schema.values("surveys", "result", ["satisfied", "basically_satisfied", "dissatisfied"])

    # ---- row sets ----

    def _table(self, table: str) -> sa.Table:
        return {"events": self.ctx.e, "surveys": self.ctx.s, "patrols": self.ctx.p}[table]

    def _joined(self, table: str):
        t = self._table(table)
        joined = t.outerjoin(self.areas, t.c.grid_id == self.areas.c.id)
        if table == "events":
            joined = joined.outerjoin(self.ctx.cat, t.c.category_code == self.ctx.cat.c.code)
        return joined

    def _where(self, table: str, *, period: bool = True) -> list:
        """Rows of the period (by the table's own timestamp) inside the scope. In the whole-city view
        every row counts, whatever its grid; otherwise only rows of areas under the focus."""
        t = self._table(table)
        where = []
        if period:
            ts = t.c[{"events": "reported_at", "surveys": "surveyed_at", "patrols": "started_at"}[table]]
            where += [ts >= sa.bindparam("p_start", type_=sa.DateTime), ts < sa.bindparam("p_end", type_=sa.DateTime)]
        if not self.whole_city:
            where.append(in_scope(self.db, t.c.grid_id, self.focus))
        return where

    # ---- rule conditions ----

    def condition(self, key: str):
        e, s, a, cat = self.ctx.e.c, self.ctx.s.c, self.areas.c, self.ctx.cat.c
        unknown_grid = a.id.is_(None)
        box = sa.bindparam
        conditions = {
            "missing_reported_at": e.reported_at.is_(None),
            "closed_before_reported": e.closed_at < e.reported_at,
            "closed_without_time": sa.and_(self.ctx.is_(e.status, "events", "status", "closed"), e.closed_at.is_(None)),
            "unknown_grid": unknown_grid,
            "not_grid": sa.and_(a.id.is_not(None), sa.or_(a.level.is_(None), self.schema.is_not(a.level, "areas", "level", "grid"))),
            "unknown_category": cat.code.is_(None),
            "bad_coordinates": sa.or_(e.lon.is_(None), e.lat.is_(None),
                                      e.lon < box("lon_min", type_=sa.Float), e.lon > box("lon_max", type_=sa.Float),
                                      e.lat < box("lat_min", type_=sa.Float), e.lat > box("lat_max", type_=sa.Float)),
            "survey_invalid_result": sa.or_(s.result.is_(None), s.result.not_in(self.valid_results)),
            "survey_unknown_grid": unknown_grid,
            "patrol_unknown_grid": unknown_grid,
        }
        return conditions[key]

    def _counted(self, table: str) -> list[str]:
        """The per-row rules of a table counted over the period's rows."""
        return [r.key for r in RULES if r.table == table and r.in_period and not r.key.startswith("duplicate_")]

    def row_counts(self, table: str) -> dict[str, int]:
        keys = self._counted(table)
        cols = [sa.func.sum(sa.case((self.condition(k), 1), else_=0)).label(k) for k in keys]
        stmt = sa.select(*cols).select_from(self._joined(table)).where(*self._where(table))
        row = self.db.query(stmt, self.params).iloc[0]
        return {k: _int(row[k]) for k in keys}

    def missing_reported_count(self) -> int:
        e = self.ctx.e
        stmt = sa.select(sa.func.count().label("n")).select_from(e).where(self.condition("missing_reported_at"))
        return _int(self.db.query(stmt).iloc[0]["n"])

    def _duplicates(self, column: str) -> sa.Select:
        """Values of events.<column> on more than one row of the row set, with their number of rows.

        A case number counts the different ids carrying it, so a row duplicated whole (same id, same
        case number) is one duplicated id, not a duplicated case number as well."""
        e = self.ctx.e.c
        other = {"id": e.case_no, "case_no": e.id}[column]
        n = sa.func.count() if column == "id" else sa.func.count(sa.distinct(e.id))
        stmt = (sa.select(e[column].label(column), n.label("rows"),
                          sa.func.min(other).label(f"first_{other.key}"), sa.func.max(other).label(f"last_{other.key}"),
                          sa.func.min(e.grid_id).label("grid_id"), sa.func.min(e.reported_at).label("reported_at"))
                .select_from(self.ctx.e).where(*self._where("events"), e[column].is_not(None))
                .group_by(e[column]).having(n > 1))
        return stmt

    def duplicate_counts(self) -> dict[str, int]:
        out = {}
        for key, column in (("duplicate_id", "id"), ("duplicate_case_no", "case_no")):
            dups = self._duplicates(column).subquery(f"dup_{column}")
            stmt = sa.select(sa.func.count().label("values"), sa.func.sum(dups.c.rows).label("rows"))
            row = self.db.query(stmt, self.params).iloc[0]
            out[key] = _int(row["rows"]) - _int(row["values"])  # the rows beyond the first of each value
        return out

    # ---- examples ----

    def examples(self, rule: Rule, limit: int) -> pd.DataFrame:
        if rule.key.startswith("duplicate_"):
            column = rule.key.removeprefix("duplicate_")
            stmt = self._duplicates(column).order_by(self.ctx.e.c[column]).limit(limit)
            return _finish(self.db, self.db.query(stmt, self.params))
        t, a = self._table(rule.table), self.areas.c
        cols = [t.c.id.label("id")]
        if rule.table == "events":
            cols.append(t.c.case_no.label("case_no"))
        cols += [t.c.grid_id.label("grid_id"), a.code.label("grid_code"), a.name.label("grid_name")]
        cols += [c.label(c.key) for c in self._offending(rule)]
        stmt = (sa.select(*cols).select_from(self._joined(rule.table))
                .where(*self._where(rule.table, period=rule.in_period), self.condition(rule.key))
                .order_by(t.c.id).limit(limit))
        return _finish(self.db, self.db.query(stmt, self.params))

    def _offending(self, rule: Rule) -> list:
        """The columns that show what is wrong (and a masked address to find an event)."""
        e, s, p, a = self.ctx.e.c, self.ctx.s.c, self.ctx.p.c, self.areas.c
        return {
            "missing_reported_at": [e.status, e.accepted_at, e.closed_at, e.address],
            "closed_before_reported": [e.reported_at, e.closed_at, e.status, e.address],
            "closed_without_time": [e.reported_at, e.deadline_at, e.status, e.address],
            "unknown_grid": [e.reported_at, e.status, e.address],
            "not_grid": [a.level, e.reported_at, e.status, e.address],
            "unknown_category": [e.category_code, e.reported_at, e.status, e.address],
            "bad_coordinates": [e.lon, e.lat, e.reported_at, e.address],
            "survey_invalid_result": [s.result, s.surveyed_at, s.kind, s.event_id],
            "survey_unknown_grid": [s.result, s.surveyed_at, s.kind, s.event_id],
            "patrol_unknown_grid": [p.worker_id, p.kind, p.started_at, p.households_visited],
        }[rule.key]


def _finish(db: Database, frame: pd.DataFrame) -> pd.DataFrame:
    """Timestamps as datetimes, enum codes as canonical values, personal data masked."""
    for col in ("reported_at", "accepted_at", "closed_at", "surveyed_at", "started_at"):
        if col in frame:
            frame[col] = pd.to_datetime(frame[col])
    for col, (table, column) in {"status": ("events", "status"), "level": ("areas", "level")}.items():
        if col in frame:
            frame[col] = [v if v is None or pd.isna(v) else db.schema.map.canonical_value(table, column, v)
                          for v in frame[col]]
    return mask_frame(frame, PERSONAL)


def database_fields(rule_key: str, smap) -> str:
    """For administrators: where a rule's fields are in the platform database (事件·上报时间 = gd_case.sb_sj)."""
    rule = next(r for r in RULES if r.key == rule_key)
    parts = []
    for table, column in rule.fields:
        entry = smap.column_entry(table, column)
        where = ("未映射（平台不记录）" if entry is False else f"({entry['sql']})" if isinstance(entry, dict)
                 else f"{smap.table_name(table)}.{entry}")
        parts.append(f"{column_label(table, column)} = {where}")
    return "；".join(parts)
