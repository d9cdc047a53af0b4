"""What the 指挥大屏 (wall display) needs beyond the period summary: today against the same time
yesterday, the hot spots of the last hours, today's volume hour by hour, and case lists without a
single personal column.

Every function has the signature of the other metrics (db, *, start, end, asof, scope, area_code,
tree, …), checks the area against the scope first and aggregates in the database. "Today" is the
as-of time's calendar day, whatever the period: the wall's clock decides what today is.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import sqlalchemy as sa

from data_access.db import Database
from metrics.cases import case_select, finish_cases
from metrics.definitions import MEASURES, Ctx
from metrics.dialect import hour_of_day
from metrics.labels import STATUS_NAMES, UNKNOWN_CATEGORY
from metrics.period import Window
from metrics.query import aggregate
from metrics.scope import AreaTree, Scope, focus_for, in_scope
from metrics.stats import whole

HOT_BY = ("grid", "category")
# The wall's "today" figures: declared measures over today's window, under the wall's keys.
TODAY = {"reported": "reported", "closed_in_p": "closed", "overdue_open": "overdue_open"}


def _day_start(t: datetime) -> datetime:
    return datetime.combine(t.date(), datetime.min.time())


def _window_counts(db: Database, focus, t: datetime) -> dict:
    """From 00:00 of t's day up to t: reported, closed (whenever reported), and 超期未结 at t."""
    frame = aggregate(db, focus, Window(_day_start(t), t, inclusive_end=True), t, list(TODAY))
    return {key: whole(frame.iloc[0][measure]) for measure, key in TODAY.items()}


def day_counts(db: Database, *, start: date, end: date, asof: datetime, scope: Scope, area_code: str | None = None,
               tree: AreaTree | None = None) -> dict:
    """今日上报 (reported from 00:00 to T), 今日结案 (closed from 00:00 to T, whenever reported) and
    超期未结 at T; under `previous` the same for yesterday up to the same clock time (T − 1 day)."""
    tree, focus = focus_for(db, tree, scope, area_code)
    out = _window_counts(db, focus, asof)
    out["previous"] = _window_counts(db, focus, asof - timedelta(days=1))
    return out


def hot_spots(db: Database, *, start: date, end: date, asof: datetime, scope: Scope, area_code: str | None = None,
              tree: AreaTree | None = None, by: str = "grid", hours: int = 24, limit: int = 5) -> pd.DataFrame:
    """The grids (by="grid") or event categories (by="category") with the most events reported in
    the `hours` before T: columns key (code), label (name), events; most first, at most `limit`."""
    if by not in HOT_BY:
        raise ValueError(f"hot spots by {by!r}: expected one of {HOT_BY}")
    tree, focus = focus_for(db, tree, scope, area_code)
    ctx = Ctx(db.schema)
    e, a = ctx.e, db.schema.table("areas")
    n = sa.func.count().label("events")
    if by == "grid":
        key, label = a.c.code, a.c.name
        joined = e.join(a, e.c.grid_id == a.c.id)
    else:
        key, label = e.c.category_code, ctx.cat.c.name
        joined = e.outerjoin(ctx.cat, e.c.category_code == ctx.cat.c.code)
    stmt = (sa.select(key.label("key"), label.label("label"), n).select_from(joined)
            .where(in_scope(db, e.c.grid_id, focus),
                   e.c.reported_at > sa.bindparam("since", type_=sa.DateTime), e.c.reported_at <= ctx.asof)
            .group_by(key, label).order_by(sa.desc("events"), key).limit(limit))
    got = db.query(stmt, {"asof": asof, "since": asof - timedelta(hours=hours)})
    got["events"] = got["events"].astype("int64")
    got["label"] = [UNKNOWN_CATEGORY if pd.isna(v) else str(v) for v in got["label"]]
    got["key"] = [None if pd.isna(v) else str(v) for v in got["key"]]
    return got.reset_index(drop=True)


def hourly(db: Database, *, start: date, end: date, asof: datetime, scope: Scope, area_code: str | None = None,
           tree: AreaTree | None = None) -> pd.DataFrame:
    """Events reported per hour of the day: `today` (up to T; later hours are missing, not 0) and
    `yesterday` (the whole day). One row per hour 0–23."""
    tree, focus = focus_for(db, tree, scope, area_code)
    ctx = Ctx(db.schema)
    e = ctx.e.c
    today0 = sa.bindparam("today0", type_=sa.DateTime)
    hour = hour_of_day(e.reported_at)
    is_today = e.reported_at >= today0
    stmt = (sa.select(hour.label("hour"), sa.func.sum(sa.case((is_today, 1), else_=0)).label("today"),
                      sa.func.sum(sa.case((is_today, 0), else_=1)).label("yesterday"))
            .where(in_scope(db, e.grid_id, focus),
                   e.reported_at >= sa.bindparam("yesterday0", type_=sa.DateTime), e.reported_at <= ctx.asof)
            .group_by(hour))
    t0 = _day_start(asof)
    got = db.query(stmt, {"asof": asof, "today0": t0, "yesterday0": t0 - timedelta(days=1)})
    frame = pd.DataFrame({"hour": range(24)}).merge(got.astype(float), on="hour", how="left")
    frame["hour"] = frame["hour"].astype(int)
    frame[["today", "yesterday"]] = frame[["today", "yesterday"]].fillna(0).astype(float)
    frame.loc[frame["hour"] > asof.hour, "today"] = float("nan")  # the future has no count yet
    return frame


def overdue_list(db: Database, *, start: date, end: date, asof: datetime, scope: Scope, area_code: str | None = None,
                 tree: AreaTree | None = None, limit: int = 8) -> pd.DataFrame:
    """超期未结 at T, longest overdue first, with no personal column at all (the wall's list; the
    events page uses metrics.cases.overdue_cases, which masks them). The period does not apply."""
    tree, focus = focus_for(db, tree, scope, area_code)
    ctx = Ctx(db.schema)
    e = ctx.e.c
    stmt = (case_select(db, ctx, focus, personal=False)
            .where(MEASURES["overdue_open"].where(ctx))
            .order_by(e.deadline_at, e.id).limit(limit))
    return _as_at(finish_cases(db, db.query(stmt, {"asof": asof}), asof, unmasked=False), asof)


def _as_at(frame: pd.DataFrame, asof: datetime) -> pd.DataFrame:
    """The status as it was at T: a case closed after T was still being handled then (this matters
    only for a link pinned to an earlier as-of time)."""
    later = frame["closed_at"] > pd.Timestamp(asof)
    frame.loc[later, "status"] = STATUS_NAMES["processing"]
    frame.loc[later, "closed_at"] = pd.NaT
    return frame


def newest_list(db: Database, *, start: date, end: date, asof: datetime, scope: Scope, area_code: str | None = None,
                tree: AreaTree | None = None, hours: int = 72, limit: int = 8) -> pd.DataFrame:
    """The latest reports in the `hours` before T, newest first, with no personal column at all."""
    tree, focus = focus_for(db, tree, scope, area_code)
    ctx = Ctx(db.schema)
    e = ctx.e.c
    stmt = (case_select(db, ctx, focus, personal=False)
            .where(e.reported_at > sa.bindparam("since", type_=sa.DateTime), e.reported_at <= ctx.asof)
            .order_by(e.reported_at.desc(), e.id.desc()).limit(limit))
    frame = db.query(stmt, {"asof": asof, "since": asof - timedelta(hours=hours)})
    return _as_at(finish_cases(db, frame, asof, unmasked=False), asof)
