"""Compile declared measures into one aggregate SELECT per source and run them.

Output: one row per group (and per time bucket when a grain is given, per value of a breakdown
when `by` is given) with every requested measure and ratio. Rows are aggregated in the database;
pandas only joins the per-source results and divides numerators by denominators.

Every aggregate is conditional (`SUM(CASE WHEN cond THEN 1 ELSE 0 END)`, `AVG(CASE WHEN cond THEN
value END)`, `PERCENTILE_CONT(f) WITHIN GROUP (ORDER BY CASE WHEN cond THEN value END)` …), so the
measures of one source share one scan. MySQL and MariaDB have no percentile aggregate: there the
percentiles of a source get one ranked statement per (condition, value) they share
(`dialect.ranked_percentiles`).
"""
from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import sqlalchemy as sa

from data_access.db import Database
from metrics.definitions import DIMENSIONS, MEASURES, RATIOS, SOURCES, SURVEY_DIMENSIONS, WORKER_KEYS, Ctx, Measure
from metrics.dialect import MYSQL_FAMILY, period_start, ranked_percentiles
from metrics.period import Period, Window
from metrics.availability import attributable, unavailable
from metrics.scope import Focus, group_rows, in_scope

KEYS = ("group_id", "period_start", "key")  # what per-source results are joined on
INTEGRAL = ("count", "sum", "count_distinct")  # aggregates that are whole numbers, 0 when no row counts
ROWS, KNOWN = "__rows", "__known"  # suffixes of a recorded measure's two companions (rows, rows with the column)


def expand(names: list[str]) -> tuple[list[str], list[str]]:
    """Requested names → (measures to compute, ratios to derive)."""
    ratios = [n for n in names if n in RATIOS]
    measures = [n for n in names if n in MEASURES]
    unknown = set(names) - set(ratios) - set(measures)
    if unknown:
        raise KeyError(f"unknown metric(s): {sorted(unknown)}")
    for r in ratios:
        measures += [RATIOS[r].numerator, RATIOS[r].denominator]
    return list(dict.fromkeys(measures)), ratios


def _aggregate(m: Measure, ctx: Ctx) -> sa.ColumnElement:
    """One measure as a conditional aggregate (percentiles too, where the dialect has them)."""
    cond = m.where(ctx) if m.where else None
    if m.agg == "count":
        return sa.func.count() if cond is None else sa.func.sum(sa.case((cond, 1), else_=0))
    if m.agg == "sum":
        return sa.func.sum(m.value(ctx) if cond is None else sa.case((cond, m.value(ctx)), else_=0))
    value = m.value(ctx) if cond is None else sa.case((cond, m.value(ctx)))  # NULL where cond fails
    if m.agg == "mean":
        return sa.func.avg(value)
    if m.agg == "count_distinct":
        return sa.func.count(sa.distinct(value))
    return sa.func.percentile_cont(m.fraction).within_group(value)  # ignores the NULLs


def _recorded(m: Measure, ctx: Ctx, table) -> list[sa.ColumnElement]:
    """A recorded measure's companions: its rows, and those of them with the column filled in."""
    rows, column, _what = m.recorded
    cond = rows(ctx)
    return [sa.func.sum(sa.case((cond, 1), else_=0)).label(m.name + ROWS),
            sa.func.count(sa.case((cond, table.c[column]))).label(m.name + KNOWN)]


def _breakdown(ctx: Ctx, table_name: str, by: str) -> sa.ColumnElement:
    if by == "worker":
        if table_name not in WORKER_KEYS:
            raise ValueError(f"{table_name} rows belong to no worker")
        return WORKER_KEYS[table_name](ctx)
    if table_name == "dispatches" and by == "department":  # the department it was sent to
        return ctx.d.c.department_code
    if table_name not in ("events", "surveys") or (table_name == "surveys" and by not in SURVEY_DIMENSIONS):
        raise ValueError(f"{table_name} measures cannot be broken down by {by}")
    return DIMENSIONS[by][1](ctx)


def _source_from(db: Database, ctx: Ctx, source: str, focus: Focus, groups: list[int] | None, grain: str | None,
                 by: str | None, only: dict | None, window):
    """FROM, WHERE and GROUP BY keys shared by every statement of one source."""
    table_name, ts_name = SOURCES[source]
    t = db.schema.table(table_name)
    if table_name == "dispatches":  # a dispatch is in the area of its case
        base, own_key = t.join(ctx.e, t.c.event_id == ctx.e.c.id), ctx.e.c.grid_id
    else:
        base, own_key = t, t.c.id if table_name == "areas" else t.c.grid_id
    grids_only = table_name == "areas"  # the grids themselves: sums over any other level would count twice
    if groups is None:
        joined, keys, where = base, [], [in_scope(db, own_key, focus, grids_only=grids_only)]
    else:
        members = group_rows(db, focus, groups, grids_only=grids_only)
        joined = base.join(members, own_key == members.c.area_id)
        keys = [members.c.group_id.label("group_id")]
        # The join alone keeps the rows in scope. MariaDB also wants the list itself, to read the
        # (grid_id, reported_at) index by ranges; DuckDB and PostgreSQL would only check it twice.
        where = [in_scope(db, own_key, focus, groups, grids_only=grids_only)] if db.dialect in MYSQL_FAMILY else []
    if table_name == "events":
        joined = joined.outerjoin(ctx.cat, t.c.category_code == ctx.cat.c.code)
    needs_event = table_name == "surveys" and any(d in SURVEY_DIMENSIONS for d in [by, *(only or {})])
    if needs_event:  # a survey follows its event to its category and source
        joined = (joined.outerjoin(ctx.e, t.c.event_id == ctx.e.c.id)
                  .outerjoin(ctx.cat, ctx.e.c.category_code == ctx.cat.c.code))
    for name in only or {}:
        where.append(_breakdown(ctx, table_name, name) == sa.bindparam(f"only_{name}"))
    if by:
        keys.append(_breakdown(ctx, table_name, by).label("key"))
    if ts_name:
        ts = t.c[ts_name]
        end = sa.bindparam("p_end", type_=sa.DateTime)
        where += [ts >= sa.bindparam("p_start", type_=sa.DateTime),
                  ts <= end if getattr(window, "inclusive_end", False) else ts < end]
    if grain and ts_name:
        keys.append(period_start(grain, t.c[ts_name]).label("period_start"))
    return joined, where, keys


def source_rows(db: Database, ctx: Ctx, source: str, focus: Focus, *, only: dict | None = None, window=None):
    """(FROM, WHERE) of one source's rows in the focus and period, exactly as `aggregate` reads them:
    the case list (metrics.case_list) lists the rows a figure counted through this same filter."""
    joined, where, _keys = _source_from(db, ctx, source, focus, None, None, None, only, window)
    return joined, where


def source_statements(db: Database, ctx: Ctx, source: str, measures: list[Measure], focus: Focus, *,
                      groups: list[int] | None = None, grain: str | None = None, by: str | None = None,
                      only: dict | None = None, window=None) -> list[sa.Select]:
    """The SELECTs that compute `measures` of one source: one, plus on MySQL one per shared
    (condition, value) of its percentiles."""
    joined, where, keys = _source_from(db, ctx, source, focus, groups, grain, by, only, window)
    ranked = db.dialect in MYSQL_FAMILY
    inline = [m for m in measures if not (ranked and m.agg == "percentile")]
    out = []
    if inline:
        table = db.schema.table(SOURCES[source][0])
        cols = [_aggregate(m, ctx).label(m.name) for m in inline]
        cols += [c for m in inline if m.recorded for c in _recorded(m, ctx, table)]
        stmt_where = list(where)
        if all(m.where for m in inline):  # rows meeting no measure's condition add nothing: skip them
            stmt_where.append(sa.or_(*[m.where(ctx) for m in inline], *[m.recorded[0](ctx) for m in inline if m.recorded]))
        stmt = sa.select(*(keys or [sa.literal_column("0").label("group_id")]), *cols).select_from(joined)
        if stmt_where:
            stmt = stmt.where(*stmt_where)
        out.append(stmt.group_by(*keys) if keys else stmt)
    shared: dict[tuple, list[Measure]] = {}
    for m in measures:
        if ranked and m.agg == "percentile":
            shared.setdefault((m.where, m.value), []).append(m)
    for (cond, value), ms in shared.items():
        rows = sa.and_(*where, *([cond(ctx)] if cond else []))
        out.append(ranked_percentiles(value(ctx), keys, rows, joined, {m.name: m.fraction for m in ms}))
    return out


def aggregate(db: Database, focus: Focus, period: Period | Window, asof: datetime, names: list[str], *,
              groups: list[int] | None = None, grain: str | None = None, by: str | None = None,
              only: dict | None = None, params: dict | None = None) -> pd.DataFrame:
    """Measures and ratios per group (one group, id 0, when `groups` is None), optionally per time
    bucket (`period_start`) and per value of a breakdown (`key`: a DIMENSIONS name, or "worker").
    `only` keeps the rows whose breakdown value equals the one given ({"worker": 17})."""
    measures, ratios = expand(names)
    by_worker = "worker" in [by, *(only or {})]
    absent = [n for n in measures if unavailable(n, db.schema) or (by_worker and not attributable(n, db.schema))]
    ctx = Ctx(db.schema)
    params = {"p_start": period.start_dt, "p_end": period.end_dt, "asof": asof, **(params or {}),
              **{f"only_{k}": v for k, v in (only or {}).items()}}

    by_source: dict[str, list] = {}
    for name in measures:
        if name not in absent:
            by_source.setdefault(MEASURES[name].source, []).append(MEASURES[name])
    result = None
    for source, ms in by_source.items():
        for stmt in source_statements(db, ctx, source, ms, focus, groups=groups, grain=grain, by=by,
                                      only=only, window=period):
            frame = db.query(stmt, params)
            if "group_id" not in frame:
                frame.insert(0, "group_id", 0)
            frame = frame[[c for c in frame.columns if c in KEYS or c.removesuffix(ROWS).removesuffix(KNOWN) in MEASURES]]
            if result is None:
                result = frame
            else:
                on = [k for k in KEYS if k in frame.columns and k in result.columns]
                for k in on:  # a source without rows gives untyped (object) keys; 3 == 3.0 either way
                    if result[k].dtype != frame[k].dtype:
                        result[k], frame[k] = result[k].astype(object), frame[k].astype(object)
                result = result.merge(frame, on=on, how="outer")
    if result is None:  # every measure asked for is absent from this platform
        result = pd.DataFrame(columns=["group_id"])
    return _finish(result, measures, ratios, groups, grain or by, absent)


def _finish(frame: pd.DataFrame, measures: list[str], ratios: list[str], groups, split, absent) -> pd.DataFrame:
    if "group_id" in frame:
        frame["group_id"] = frame["group_id"].astype("int64")
    if groups is not None and not split:  # a group without any rows still gets its line, with zeros
        frame = pd.DataFrame({"group_id": list(groups)}).merge(frame, on="group_id", how="left")
    elif groups is None and not split and frame.empty:
        frame = pd.DataFrame({"group_id": [0]})
    if "key" in frame:
        frame = frame.sort_values(["group_id", "key"], na_position="last").reset_index(drop=True)
    if "period_start" in frame:
        frame = frame.dropna(subset=["period_start"])
        frame["period_start"] = pd.to_datetime(frame["period_start"])
        frame = frame.sort_values(["group_id", "period_start"]).reset_index(drop=True)
    for name in measures:
        if name in absent or name not in frame:  # absent: the platform has no such data, so 无数据, never 0
            frame[name] = np.nan
        if name in absent:
            continue
        col = pd.to_numeric(frame[name].astype(object), errors="coerce").astype(float)
        integral = MEASURES[name].agg in INTEGRAL
        if integral:
            col = col.fillna(0)
        if name + ROWS in frame:  # rows there, none with the column filled in: not recorded, so no data
            rows, known = (frame.pop(name + s).fillna(0) for s in (ROWS, KNOWN))
            col = col.where(~((rows > 0) & (known == 0)))
        frame[name] = col.astype("int64") if integral and col.notna().all() else col
    for r in ratios:
        num, den = frame[RATIOS[r].numerator], frame[RATIOS[r].denominator]
        frame[r] = (num / den.where(den > 0)).astype(float)
    return frame
