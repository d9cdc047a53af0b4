"""What the 平安指数 map draws: area outlines or positions and event density, both scoped and aggregated in SQL."""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa

from data_access.db import Database
from metrics.period import Period
from metrics.scope import AreaTree, Scope, child_groups, focus_for, in_scope

DEFAULT_CELL = 0.005  # degrees: about 450 m × 550 m around lat 36.6


def area_shapes(db: Database, *, start: date, end: date, asof: datetime, scope: Scope, area_code: str | None = None,
                tree: AreaTree | None = None) -> pd.DataFrame:
    """Outlines (GeoJSON text) and lon/lat of the children of the area, or of the area itself when
    it has none (a grid). Any of them may be missing: a map draws an area without an outline at its
    coordinates."""
    tree, focus = focus_for(db, tree, scope, area_code)
    ids = child_groups(tree, focus) or list(focus.area_ids)
    a = db.schema.table("areas")
    stmt = (sa.select(a.c.id.label("area_id"), a.c.code.label("code"), a.c.name.label("name"),
                      a.c.lon.label("lon"), a.c.lat.label("lat"), a.c.boundary.label("boundary"))
            .where(a.c.id.in_(sa.bindparam("ids", ids, expanding=True)), in_scope(db, a.c.id, focus))
            .order_by(a.c.code))
    return db.query(stmt)


def event_density(db: Database, *, start: date, end: date, asof: datetime, scope: Scope, area_code: str | None = None,
                  tree: AreaTree | None = None, box: tuple[float, float, float, float] = (-180, -90, 180, 90),
                  cell: float = DEFAULT_CELL) -> pd.DataFrame:
    """Events reported in the period counted per lon/lat cell; coordinates outside `box` (the
    configured city box: lon_min, lat_min, lon_max, lat_max) are bad rows and left out."""
    tree, focus = focus_for(db, tree, scope, area_code)
    e = db.schema.table("events")
    size = sa.bindparam("cell", cell, type_=sa.Double)  # one parameter, so SELECT and GROUP BY match
    ix, iy = sa.func.floor(e.c.lon / size), sa.func.floor(e.c.lat / size)
    stmt = (sa.select(ix.label("ix"), iy.label("iy"), sa.func.count().label("events"))
            .where(in_scope(db, e.c.grid_id, focus),
                   e.c.reported_at >= sa.bindparam("p_start"), e.c.reported_at < sa.bindparam("p_end"),
                   e.c.lon.between(box[0], box[2]), e.c.lat.between(box[1], box[3]))
            .group_by(ix, iy))
    period = Period(start, end)
    got = db.query(stmt, {"p_start": period.start_dt, "p_end": period.end_dt})
    return pd.DataFrame({"lon": (got["ix"].astype(float) + 0.5) * cell, "lat": (got["iy"].astype(float) + 0.5) * cell,
                         "events": got["events"].astype(int)})
