"""One grid worker's record (docs/metrics.md: 网格员绩效): day-by-day field work and reports
in the period, and the cases the worker reported. Aggregated in SQL; the worker's name comes back masked.

A worker is visible when their post (workers.area_id) lies under the focus, as in `worker_table`. Their
field work and reports count wherever they happened inside the user's scope, also as in `worker_table`,
so the days here add up to the table's 走访户次, 巡查天数 and 上报数.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
import sqlalchemy as sa

from data_access.db import Database
from data_access.errors import ScopeDenied
from metrics.cases import case_select, finish_cases
from metrics.definitions import Ctx
from metrics.period import Period
from metrics.query import aggregate
from metrics.privacy import mask_name
from metrics.scope import AreaTree, Focus, Scope, focus_for, in_scope

DAILY = {"visited": "visits", "visits_n": "visit_count", "patrols_n": "patrols", "reported": "reports",
         "filed": "filed"}  # declared measure → column of the daily table


@dataclass(frozen=True)
class WorkerActivity:
    worker: dict          # worker_id, name (masked), role and employment (canonical codes), active, area_id
    daily: pd.DataFrame   # one row per day of P: day, visits (户次), visit_count, patrols, reports, filed
    cases: pd.DataFrame   # the worker's reports in P, newest first (no personal columns)


def worker_activity(db: Database, *, start: date, end: date, asof: datetime, scope: Scope,
                    area_code: str | None = None, tree: AreaTree | None = None, worker_id: int,
                    limit: int = 200) -> WorkerActivity:
    """Raises ScopeDenied when the worker does not exist or is not posted under the focus."""
    tree, focus = focus_for(db, tree, scope, area_code)
    period = Period(start, end)
    worker = _worker(db, focus, int(worker_id))
    allowed = focus.whole_scope()  # where their work counts: the whole scope
    params = {"worker_id": int(worker_id), "p_start": period.start_dt, "p_end": period.end_dt, "asof": asof}
    daily = _daily(db, allowed, period, params)
    ctx = Ctx(db.schema)
    e = ctx.e.c
    stmt = (case_select(db, ctx, allowed, personal=False)
            .where(e.reporter_worker_id == sa.bindparam("worker_id"), *_in_p(e.reported_at))
            .order_by(e.reported_at.desc(), e.id.desc()).limit(limit))
    cases = finish_cases(db, db.query(stmt, params), asof, unmasked=False)
    return WorkerActivity(worker, daily, cases)


def _in_p(ts) -> tuple:
    return (ts >= sa.bindparam("p_start", type_=sa.DateTime), ts < sa.bindparam("p_end", type_=sa.DateTime))


def _worker(db: Database, focus: Focus, worker_id: int) -> dict:
    w = db.schema.table("workers")
    stmt = (sa.select(w.c.id.label("worker_id"), w.c.name.label("name"), w.c.role.label("role"),
                      w.c.employment.label("employment"), w.c.active.label("active"), w.c.area_id.label("area_id"))
            .where(w.c.id == sa.bindparam("worker_id"), in_scope(db, w.c.area_id, focus)))
    found = db.query(stmt, {"worker_id": worker_id})
    if found.empty:
        raise ScopeDenied(f"无权查看网格员 {worker_id}，或该网格员不在所选区域")
    row = found.iloc[0].to_dict()
    smap = db.schema.map
    return {"worker_id": int(row["worker_id"]), "name": mask_name(row["name"]),
            "role": smap.canonical_value("workers", "role", row["role"]),
            "employment": smap.canonical_value("workers", "employment", row["employment"]),
            "active": None if pd.isna(row["active"]) else bool(row["active"]), "area_id": int(row["area_id"])}


def _daily(db: Database, allowed: Focus, period: Period, params: dict) -> pd.DataFrame:
    """The worker's declared measures per day of the period, every day present (0 where nothing)."""
    got = aggregate(db, allowed, period, params["asof"], list(DAILY), grain="day", only={"worker": params["worker_id"]})
    got = got.rename(columns={"period_start": "day", **DAILY})
    days = pd.DataFrame({"day": pd.to_datetime([period.start + timedelta(days=i) for i in range(period.days)])})
    days = days.merge(got[["day", *DAILY.values()]], on="day", how="left")
    for col in DAILY.values():
        days[col] = days[col].fillna(0).astype("int64")
    return days
