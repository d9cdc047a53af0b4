"""The canonical data contract (SPEC §3) and its mapping onto a real platform database (SPEC §9).

Queries always use canonical names: `schema.table("events").c.reported_at`. A `SchemaMap` renders
those as the real database's table and column names (SQLAlchemy's Column `key` keeps the canonical
name in Python while the SQL uses the real one), and translates enum values such as statuses.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import sqlalchemy as sa
from sqlalchemy import BigInteger, Boolean, Date, DateTime, Double, Integer, String, Text

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
        ("reporter_phone", String(20)),
    ],
    "patrols": [
        ("id", BigInteger), ("worker_id", BigInteger), ("grid_id", BigInteger), ("kind", String(20)),
        ("started_at", DateTime), ("ended_at", DateTime), ("households_visited", Integer),
    ],
    "surveys": [
        ("id", BigInteger), ("grid_id", BigInteger), ("event_id", BigInteger),
        ("surveyed_at", DateTime), ("result", String(30)), ("kind", String(30)),
    ],
}
PRIMARY_KEYS = {"areas": "id", "workers": "id", "event_categories": "code", "events": "id",
                "patrols": "id", "surveys": "id"}
# Secondary indexes the demo database gets; a real platform has its own.
INDEXES = {"events": [("reported_at",), ("grid_id", "reported_at"), ("status", "closed_at")], "surveys": [("surveyed_at",)],
           "patrols": [("started_at",)], "areas": [("parent_id",)]}

# Canonical enum values (SPEC §3). The [schema.values] mapping may translate any of them.
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


@dataclass(frozen=True)
class SchemaMap:
    """Canonical → real names and values. Empty mappings mean the database uses canonical names."""
    tables: Mapping[str, str] = field(default_factory=dict)
    columns: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
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
            if not isinstance(real, str) or not real:
                raise ConfigError(f"schema.tables.{t}", "a non-empty table name")
        for t, cols in self.columns.items():
            if t not in CANONICAL:
                raise ConfigError(f"schema.columns.{t}", f"a canonical table ({', '.join(CANONICAL)})")
            known = {c for c, _ in CANONICAL[t]}
            for c, real in cols.items():
                if c not in known:
                    raise ConfigError(f"schema.columns.{t}.{c}", f"a column of {t} ({', '.join(sorted(known))})")
                if not isinstance(real, str) or not real:
                    raise ConfigError(f"schema.columns.{t}.{c}", "a non-empty column name")
        for t, cols in self.values.items():
            for c, mapping in cols.items():
                enum = ENUMS.get((t, c))
                if enum is None:
                    raise ConfigError(f"schema.values.{t}.{c}", "an enumerated column: "
                                      + ", ".join(f"{a}.{b}" for a, b in ENUMS))
                for v in mapping:
                    if v not in enum:
                        raise ConfigError(f"schema.values.{t}.{c}.{v}", f"one of {', '.join(enum)}")

    def table_name(self, table: str) -> str:
        return self.tables.get(table, table)

    def column_name(self, table: str, column: str) -> str:
        return self.columns.get(table, {}).get(column, column)

    def value(self, table: str, column: str, canonical: str) -> Any:
        """The database's code for a canonical enum value."""
        return self.values.get(table, {}).get(column, {}).get(canonical, canonical)

    def canonical_value(self, table: str, column: str, real: Any) -> Any:
        for canon, code in self.values.get(table, {}).get(column, {}).items():
            if code == real or str(code) == str(real):
                return canon
        return real

    def metadata(self) -> "MappedSchema":
        return MappedSchema(self)


class MappedSchema:
    """SQLAlchemy tables under their real names, addressed by canonical names."""

    def __init__(self, smap: SchemaMap):
        self.map = smap
        self.md = sa.MetaData()
        self._tables = {name: self._build(name) for name in CANONICAL}

    def _build(self, name: str) -> sa.Table:
        pk = PRIMARY_KEYS[name]
        cols = [sa.Column(self.map.column_name(name, c), typ, key=c, primary_key=(c == pk),
                          autoincrement=False) for c, typ in CANONICAL[name]]
        table = sa.Table(self.map.table_name(name), self.md, *cols)
        for i, idx_cols in enumerate(INDEXES.get(name, [])):
            sa.Index(f"ix_{table.name}_{i}", *[table.c[c] for c in idx_cols])
        return table

    def table(self, name: str) -> sa.Table:
        return self._tables[name]

    def value(self, table: str, column: str, canonical: str) -> Any:
        return self.map.value(table, column, canonical)

    def values(self, table: str, column: str, canonicals) -> list:
        return [self.map.value(table, column, v) for v in canonicals]


CANONICAL_MAP = SchemaMap()
