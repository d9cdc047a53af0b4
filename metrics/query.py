"""Compile declared measures into one aggregate SELECT per source and run them.

Output: one row per group (and per time bucket when a grain is given) with every requested
measure and ratio. Rows are aggregated in the database; pandas only joins the per-source results
and divides numerators by denominators.
"""
from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import sqlalchemy as sa

from data_access.db import Database
from metrics.definitions import DIMENSIONS, MEASURES, RATIOS, SOURCES, SURVEY_DIMENSIONS, Ctx
from metrics.dialect import distribution_select, period_start
from metrics.period import Period
from metrics.scope import Focus, scoped_areas

KEYS = ("group_id", "period_start", "key")  # what per-source results are joined on

def _expand(names: list[str]) -> tuple[list[str], list[str]]:
    """Requested names → (measures to query, ratios to derive)."""
    ratios = [n for n in names if n in RATIOS]
    measures = [n for n in names if n in MEASURES]
    unknown = set(names) - set(ratios) - set(measures)
    if unknown:
        raise KeyError(f"unknown metric(s): {sorted(unknown)}")
    for r in ratios:
        measures += [RATIOS[r].numerator, RATIOS[r].denominator]
    return list(dict.fromkeys(measures)), ratios


def _source_select(db: Database, ctx: Ctx, source: str, measures: list, areas: sa.CTE,
                   grain: str | None, grouped: bool, by: str | None = None) -> sa.Select:
    table_name, ts_name = SOURCES[source]
    t = db.schema.table(table_name)
    where = []
    own_key = t.c.id if table_name == "areas" else t.c.grid_id
    in_scope = areas
    if table_name == "areas":  # the grids themselves: sums over any other level would count twice
        in_scope = sa.select(areas).where(areas.c.level == db.schema.value("areas", "level", "grid")).subquery()
    if grouped:
        joined = t.join(in_scope, own_key == in_scope.c.area_id)
        keys = [in_scope.c.group_id.label("group_id")]
    else:  # one group: a semi-join, which every engine plans well (MariaDB would nest-loop a join)
        joined = t
        where.append(own_key.in_(sa.select(in_scope.c.area_id)))
        keys = []
    if table_name == "events":
        joined = joined.outerjoin(ctx.cat, t.c.category_code == ctx.cat.c.code)
    if by:
        if table_name == "surveys" and by in SURVEY_DIMENSIONS:  # a survey follows its event
            joined = (joined.outerjoin(ctx.e, t.c.event_id == ctx.e.c.id)
                      .outerjoin(ctx.cat, ctx.e.c.category_code == ctx.cat.c.code))
        elif table_name != "events":
            raise ValueError(f"{source} measures cannot be broken down by {by}")
        keys.append(DIMENSIONS[by][1](ctx).label("key"))
    if ts_name:
        ts = t.c[ts_name]
        where += [ts >= sa.bindparam("p_start", type_=sa.DateTime), ts < sa.bindparam("p_end", type_=sa.DateTime)]
    if grain and ts_name:
        keys.append(period_start(grain, t.c[ts_name]).label("period_start"))

    if source == "handling":  # every handling measure shares one row set: closed cases with a duration
        where.append(measures[0].where(ctx))
        value = MEASURES["mean_hours"].value(ctx)
        return distribution_select(db.dialect, value, keys, sa.and_(*where), joined, "handled_n", "mean_hours",
                                   {"median_hours": 0.5, "p90_hours": 0.9})

    cols = []
    for m in measures:
        cond = m.where(ctx) if m.where else None
        if m.agg == "count":
            col = sa.func.count() if cond is None else sa.func.sum(sa.case((cond, 1), else_=0))
        elif m.agg == "sum":
            col = sa.func.sum(m.value(ctx) if cond is None else sa.case((cond, m.value(ctx)), else_=0))
        else:
            raise ValueError(f"measure {m.name}: aggregate {m.agg} belongs to the handling source")
        cols.append(col.label(m.name))
    if all(m.where for m in measures):  # rows meeting no measure's condition add nothing: skip them
        where.append(sa.or_(*[m.where(ctx) for m in measures]))
    stmt = sa.select(*(keys or [sa.literal_column("0").label("group_id")]), *cols).select_from(joined)
    if where:
        stmt = stmt.where(*where)
    return stmt.group_by(*keys) if keys else stmt


def aggregate(db: Database, focus: Focus, period: Period, asof: datetime, names: list[str], *,
              groups: list[int] | None = None, grain: str | None = None, by: str | None = None,
              params: dict | None = None) -> pd.DataFrame:
    """Measures and ratios per group (one group, id 0, when `groups` is None), optionally per time
    bucket (`period_start`) and per value of a breakdown dimension (`key`, see DIMENSIONS)."""
    measures, ratios = _expand(names)
    ctx = Ctx(db.schema)
    areas = scoped_areas(db, focus, groups)
    params = {"p_start": period.start_dt, "p_end": period.end_dt, "asof": asof, **(params or {})}

    by_source: dict[str, list] = {}
    for name in measures:
        by_source.setdefault(MEASURES[name].source, []).append(MEASURES[name])
    result = None
    for source, ms in by_source.items():
        frame = db.query(_source_select(db, ctx, source, ms, areas, grain, groups is not None, by), params)
        if "group_id" not in frame:
            frame.insert(0, "group_id", 0)
        frame = frame[[c for c in frame.columns if c in KEYS or c in MEASURES]]
        if result is None:
            result = frame
        else:
            on = [k for k in KEYS if k in frame.columns and k in result.columns]
            result = result.merge(frame, on=on, how="outer")
    return _finish(result, measures, ratios, groups, grain or by)


def _finish(frame: pd.DataFrame, measures: list[str], ratios: list[str], groups, split) -> pd.DataFrame:
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
        if name not in frame:
            frame[name] = np.nan
        col = pd.to_numeric(frame[name].astype(object), errors="coerce").astype(float)
        frame[name] = col.fillna(0).astype("int64") if MEASURES[name].agg in ("count", "sum") else col
    for r in ratios:
        num, den = frame[RATIOS[r].numerator], frame[RATIOS[r].denominator]
        frame[r] = (num / den.where(den > 0)).astype(float)
    return frame
