"""The numbers pages and the command line ask for: a period summary with its comparisons, the
children of an area side by side, and trends. All take the user's scope and check the area first.
"""
from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd

from data_access.db import Database
from metrics.availability import reasons
from metrics.buckets import mark_partial
from metrics.period import Period, bucket_end
from metrics.query import aggregate
from metrics.safety_index import SafetyModel
from metrics.stable_index import StableModel, evaluate_rows
from metrics.scope import AreaTree, Focus, Scope, resolve
from metrics.stats import wilson

SUMMARY_KEYS = ("reported", "filed", "closed", "closure_rate", "on_time_rate", "overdue_open", "mean_hours",
                "median_hours", "p90_hours", "rework_rate", "grid_resolved_rate", "satisfaction_rate",
                "satisfaction_n", "satisfaction_ci_low", "satisfaction_ci_high", "safety_index", "safety_grade")
CORE = ["reported", "filed", "closed", "filing_rate", "closure_rate", "on_time_rate", "overdue_open",
        "handled_n", "mean_hours", "median_hours", "p90_hours", "rework_rate", "grid_resolved_rate",
        "satisfaction_rate"]
TREND = ["reported", "filed", "closed", "pending_n", "closure_rate", "on_time_rate", "satisfaction_rate"]
# The KPI row of 总览 and 周报 (cards, the weekly narrative's figures and both exports), in order.
KPI_ROW = ("reported", "filed", "closure_rate", "on_time_rate", "overdue_open", "mean_hours", "median_hours",
           "satisfaction_rate", "safety_index")


def area_metrics(db: Database, focus: Focus, period: Period, asof: datetime, model: SafetyModel, *,
                 groups: list[int] | None = None, grain: str | None = None, names=CORE,
                 tree: AreaTree | None = None) -> pd.DataFrame:
    """Every summary metric plus the safety index, per group (and time bucket). The stable model
    scores each row on its trailing window (metrics.stable_index); the plain one on the row itself."""
    frame = aggregate(db, focus, period, asof, list(names) + model.measures, groups=groups, grain=grain)
    ci = [wilson(s, n) for s, n in zip(frame["satisfied_n"], frame["satisfaction_n"])]
    frame["satisfaction_ci_low"] = [c[0] for c in ci]
    frame["satisfaction_ci_high"] = [c[1] for c in ci]
    if isinstance(model, StableModel):
        evaluated = evaluate_rows(db, focus, period, asof, model, frame, groups=groups, grain=grain, tree=tree)
    else:
        days = _bucket_days(frame, period, grain)
        evaluated = [model.evaluate(row, d) for row, d in zip(frame.to_dict("records"), days)]
    for key in ("safety_index", "safety_grade", "safety_color", "safety_missing", "safety_parts", "safety_note"):
        frame[key] = [e.get(key) for e in evaluated]
    return frame


def _bucket_days(frame: pd.DataFrame, period: Period, grain: str | None) -> list[int]:
    if not grain:
        return [period.days] * len(frame)
    return [(min(bucket_end(start, grain), period.end) - max(start, period.start)).days
            for start in pd.to_datetime(frame["period_start"]).dt.date]


def _clean(value):
    """JSON-ready scalars: NaN becomes None, numpy numbers become Python numbers."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
        return None if isinstance(value, float) and math.isnan(value) else value
    return value


def record(row, keys=SUMMARY_KEYS) -> dict:
    return {k: _clean(row[k]) for k in keys}


def why_no_data(schema, row) -> dict[str, str]:
    """{metric: why it is 无数据} for the summary's metrics without a value."""
    why = reasons([k for k in SUMMARY_KEYS if k != "safety_index"], schema, row)
    if row.get("safety_note"):  # 样本不足: too few cases in the window to grade (metrics.stable_index)
        why["safety_index"] = row["safety_note"]
    elif _clean(row["safety_index"]) is None:
        missing = row["safety_missing"] or []
        why["safety_index"] = ("以下指标无数据：" + "、".join(missing)) if missing else "所选范围和周期内没有可计算的指标"
    return why


def comparison_periods(period: Period, asof: datetime) -> dict[str, tuple[Period, datetime]]:
    """环比 and 同比 periods, each judged at the same distance after its start as the current one,
    so an earlier period does not look better merely for having had longer to close its cases."""
    out = {}
    for name, other in (("previous", period.previous()), ("last_year", period.last_year())):
        out[name] = (other, asof - (period.start_dt - other.start_dt))
    return out


def summarize(db: Database, *, start: date, end: date, asof: datetime, scope: Scope,
              area_code: str | None = None, model: SafetyModel | None = None, tree: AreaTree | None = None,
              compare: bool = True, detail: bool = False) -> dict:
    """SUMMARY_KEYS for the period, and under `previous` / `last_year` for the comparison periods."""
    model = model or SafetyModel()
    tree = tree or AreaTree.load(db)
    focus = resolve(tree, scope, area_code)
    period = Period(start, end)
    row = area_metrics(db, focus, period, asof, model, tree=tree).iloc[0]
    out = record(row)
    out["why"] = why_no_data(db.schema, row)
    if detail:
        out.update(record(row, ("filing_rate", "handled_n", "safety_missing", "safety_parts", "safety_note")))
    if compare:
        for name, (other, other_asof) in comparison_periods(period, asof).items():
            out[name] = record(area_metrics(db, focus, other, other_asof, model, tree=tree).iloc[0])
    return out


def children_table(db: Database, *, start: date, end: date, asof: datetime, scope: Scope,
                   area_code: str | None = None, model: SafetyModel | None = None,
                   tree: AreaTree | None = None) -> pd.DataFrame:
    """One row per child of the area (per scope root at the top of a multi-area scope)."""
    model = model or SafetyModel()
    tree = tree or AreaTree.load(db)
    focus = resolve(tree, scope, area_code)
    kids = tree.children(focus.single) if focus.single is not None else list(focus.area_ids)
    if not kids:
        return pd.DataFrame(columns=["area_id", "code", "name", "level", *SUMMARY_KEYS])
    frame = area_metrics(db, focus, Period(start, end), asof, model, groups=kids, tree=tree)
    info = tree.frame.loc[kids, ["code", "name", "level"]].rename_axis("area_id").reset_index()
    return info.merge(frame.rename(columns={"group_id": "area_id"}), on="area_id", how="left")


def trend(db: Database, *, start: date, end: date, asof: datetime, scope: Scope, area_code: str | None = None,
          grain: str = "day", model: SafetyModel | None = None, tree: AreaTree | None = None) -> pd.DataFrame:
    """Metrics per day / week / month bucket of the period (buckets without events are absent); the
    bucket still running at `asof` is `partial`, with counts and no rates (metrics/buckets.py)."""
    model = model or SafetyModel()
    tree = tree or AreaTree.load(db)
    focus = resolve(tree, scope, area_code)
    period = Period(start, end)
    frame = area_metrics(db, focus, period, asof, model, grain=grain, names=TREND, tree=tree)
    return mark_partial(frame.drop(columns=["group_id"]), period, asof, grain)
