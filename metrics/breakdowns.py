"""Events and surveys broken down by category, source, time of day, and across child areas."""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa

from data_access.db import Database
from metrics.definitions import Ctx, handling_hours
from metrics.labels import DIMENSION_NAMES, NO_CATEGORY, SOURCE_NAMES, UNKNOWN_CATEGORY, WEEKDAY_NAMES, name_of
from metrics.period import Period
from metrics.query import aggregate
from metrics.stats import whole
from metrics.scope import AreaTree, Scope, child_groups, focus_for, in_scope

FUNNEL = (("reported", "上报"), ("filed", "立案"), ("dispatched", "派遣"), ("closed", "结案"))
# Handling-time bins in hours: fixed edges read better than equal widths on a long-tailed duration.
HOUR_BINS = (0, 2, 4, 8, 12, 24, 48, 72, 168)


def category_names(db: Database) -> dict:
    c = db.schema.table("event_categories")
    frame = db.query(sa.select(c.c.code.label("code"), c.c.name.label("name")))
    return dict(zip(frame["code"], frame["name"]))


SURVEY_MEASURES = {"satisfaction_rate", "satisfaction_n", "satisfied_n"}


def _labels(db: Database, by: str, keys: pd.Series, missing: str = NO_CATEGORY) -> list[str]:
    """Chinese labels of breakdown keys; `missing` names a key the data lacks (an unknown category
    for events, a survey without an event)."""
    canon = {"dimension": ("event_categories", "dimension"), "source": ("events", "source")}
    if by in canon:
        table, column = canon[by]
        names = DIMENSION_NAMES if by == "dimension" else SOURCE_NAMES
        values = [db.schema.map.canonical_value(table, column, k) for k in keys]
        return [name_of(names, v, missing) for v in values]
    if by == "category":
        names = category_names(db)
        return [missing if pd.isna(k) else names.get(k, str(k)) for k in keys]
    if by == "weekday":
        return [WEEKDAY_NAMES.get(int(k), str(k)) for k in keys]
    if by == "hour":
        return [f"{int(k):02d}时" for k in keys]
    return [str(k) for k in keys]


def breakdown(db: Database, *, start: date, end: date, asof: datetime, scope: Scope, area_code: str | None = None,
              tree: AreaTree | None = None, by: str, names: tuple = ("reported", "filed", "closed", "closure_rate",
                                                                    "on_time_rate"), per_child: bool = False) -> pd.DataFrame:
    """One row per value of `by` (and per child area with per_child): `key`, `label`, the metrics."""
    tree, focus = focus_for(db, tree, scope, area_code)
    groups = child_groups(tree, focus) if per_child else None
    if per_child and not groups:
        return pd.DataFrame(columns=["key", "label", *names])
    frame = aggregate(db, focus, Period(start, end), asof, list(names), groups=groups, by=by)
    if "key" not in frame:  # nothing in the period
        return pd.DataFrame(columns=["key", "label", *names])
    frame = frame.dropna(subset=["key"]) if by in ("hour", "weekday", "weekday_hour") else frame
    frame["label"] = _labels(db, by, frame["key"], NO_CATEGORY if SURVEY_MEASURES & set(names) else UNKNOWN_CATEGORY)
    if per_child:
        info = tree.frame.loc[groups, ["code", "name"]].rename_axis("group_id").reset_index()
        frame = info.merge(frame, on="group_id", how="right")
    return frame.reset_index(drop=True)


def funnel(db: Database, *, start: date, end: date, asof: datetime, scope: Scope, area_code: str | None = None,
           tree: AreaTree | None = None) -> pd.DataFrame:
    """上报 → 立案 → 派遣 → 结案, each stage's count and its share of the reports."""
    tree, focus = focus_for(db, tree, scope, area_code)
    row = aggregate(db, focus, Period(start, end), asof, [k for k, _ in FUNNEL]).iloc[0]
    counts = [whole(row[k]) for k, _ in FUNNEL]  # None: a stage the platform does not record
    return pd.DataFrame({"stage": [label for _, label in FUNNEL], "measure": [k for k, _ in FUNNEL], "count": counts,
                         "share": [c / counts[0] if counts[0] and c is not None else None for c in counts]})


def handling_histogram(db: Database, *, start: date, end: date, asof: datetime, scope: Scope,
                       area_code: str | None = None, tree: AreaTree | None = None) -> pd.DataFrame:
    """Closed cases of the period by handling time (上报→结案) in the bins of HOUR_BINS."""
    tree, focus = focus_for(db, tree, scope, area_code)
    ctx = Ctx(db.schema)
    e = ctx.e
    hours = handling_hours(ctx)
    bucket = sa.case(*[(hours < hi, i) for i, hi in enumerate(HOUR_BINS[1:])], else_=len(HOUR_BINS) - 1)
    stmt = (sa.select(bucket.label("bin"), sa.func.count().label("count"))
            .where(in_scope(db, e.c.grid_id, focus), e.c.reported_at >= sa.bindparam("p_start"),
                   e.c.reported_at < sa.bindparam("p_end"), ctx.closed(), e.c.closed_at >= e.c.reported_at)
            .group_by(bucket))
    period = Period(start, end)
    got = db.query(stmt, {"p_start": period.start_dt, "p_end": period.end_dt, "asof": asof})
    counts = dict(zip(got["bin"].astype(int), got["count"].astype(int))) if not got.empty else {}
    labels = [f"{lo}–{hi}小时" for lo, hi in zip(HOUR_BINS, HOUR_BINS[1:])] + [f"{HOUR_BINS[-1]}小时以上"]
    return pd.DataFrame({"bin": labels, "low": list(HOUR_BINS), "count": [counts.get(i, 0) for i in range(len(labels))]})

