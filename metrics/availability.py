"""Whether a metric can be computed on this platform, and why not when it cannot.

A metric is 无数据 — never 0 — when a column or table it needs is declared absent in the schema
mapping (`unavailable`, known before any query), when the rows it counts exist but none has the
column it reads filled in (a `recorded` measure, decided per group by query.py), or when its
denominator is empty. `reason` says which, in one Chinese line, for cards, tiles and narratives.
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Mapping

from data_access.schema import TABLE_LABELS, MappedSchema, column_label
from metrics.definitions import METRICS, SOURCES, WORKER_COLUMNS, Derived, Measure, Ratio, inputs_of, needs


@lru_cache(maxsize=4096)
def unavailable(name: str, schema: MappedSchema) -> tuple[tuple[str, str], ...]:
    """The (table, column) pairs a metric needs that the platform does not have (empty: computable)."""
    return tuple(sorted((t, c) for t, c in needs(name, schema) if schema.absent(t, c)))


def attributable(name: str, schema: MappedSchema) -> bool:
    """Whether the platform says whose rows a measure counts (the reporting worker, the patrolling worker)."""
    table = SOURCES[METRICS[name].source][0]
    return table in WORKER_COLUMNS and not schema.absent(table, WORKER_COLUMNS[table])


def absent_reason(pairs, schema: MappedSchema) -> str:
    """平台未提供事件·办理期限（schema.columns.events.deadline_at = false）"""
    tables = sorted({t for t, _ in pairs if schema.absent(t)})
    if tables:
        return "平台没有" + "、".join(f"{TABLE_LABELS[t]}数据（schema.tables.{t} = false）" for t in tables)
    return "平台未提供" + "、".join(f"{column_label(t, c)}（{schema.map.config_key(t, c)} = false）" for t, c in pairs)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def reason(name: str, schema: MappedSchema, row: Mapping) -> str | None:
    """Why `row[name]` is 无数据 (None when it has a value). `row` holds the metric's inputs."""
    if not _missing(row.get(name)):
        return None
    pairs = unavailable(name, schema)
    if pairs:
        return absent_reason(pairs, schema)
    m = METRICS[name]
    if isinstance(m, Measure):
        if m.recorded:
            _rows, column, what = m.recorded
            return f"所选范围内的{what}均未记录{column_label(SOURCES[m.source][0], column)}"
        return f"所选范围和周期内没有可计算{m.label}的记录"
    if isinstance(m, Ratio):
        for part in (m.numerator, m.denominator):
            if _missing(row.get(part)):
                return reason(part, schema, row)
        return f"所选范围和周期内{METRICS[m.denominator].label}为 0"
    if isinstance(m, Derived):
        for part in m.inputs:
            why = reason(part, schema, row) if part in row else None
            if why:
                return why
        inputs = "、".join(METRICS[i].label for i in inputs_of(name))
        return f"所选范围和周期内{inputs}不足以计算"
    return None


def reasons(names, schema: MappedSchema, row: Mapping) -> dict[str, str]:
    """{metric: why it is 无数据} for those of `names` without a value in `row`."""
    out = {}
    for n in names:
        if n in METRICS and (why := reason(n, schema, row)):
            out[n] = why
    return out


# What a page is about: without it the page says so and shows nothing (ui.components.page_needs).
PAGE_DATA: dict[str, tuple[tuple[str, str], ...]] = {
    "群众满意度": (("surveys", "result"),),
    "网格员绩效": (("workers", "id"), ("workers", "area_id")),
}


def affected_metrics(schema: MappedSchema) -> list[tuple[str, str]]:
    """(label, why) of every declared metric this platform cannot compute at all."""
    return [(m.label, absent_reason(pairs, schema)) for name, m in METRICS.items()
            if name != "safety_index" and (pairs := unavailable(name, schema))]


def affected_pages(schema: MappedSchema) -> list[tuple[str, str]]:
    """(page, why) of the pages that will show nothing but a notice."""
    out = []
    for page, needed in PAGE_DATA.items():
        absent = [(t, c) for t, c in needed if schema.absent(t, c)]
        if absent:
            out.append((page, absent_reason(absent, schema)))
    return out
