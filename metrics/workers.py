"""网格员绩效 (docs/metrics.md: 网格员绩效): per-worker measures, a weighted 0–100 score, grades A–E and ranks."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Mapping

import numpy as np
import pandas as pd
import sqlalchemy as sa

from data_access.db import Database
from data_access.errors import ConfigError
from metrics.period import Period
from metrics.availability import attributable
from metrics.query import aggregate
from metrics.scope import AreaTree, Scope, in_scope, resolve

COMPONENTS = {  # component → what it measures (each scaled to 0–1 before weighting)
    "visits": "走访户次 / (每日目标 × 工作日)",
    "patrol_days": "巡查天数 / 工作日",
    "valid_report": "有效上报率",
    "verify_on_time": "按时核实率",
    "grid_on_time": "所在网格按期结案率",
    "grid_satisfaction": "所在网格群众满意率",
}
GRADES = ((90, "A"), (75, "B"), (60, "C"), (40, "D"), (-np.inf, "E"))
OWN_WORK = {"reported": "reported", "filed": "filed", "visited": "visits", "patrol_days": "patrol_days"}  # measure → column


@dataclass(frozen=True)
class WorkerModel:
    weights: Mapping[str, float] = field(default_factory=lambda: {
        "visits": 0.25, "patrol_days": 0.15, "valid_report": 0.15, "verify_on_time": 0.15,
        "grid_on_time": 0.15, "grid_satisfaction": 0.15})
    visits_per_day: float = 15.0
    verify_minutes: int = 30

    @classmethod
    def from_config(cls, section: Mapping[str, Any] | None) -> "WorkerModel":
        section = section or {}
        model = cls()
        weights = dict(section.get("weights", model.weights))
        for k, w in weights.items():
            if k not in COMPONENTS:
                raise ConfigError(f"worker_score.weights.{k}", "one of " + ", ".join(COMPONENTS))
            if isinstance(w, bool) or not isinstance(w, (int, float)) or w < 0:
                raise ConfigError(f"worker_score.weights.{k}", "a number ≥ 0", w)
        if not any(weights.values()):
            raise ConfigError("worker_score.weights", "at least one positive weight")
        per_day = section.get("visits_per_day", model.visits_per_day)
        minutes = section.get("verify_minutes", model.verify_minutes)
        if per_day <= 0:
            raise ConfigError("worker_score.visits_per_day", "a positive number", per_day)
        if minutes <= 0:
            raise ConfigError("worker_score.verify_minutes", "a positive number of minutes", minutes)
        return cls(weights, float(per_day), int(minutes))


def working_days(period: Period) -> int:
    return sum(1 for i in range(period.days) if (period.start + timedelta(days=i)).weekday() < 5)


def grade(score: float | None) -> str | None:
    if score is None or np.isnan(score):
        return None
    return next(g for minimum, g in GRADES if score >= minimum)


def _per_worker(db: Database, focus, period: Period, asof: datetime) -> pd.DataFrame:
    """Workers of the area with their own reports and field work (the declared measures, grouped by
    worker in SQL)."""
    w = db.schema.table("workers")
    stmt = (sa.select(w.c.id.label("worker_id"), w.c.area_id.label("area_id"), w.c.name.label("name"),
                      w.c.role.label("role"), w.c.employment.label("employment"), w.c.active.label("active"))
            .where(in_scope(db, w.c.area_id, focus)))
    frame = db.query(stmt)
    # A worker's reports and field work count wherever they happened inside the user's scope, so the
    # numbers do not change with the drill level; rows of unknown grids or outside the scope never count.
    allowed = focus.whole_scope()
    work = aggregate(db, allowed, period, asof, list(OWN_WORK), by="worker")
    if "key" not in work:  # no measure can be attributed to a worker on this platform
        work["key"] = pd.Series(dtype="float64")
    work = work.dropna(subset=["key"]).astype({"key": "int64"}).rename(columns={"key": "worker_id", **OWN_WORK})
    frame = frame.merge(work.drop(columns=["group_id"]), on="worker_id", how="left", indicator=True)
    idle = frame.pop("_merge") == "left_only"  # no row of theirs in the period: 0, where the platform says whose rows are
    for measure, col in OWN_WORK.items():
        if attributable(measure, db.schema):
            frame[col] = frame[col].astype(float).where(~idle, 0)
            if frame[col].notna().all():
                frame[col] = frame[col].astype("int64")
    for col, table in (("role", "workers"), ("employment", "workers")):
        frame[col] = [db.schema.map.canonical_value(table, col, v) for v in frame[col]]
    return frame


def worker_table(db: Database, *, start, end, asof: datetime, scope: Scope, area_code: str | None = None,
                 model: WorkerModel | None = None, tree: AreaTree | None = None) -> pd.DataFrame:
    """One row per worker of the area: measures, components, score, grade and ranks."""
    model = model or WorkerModel()
    tree = tree or AreaTree.load(db)
    focus = resolve(tree, scope, area_code)
    period = Period(start, end)
    frame = _per_worker(db, focus, period, asof)
    if frame.empty:
        return frame
    area_ids = sorted(int(a) for a in frame["area_id"].unique())
    grid = aggregate(db, focus, period, asof, ["on_time_rate", "satisfaction_rate", "verify_rate", "households"],
                     groups=area_ids, params={"verify_hours": model.verify_minutes / 60})
    frame = frame.merge(grid.rename(columns={"group_id": "area_id"}), on="area_id", how="left")
    days = working_days(period)
    frame["working_days"] = days
    comps = pd.DataFrame({
        "visits": (frame["visits"] / (model.visits_per_day * days)).clip(upper=1) if days else np.nan,
        "patrol_days": (frame["patrol_days"] / days).clip(upper=1) if days else np.nan,
        "valid_report": (frame["filed"] / frame["reported"].where(frame["reported"] > 0)),
        "verify_on_time": frame["verify_rate"],
        "grid_on_time": frame["on_time_rate"],
        "grid_satisfaction": frame["satisfaction_rate"],
    }).astype(float)
    weights = pd.Series({k: float(model.weights.get(k, 0)) for k in COMPONENTS})
    present = comps.notna()
    total_w = present.mul(weights).sum(axis=1)
    frame["score"] = (comps.fillna(0).mul(weights).sum(axis=1) / total_w.where(total_w > 0) * 100)
    frame["grade"] = [grade(s) for s in frame["score"]]
    for k in COMPONENTS:
        frame[f"c_{k}"] = comps[k]
    frame["valid_report_rate"] = comps["valid_report"]
    frame["households_per_worker"] = households_per_full_time_worker(frame, db.schema)
    street = {a: _street_of(tree, int(a)) for a in area_ids}
    frame["street_id"] = frame["area_id"].map(street)
    frame["rank_in_role"] = frame.groupby("role")["score"].rank(ascending=False, method="min")
    frame["rank_in_street"] = frame.groupby(["street_id", "role"])["score"].rank(ascending=False, method="min")
    return frame.sort_values(["role", "rank_in_role", "worker_id"]).reset_index(drop=True)


def households_per_full_time_worker(frame: pd.DataFrame, schema) -> pd.Series:
    """The norm is a grid of 300–500 households with one full-time grid worker (专职网格员), so each row
    gets its area's households over the area's active full-time 网格员; part-time helpers (兼职) do not
    count. NaN where the area has none, and everywhere when the platform does not record employment."""
    if schema.absent("workers", "employment"):
        return pd.Series(np.nan, index=frame.index)
    full_time = frame[(frame["role"] == "grid_worker") & (frame["employment"] == "full_time")
                      & frame["active"].fillna(False).astype(bool)]
    return frame["households"] / frame["area_id"].map(full_time.groupby("area_id")["worker_id"].count())


def _street_of(tree: AreaTree, area_id: int) -> int | None:
    for a in tree.ancestors(area_id):
        if tree.frame.at[a, "level"] == "street":
            return a
    return None
