"""The canonical data contract and its mapping onto a real platform database.

Queries always use canonical names: `schema.table("events").c.reported_at`. A `SchemaMap` renders
those as the real database's table and column names (SQLAlchemy's Column `key` keeps the canonical
name in Python while the SQL uses the real one), and translates enum values such as statuses.

A canonical column maps to a real column's name, to `false` (the platform does not record it) or to
`{ sql = "…" }`, an expression over the real table's columns evaluated in the database. A table that
needs any of these, or one real column serving two canonical ones, is read through a derived table
(`SELECT real AS canonical, (expr) AS canonical2, NULL AS absent … FROM real`), which every engine
merges into the outer query; a plainly renamed table is addressed directly, so its indexes serve as
before. A canonical table mapped to `false` is an empty derived table: queries still run, and
`absent()` lets the metrics say 无数据 instead of counting nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import sqlalchemy as sa
from sqlalchemy import BigInteger, Boolean, Date, DateTime, Double, Integer, String, Text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement

from data_access.errors import ConfigError

# Primary keys carry autoincrement=False: duckdb-engine would otherwise emit SERIAL, which DuckDB lacks.
CANONICAL: dict[str, list[tuple[str, Any]]] = {
    "areas": [
        ("id", BigInteger), ("parent_id", BigInteger), ("level", String(20)), ("code", String(40)),
        ("name", String(100)), ("households", Integer), ("population", Integer),
        ("lon", Double), ("lat", Double), ("boundary", Text),
    ],
    "workers": [
        ("id", BigInteger), ("area_id", BigInteger), ("name", String(50)), ("phone", String(20)),
        ("role", String(20)), ("employment", String(20)), ("active", Boolean), ("hired_on", Date),
    ],
    "event_categories": [
        ("code", String(40)), ("name", String(100)), ("parent_code", String(40)),
        ("dimension", String(30)), ("sla_hours", Double),
    ],
    "events": [
        ("id", BigInteger), ("case_no", String(40)), ("grid_id", BigInteger),
        ("category_code", String(40)), ("source", String(20)), ("reporter_worker_id", BigInteger),
        ("reported_at", DateTime), ("accepted_at", DateTime), ("dispatched_at", DateTime),
        ("closed_at", DateTime), ("deadline_at", DateTime), ("status", String(20)),
        ("resolved_level", String(20)), ("reopen_count", Integer), ("lon", Double), ("lat", Double),
        ("address", String(200)), ("description", Text), ("reporter_name", String(50)),
        ("reporter_phone", String(20)), ("department_code", String(40)),
    ],
    "patrols": [
        ("id", BigInteger), ("worker_id", BigInteger), ("grid_id", BigInteger), ("kind", String(20)),
        ("started_at", DateTime), ("ended_at", DateTime), ("households_visited", Integer),
    ],
    "surveys": [
        ("id", BigInteger), ("grid_id", BigInteger), ("event_id", BigInteger),
        ("surveyed_at", DateTime), ("result", String(30)), ("kind", String(30)),
    ],
    # The 职能部门 cases are dispatched to, and each dispatch of a case to one of them (a case
    # returned and dispatched again has several rows).
    "departments": [("code", String(40)), ("name", String(100)), ("kind", String(30))],
    "dispatches": [
        ("id", BigInteger), ("event_id", BigInteger), ("department_code", String(40)),
        ("dispatched_at", DateTime), ("accepted_at", DateTime), ("returned_at", DateTime), ("reason", String(200)),
    ],
}
PRIMARY_KEYS = {"areas": "id", "workers": "id", "event_categories": "code", "events": "id",
                "patrols": "id", "surveys": "id",
                "departments": "code", "dispatches": "id"}
# Secondary indexes the demo database gets; a real platform has its own.
INDEXES = {"events": [("reported_at",), ("grid_id", "reported_at"), ("status", "closed_at")], "surveys": [("surveyed_at",)],
           "patrols": [("started_at",)], "areas": [("parent_id",)],
           "dispatches": [("event_id",), ("dispatched_at",)]}

# Canonical enum values. [schema.values] maps each to one or several of the platform's codes.
ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("areas", "level"): ("district", "street", "workarea", "community", "grid"),
    ("workers", "role"): ("grid_worker", "instructor", "chief"),
    ("workers", "employment"): ("full_time", "part_time"),
    ("event_categories", "dimension"): ("public_security", "dispute", "safety_hazard", "fire",
                                        "city_management", "public_service", "other"),
    ("events", "status"): ("reported", "accepted", "dispatched", "processing", "closed", "rejected"),
    ("events", "resolved_level"): ("grid", "community", "street", "district"),
    ("events", "source"): ("worker_app", "hotline_12345", "video", "resident", "department"),
    ("patrols", "kind"): ("visit", "patrol"),
    ("surveys", "result"): ("satisfied", "basically_satisfied", "dissatisfied"),
    ("surveys", "kind"): ("callback", "resident_survey"),
}


# The dashboard cannot do without areas and events. Each table's key columns (what a row belongs to and
# when it happened) may be renamed or computed but not declared absent: without them a table is unusable,
# and the honest mapping is to declare the whole table absent.
REQUIRED_TABLES = ("areas", "events")
REQUIRED: dict[str, tuple[str, ...]] = {
    "areas": ("id", "parent_id", "level", "code", "name"),
    "events": ("id", "grid_id", "reported_at", "status"),
    "event_categories": ("code",),
    "workers": ("id",),
    "patrols": ("grid_id", "started_at"),
    "surveys": ("grid_id", "surveyed_at"),
    "departments": ("code",),
    "dispatches": ("event_id", "department_code", "dispatched_at"),
}

# Chinese names for messages (the checker, 数据质量, the reasons behind 无数据).
TABLE_LABELS = {"areas": "区域", "workers": "网格员", "event_categories": "事件类别", "events": "事件",
                "patrols": "巡查走访", "surveys": "满意度评价", "departments": "职能部门", "dispatches": "派遣记录"}
COLUMN_LABELS: dict[tuple[str, str], str] = {
    ("areas", "id"): "区域编号", ("areas", "parent_id"): "上级区域", ("areas", "level"): "层级",
    ("areas", "code"): "区域代码", ("areas", "name"): "区域名称", ("areas", "households"): "户数",
    ("areas", "population"): "人口", ("areas", "lon"): "经度", ("areas", "lat"): "纬度",
    ("areas", "boundary"): "边界",
    ("workers", "id"): "网格员编号", ("workers", "area_id"): "所属网格", ("workers", "name"): "姓名",
    ("workers", "phone"): "电话", ("workers", "role"): "角色", ("workers", "employment"): "用工方式",
    ("workers", "active"): "在岗", ("workers", "hired_on"): "入职日期",
    ("event_categories", "code"): "类别代码", ("event_categories", "name"): "类别名称",
    ("event_categories", "parent_code"): "上级类别", ("event_categories", "dimension"): "事件维度",
    ("event_categories", "sla_hours"): "办理时限",
    ("events", "id"): "事件编号", ("events", "case_no"): "案卷号", ("events", "grid_id"): "所属网格",
    ("events", "category_code"): "事件类别", ("events", "source"): "来源",
    ("events", "reporter_worker_id"): "上报网格员", ("events", "reported_at"): "上报时间",
    ("events", "accepted_at"): "受理时间", ("events", "dispatched_at"): "派遣时间",
    ("events", "closed_at"): "结案时间", ("events", "deadline_at"): "办理期限", ("events", "status"): "状态",
    ("events", "resolved_level"): "化解层级", ("events", "reopen_count"): "返工次数", ("events", "lon"): "经度",
    ("events", "lat"): "纬度", ("events", "address"): "地址", ("events", "description"): "描述",
    ("events", "reporter_name"): "报告人", ("events", "reporter_phone"): "报告人电话",
    ("events", "department_code"): "承办部门",
    ("patrols", "id"): "记录编号", ("patrols", "worker_id"): "网格员", ("patrols", "grid_id"): "网格",
    ("patrols", "kind"): "类型", ("patrols", "started_at"): "开始时间", ("patrols", "ended_at"): "结束时间",
    ("patrols", "households_visited"): "走访户数",
    ("surveys", "id"): "评价编号", ("surveys", "grid_id"): "网格", ("surveys", "event_id"): "关联事件",
    ("surveys", "surveyed_at"): "评价时间", ("surveys", "result"): "评价结果", ("surveys", "kind"): "评价方式",
    ("departments", "code"): "部门代码", ("departments", "name"): "部门名称", ("departments", "kind"): "部门类型",
    ("dispatches", "id"): "派遣编号", ("dispatches", "event_id"): "事件", ("dispatches", "department_code"): "派往部门",
    ("dispatches", "dispatched_at"): "派遣时间", ("dispatches", "accepted_at"): "部门签收时间",
    ("dispatches", "returned_at"): "退单时间", ("dispatches", "reason"): "退单理由",
}


def column_label(table: str, column: str) -> str:
    """事件·办理期限: a canonical column as a Chinese reader knows it."""
    return f"{TABLE_LABELS[table]}·{COLUMN_LABELS[(table, column)]}"


def _is_expression(entry) -> bool:
    return isinstance(entry, Mapping) and set(entry) == {"sql"} and isinstance(entry["sql"], str) and entry["sql"].strip()


@dataclass(frozen=True)
class SchemaMap:
    """Canonical → real names and values. Empty mappings mean the database uses canonical names.

    tables:  canonical table → real table (or view) name, or False when the platform has none.
    columns: canonical table → canonical column → real column name, False, or {"sql": expression}.
    values:  canonical table → enum column → canonical value → one code or a list of codes."""
    tables: Mapping[str, Any] = field(default_factory=dict)
    columns: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)

    @classmethod
    def from_config(cls, section: Mapping[str, Any] | None) -> "SchemaMap":
        section = dict(section or {})
        unknown = set(section) - {"tables", "columns", "values"}
        if unknown:
            raise ConfigError(f"schema.{sorted(unknown)[0]}", "one of tables, columns, values")
        smap = cls(section.get("tables", {}), section.get("columns", {}), section.get("values", {}))
        smap.validate()
        return smap

    def validate(self) -> None:
        for t, real in self.tables.items():
            if t not in CANONICAL:
                raise ConfigError(f"schema.tables.{t}", f"a canonical table ({', '.join(CANONICAL)})")
            if real is False and t in REQUIRED_TABLES:
                raise ConfigError(f"schema.tables.{t}", "a table name: the dashboard cannot work without it")
            if real is not False and (not isinstance(real, str) or not real):
                raise ConfigError(f"schema.tables.{t}", "a non-empty table name, or false when the platform has none")
        for t, cols in self.columns.items():
            if t not in CANONICAL:
                raise ConfigError(f"schema.columns.{t}", f"a canonical table ({', '.join(CANONICAL)})")
            known = {c for c, _ in CANONICAL[t]}
            for c, real in cols.items():
                key = f"schema.columns.{t}.{c}"
                if c not in known:
                    raise ConfigError(key, f"a column of {t} ({', '.join(sorted(known))})")
                if real is False and c in REQUIRED[t]:
                    whole = "" if t in REQUIRED_TABLES else f", or declare the whole table absent (schema.tables.{t} = false)"
                    raise ConfigError(key, f"a column name or {{ sql = \"…\" }}: {t} is unusable without it{whole}")
                if real is not False and not _is_expression(real) and (not isinstance(real, str) or not real):
                    raise ConfigError(key, "a column name, false, or { sql = \"expression\" }", real)
        for t, cols in self.values.items():
            for c, mapping in cols.items():
                enum = ENUMS.get((t, c))
                if enum is None:
                    raise ConfigError(f"schema.values.{t}.{c}", "an enumerated column: "
                                      + ", ".join(f"{a}.{b}" for a, b in ENUMS))
                seen: dict[str, str] = {}
                for v, codes in mapping.items():
                    key = f"schema.values.{t}.{c}.{v}"
                    if v not in enum:
                        raise ConfigError(key, f"one of {', '.join(enum)}")
                    codes = codes if isinstance(codes, list) else [codes]
                    if not codes or not all(isinstance(x, (str, int)) and not isinstance(x, bool) for x in codes):
                        raise ConfigError(key, "a code or a non-empty list of codes (text or integers)", mapping[v])
                    for code in codes:
                        if str(code) in seen:
                            raise ConfigError(key, f"codes not already given to {seen[str(code)]}", code)
                        seen[str(code)] = v

    # ---- names ----

    def table_name(self, table: str) -> str | None:
        """The real table's name; None when the platform has no such table."""
        real = self.tables.get(table, table)
        return None if real is False else real

    def column_entry(self, table: str, column: str):
        """The mapping of one canonical column: a real name, False or {"sql": …}."""
        if self.table_name(table) is None:
            return False
        return self.columns.get(table, {}).get(column, column)

    def column_name(self, table: str, column: str) -> str | None:
        """The real column's name when the canonical column is a plain column, else None."""
        entry = self.column_entry(table, column)
        return entry if isinstance(entry, str) else None

    def absent(self, table: str, column: str | None = None) -> bool:
        """True when the platform does not record this table (or this column of it)."""
        if column is None:
            return self.table_name(table) is None
        return self.column_entry(table, column) is False

    def config_key(self, table: str, column: str | None = None) -> str:
        """The config.toml key that decides where a canonical table or column comes from."""
        if column is None or self.absent(table):
            return f"schema.tables.{table}"
        return f"schema.columns.{table}.{column}"

    def derived(self, table: str) -> bool:
        """Read through a derived table: absent, or some column absent, computed, or sharing a real column."""
        if self.absent(table):
            return True
        entries = [self.column_entry(table, c) for c, _ in CANONICAL[table]]
        names = [e for e in entries if isinstance(e, str)]
        return len(names) != len(entries) or len(set(names)) != len(names)

    # ---- values ----

    def codes(self, table: str, column: str, canonical: str) -> list:
        """The database's codes for a canonical enum value (the value itself when unmapped)."""
        codes = self.values.get(table, {}).get(column, {}).get(canonical, canonical)
        return list(codes) if isinstance(codes, list) else [codes]

    def value(self, table: str, column: str, canonical: str) -> Any:
        """The database's (first) code for a canonical enum value."""
        return self.codes(table, column, canonical)[0]

    def canonical_value(self, table: str, column: str, real: Any) -> Any:
        """The canonical value a code stands for; the code itself when it stands for none."""
        mapping = self.values.get(table, {}).get(column, {})
        for canon, codes in mapping.items():
            if any(code == real or str(code) == str(real) for code in (codes if isinstance(codes, list) else [codes])):
                return canon
        return real

    def metadata(self) -> "MappedSchema":
        return MappedSchema(self)


class TypedNull(ColumnElement):
    """NULL of a given type, for a column the platform lacks. PostgreSQL needs the CAST: an untyped NULL
    in a derived table becomes text, and `text > timestamp` fails. MySQL's CAST knows few types and
    needs none."""
    inherit_cache = True

    def __init__(self, type_):
        self.type = sa.types.to_instance(type_)


@compiles(TypedNull)
def _typed_null(element, compiler, **kw):
    return compiler.process(sa.cast(sa.null(), element.type), **kw)


@compiles(TypedNull, "mysql")
@compiles(TypedNull, "mariadb")
def _untyped_null(element, compiler, **kw):
    return "NULL"


class MappedSchema:
    """SQLAlchemy tables under their real names, addressed by canonical names."""

    def __init__(self, smap: SchemaMap):
        self.map = smap
        self.md = sa.MetaData()
        self._tables = {name: self._build(name) for name in CANONICAL}

    def _build(self, name: str) -> sa.FromClause:
        if self.map.derived(name):
            return self._derived(name)
        pk = PRIMARY_KEYS[name]
        cols = [sa.Column(self.map.column_name(name, c), typ, key=c, primary_key=(c == pk),
                          autoincrement=False) for c, typ in CANONICAL[name]]
        table = sa.Table(self.map.table_name(name), self.md, *cols)
        for i, idx_cols in enumerate(INDEXES.get(name, [])):
            sa.Index(f"ix_{table.name}_{i}", *[table.c[c] for c in idx_cols])
        return table

    def _derived(self, name: str) -> sa.Subquery:
        """SELECT real AS canonical, (expr) AS canonical, NULL AS canonical … FROM real, named after the
        canonical table. The real table gets one Column per real name, so two canonical columns may share one."""
        entries = {c: self.map.column_entry(name, c) for c, _ in CANONICAL[name]}
        real_types: dict[str, Any] = {}  # a real column shared by two canonical ones takes the first one's type
        for c, typ in CANONICAL[name]:
            if isinstance(entries[c], str):
                real_types.setdefault(entries[c], typ)
        real = None
        if not self.map.absent(name):
            real = sa.Table(self.map.table_name(name), self.md, *[sa.Column(n, t) for n, t in real_types.items()])
        cols = []
        for c, typ in CANONICAL[name]:
            entry = entries[c]
            if isinstance(entry, str):
                expr = sa.type_coerce(real.c[entry], typ)
            elif entry is False:
                expr = TypedNull(typ)
            else:
                expr = sa.literal_column(f"({entry['sql'].strip()})", type_=typ)
            cols.append(expr.label(c))
        select = sa.select(*cols)
        if real is not None:
            select = select.select_from(real)
        else:  # no rows at all: the FROM keeps MySQL happy with a WHERE
            select = select.select_from(sa.select(sa.literal_column("1").label("x")).subquery("nothing")).where(sa.literal_column("1") == sa.literal_column("0"))
        return select.subquery(name)

    def table(self, name: str) -> sa.FromClause:
        return self._tables[name]

    def derived(self, name: str) -> bool:
        return self.map.derived(name)

    def absent(self, table: str, column: str | None = None) -> bool:
        return self.map.absent(table, column)

    def value(self, table: str, column: str, canonical: str) -> Any:
        return self.map.value(table, column, canonical)

    def values(self, table: str, column: str, canonicals) -> list:
        return [code for v in canonicals for code in self.map.codes(table, column, v)]

    def is_(self, expr: sa.ColumnElement, table: str, column: str, *canonical: str) -> sa.ColumnElement:
        """expr holds one of these canonical values: `=` for one code (as it always was), IN for several."""
        codes = self.values(table, column, canonical)
        return expr == codes[0] if len(codes) == 1 else expr.in_(codes)

    def canonical(self, expr: sa.ColumnElement, table: str, column: str) -> sa.ColumnElement:
        """expr's canonical value, for grouping: several codes of one value fall into one group, and a code
        standing for none stays itself (as text, so one CASE can return both)."""
        mapping = self.map.values.get(table, {}).get(column)
        if not mapping:
            return expr
        whens = [(expr.in_(self.values(table, column, [v])), sa.literal(v)) for v in mapping]
        return sa.case(*whens, else_=sa.cast(expr, sa.String))

    def is_not(self, expr: sa.ColumnElement, table: str, column: str, *canonical: str) -> sa.ColumnElement:
        codes = self.values(table, column, canonical)
        return expr != codes[0] if len(codes) == 1 else expr.not_in(codes)


CANONICAL_MAP = SchemaMap()
