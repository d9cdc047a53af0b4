"""事件办结 extras: the level that resolved each closed case (小事不出网格).

Same row set as `grid_resolved_rate` (docs/metrics.md): events reported in P, in scope, closed by T. The
`grid` row's share is that rate; the other rows say where the rest went.
"""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa

from data_access.db import Database
from metrics.definitions import Ctx
from metrics.labels import LEVEL_NAMES, NOT_RECORDED
from metrics.period import Period
from metrics.scope import AreaTree, Scope, focus_for, in_scope

LEVELS = ("grid", "community", "street", "district")


def resolution_levels(db: Database, *, start: date, end: date, asof: datetime, scope: Scope,
                      area_code: str | None = None, tree: AreaTree | None = None) -> pd.DataFrame:
    """Closed cases of the period per resolving level: `level` (canonical, None when not recorded),
    `label`, `closed`, `share` of all closed (None when nothing closed). The four levels always
    appear, grid first; a row for cases without a level only when there are some."""
    tree, focus = focus_for(db, tree, scope, area_code)
    ctx = Ctx(db.schema)
    e = ctx.e.c
    stmt = (sa.select(e.resolved_level.label("level"), sa.func.count().label("closed"))
            .where(in_scope(db, e.grid_id, focus),
                   e.reported_at >= sa.bindparam("p_start", type_=sa.DateTime),
                   e.reported_at < sa.bindparam("p_end", type_=sa.DateTime), ctx.closed())
            .group_by(e.resolved_level))
    period = Period(start, end)
    got = db.query(stmt, {"p_start": period.start_dt, "p_end": period.end_dt, "asof": asof})
    counts: dict = {}
    for real, n in zip(got["level"], got["closed"]):
        canon = None if pd.isna(real) else db.schema.map.canonical_value("events", "resolved_level", real)
        key = canon if canon in LEVELS else None  # an unknown code counts as not recorded
        counts[key] = counts.get(key, 0) + int(n)
    keys = list(LEVELS) + ([None] if counts.get(None) else [])
    closed = [counts.get(k, 0) for k in keys]
    total = sum(closed)
    return pd.DataFrame({"level": keys, "label": [LEVEL_NAMES[k] if k else NOT_RECORDED for k in keys],
                         "closed": closed, "share": [c / total if total else None for c in closed]})
