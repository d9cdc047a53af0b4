"""Lists of individual cases (overdue, newest, one worker's): few rows, scoped, personal data masked.

These are the only queries that return rows rather than aggregates, so each is capped by `limit`.
"""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa

from data_access.db import Database
from metrics.definitions import MEASURES, Ctx
from metrics.labels import NOT_RECORDED, SOURCE_NAMES, STATUS_NAMES, name_of
from metrics.period import Period
from metrics.privacy import mask_frame
from metrics.scope import AreaTree, Scope, focus_for, in_scope

PERSONAL = ("address", "reporter_name", "reporter_phone", "description")


def case_select(db: Database, ctx: Ctx, focus, *, personal: bool) -> sa.Select:
    e, a = ctx.e, db.schema.table("areas")
    cols = [e.c.id.label("id"), e.c.case_no.label("case_no"), a.c.name.label("grid"), a.c.code.label("grid_code"),
            ctx.cat.c.name.label("category"), e.c.source.label("source"), e.c.status.label("status"),
            e.c.reported_at.label("reported_at"), e.c.deadline_at.label("deadline_at"),
            e.c.closed_at.label("closed_at")]
    if personal:
        cols += [e.c[c].label(c) for c in PERSONAL]
    return (sa.select(*cols)
            .select_from(e.outerjoin(ctx.cat, e.c.category_code == ctx.cat.c.code).join(a, e.c.grid_id == a.c.id))
            .where(in_scope(db, e.c.grid_id, focus)))


def name_codes(db: Database, frame: pd.DataFrame) -> pd.DataFrame:
    """Status and source in Chinese (the platform's codes through the mapping), times as timestamps."""
    smap = db.schema.map
    for col, names in (("status", STATUS_NAMES), ("source", SOURCE_NAMES)):
        frame[col] = [name_of(names, smap.canonical_value("events", col, v), NOT_RECORDED) for v in frame[col]]
    for col in ("reported_at", "deadline_at", "closed_at"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


def finish_cases(db: Database, frame: pd.DataFrame, asof: datetime, unmasked: bool) -> pd.DataFrame:
    frame = name_codes(db, frame)
    frame["overdue_hours"] = ((pd.Timestamp(asof) - frame["deadline_at"]).dt.total_seconds() / 3600).round(1)
    if unmasked:
        return frame
    # Free text can name people: a masked list leaves it out rather than half-hiding it.
    return mask_frame(frame).drop(columns=["description"], errors="ignore")


def overdue_cases(db: Database, *, start: date, end: date, asof: datetime, scope: Scope, area_code: str | None = None,
                  tree: AreaTree | None = None, limit: int = 200, unmasked: bool = False) -> pd.DataFrame:
    """超期未结 at T, longest overdue first (the period does not apply: overdue is overdue)."""
    tree, focus = focus_for(db, tree, scope, area_code)
    ctx = Ctx(db.schema)
    e = ctx.e.c
    stmt = (case_select(db, ctx, focus, personal=True)
            .where(MEASURES["overdue_open"].where(ctx))  # the one definition of 超期未结
            .order_by(e.deadline_at, e.id).limit(limit))
    return finish_cases(db, db.query(stmt, {"asof": asof}), asof, unmasked)


def newest_cases(db: Database, *, start: date, end: date, asof: datetime, scope: Scope, area_code: str | None = None,
                 tree: AreaTree | None = None, limit: int = 20, personal: bool = False) -> pd.DataFrame:
    """The latest reports up to T; without personal columns unless asked (the wall display never asks)."""
    tree, focus = focus_for(db, tree, scope, area_code)
    ctx = Ctx(db.schema)
    e = ctx.e.c
    stmt = (case_select(db, ctx, focus, personal=personal)
            .where(e.reported_at <= ctx.asof, e.reported_at >= sa.bindparam("p_start"))
            .order_by(e.reported_at.desc(), e.id.desc()).limit(limit))
    frame = db.query(stmt, {"asof": asof, "p_start": Period(start, end).start_dt})
    return finish_cases(db, frame, asof, unmasked=False)
