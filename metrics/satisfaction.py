"""群众满意度: the rate with its Wilson interval and n, its change in percentage points against the
previous period (环比) and the same period a year earlier (同比) with a two-proportion z-test, per
area, per child, per grid and per event category.

Every number comes from SQL aggregates (satisfied_n, satisfaction_n per group); Python only divides,
builds intervals and tests the counts.
"""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from data_access.db import Database
from metrics.breakdowns import breakdown
from metrics.buckets import mark_partial
from metrics.period import Period
from metrics.query import aggregate
from metrics.scope import AreaTree, Focus, Scope, child_groups, focus_for
from metrics.stats import change, rate, two_proportion_p, whole, wilson
from metrics.summary import comparison_periods

ALPHA = 0.05  # a change is significant when the two-proportion z-test gives p < ALPHA
MIN_N = 10  # a grid enters the "worst" ranking only with at least this many valid answers
NAMES = ("satisfied_n", "satisfaction_n")
COMPARISONS = (("previous", ""), ("last_year", "yoy_"))  # comparison period → column prefix
FLOATS = ("satisfaction_rate", "satisfaction_ci_low", "satisfaction_ci_high", "previous_rate", "change_pp", "p_value",
          "last_year_rate", "yoy_change_pp", "yoy_p_value")


def _floats(frame: pd.DataFrame) -> pd.DataFrame:
    """Rates, intervals, changes and p-values as floats (NaN = 无数据) whatever the mix of None."""
    for col in FLOATS:
        if col in frame:
            frame[col] = pd.to_numeric(frame[col].astype(object), errors="coerce").astype(float)
    return frame


def compare(x1: int, n1: int, x2: int, n2: int) -> dict:
    """Current x1/n1 against earlier x2/n2: change in pp, two-sided p, significant at ALPHA.

    Without data on either side all three are None. When the pooled rate is 0 or 1 both rates are
    equal (a change of 0 pp): the test cannot be computed (p None) and the change is not significant."""
    delta = change(rate(x1, n1), rate(x2, n2), is_rate=True)
    if delta is None:
        return {"change_pp": None, "p_value": None, "significant": None}
    p = two_proportion_p(x1, n1, x2, n2)
    return {"change_pp": delta, "p_value": p, "significant": p is not None and p < ALPHA}


def _describe(x: int, n: int) -> dict:
    low, high = wilson(x, n)
    return {"satisfied_n": x, "satisfaction_n": n, "satisfaction_rate": rate(x, n),
            "satisfaction_ci_low": low, "satisfaction_ci_high": high}


def _counts(db: Database, focus: Focus, period: Period, asof: datetime, groups: list[int] | None) -> dict:
    frame = aggregate(db, focus, period, asof, list(NAMES), groups=groups)
    return {int(g): (whole(x), whole(n)) for g, x, n in zip(frame["group_id"], frame["satisfied_n"],
                                                          frame["satisfaction_n"])}


def _compared(db: Database, focus: Focus, start: date, end: date, asof: datetime,
              groups: list[int] | None) -> list[dict]:
    """One dict per group (group 0 without groups): the current counts, rate and interval, and for
    each comparison period its counts and rate plus change_pp / p_value / significant."""
    period = Period(start, end)
    current = _counts(db, focus, period, asof, groups)
    earlier = {name: _counts(db, focus, other, other_asof, groups)
               for name, (other, other_asof) in comparison_periods(period, asof).items()}
    rows = []
    for g, (x, n) in current.items():
        row = {"group_id": g, **_describe(x, n)}
        for name, prefix in COMPARISONS:
            x2, n2 = earlier[name].get(g, (0, 0))
            row.update({f"{name}_satisfied_n": x2, f"{name}_n": n2, f"{name}_rate": rate(x2, n2)})
            row.update({prefix + k: v for k, v in compare(x, n, x2, n2).items()})
        rows.append(row)
    return rows


def satisfaction_summary(db: Database, *, start: date, end: date, asof: datetime, scope: Scope,
                         area_code: str | None = None, tree: AreaTree | None = None) -> dict:
    """The area's rate, n and interval, with 环比 (change_pp, p_value, significant, previous_*) and
    同比 (yoy_change_pp, yoy_p_value, yoy_significant, last_year_*)."""
    tree, focus = focus_for(db, tree, scope, area_code)
    row = _compared(db, focus, start, end, asof, None)[0]
    row.pop("group_id")
    return row


def _group_frame(db: Database, tree: AreaTree, focus: Focus, groups: list[int], start: date, end: date,
                 asof: datetime) -> pd.DataFrame:
    info = tree.frame.loc[groups, ["code", "name", "level"]].rename_axis("area_id").reset_index()
    info["code"] = info["code"].astype(str)
    if not groups:
        return info
    stats = pd.DataFrame(_compared(db, focus, start, end, asof, groups)).rename(columns={"group_id": "area_id"})
    return _floats(info.merge(stats, on="area_id", how="left"))


def satisfaction_by_child(db: Database, *, start: date, end: date, asof: datetime, scope: Scope,
                          area_code: str | None = None, tree: AreaTree | None = None) -> pd.DataFrame:
    """One row per child of the area (in code order): code, name, level, the counts, rate, interval,
    and the 环比 / 同比 comparison columns of `_compared`. Empty for a grid."""
    tree, focus = focus_for(db, tree, scope, area_code)
    return _group_frame(db, tree, focus, child_groups(tree, focus), start, end, asof)


def _grids_below(tree: AreaTree, roots) -> list[int]:
    """Grids strictly below the given areas."""
    out, stack = [], [k for r in roots for k in tree.children(r)]
    while stack:
        area = stack.pop()
        kids = tree.children(area)
        if kids:
            stack.extend(kids)
        elif tree.row(area)["level"] == "grid":
            out.append(area)
    return sorted(out)


def worst_grids(db: Database, *, start: date, end: date, asof: datetime, scope: Scope,
                area_code: str | None = None, tree: AreaTree | None = None, min_n: int = MIN_N) -> pd.DataFrame:
    """Every grid below the area, worst first: those with at least `min_n` valid answers (`ranked`)
    by rate ascending (larger samples first among equal rates), then the rest; plus `parent_name`."""
    tree, focus = focus_for(db, tree, scope, area_code)
    grids = _grids_below(tree, focus.area_ids)
    frame = _group_frame(db, tree, focus, grids, start, end, asof)
    if frame.empty:
        return frame.assign(ranked=pd.Series(dtype=bool), parent_name=pd.Series(dtype=str))
    frame["ranked"] = frame["satisfaction_n"] >= min_n
    frame["parent_name"] = [str(tree.row(p)["name"]) if (p := tree.parent(int(a))) is not None else ""
                            for a in frame["area_id"]]
    frame = frame.sort_values(["ranked", "satisfaction_rate", "satisfaction_n"], ascending=[False, True, False],
                              na_position="last")
    return frame.reset_index(drop=True)


def satisfaction_by_category(db: Database, *, start: date, end: date, asof: datetime, scope: Scope,
                             area_code: str | None = None, tree: AreaTree | None = None) -> pd.DataFrame:
    """One row per event dimension the surveys followed their event to (`label`; resident surveys
    without an event: 无关联事件), with counts, rate and interval; most answers first."""
    frame = breakdown(db, start=start, end=end, asof=asof, scope=scope, area_code=area_code, tree=tree,
                      by="dimension", names=("satisfaction_rate", *NAMES))
    frame = frame[frame["satisfaction_n"] > 0] if not frame.empty else frame
    rows = [{"key": k, "label": lb, **_describe(int(x), int(n))}
            for k, lb, x, n in zip(frame["key"], frame["label"], frame["satisfied_n"], frame["satisfaction_n"])]
    out = _floats(pd.DataFrame(rows, columns=["key", "label", "satisfied_n", "satisfaction_n", "satisfaction_rate",
                                              "satisfaction_ci_low", "satisfaction_ci_high"]))
    return out.sort_values(["satisfaction_n", "label"], ascending=[False, True]).reset_index(drop=True)


def satisfaction_trend(db: Database, *, start: date, end: date, asof: datetime, scope: Scope,
                       area_code: str | None = None, tree: AreaTree | None = None, grain: str = "day") -> pd.DataFrame:
    """Per day / week / month bucket: period_start, counts, rate and interval (buckets without
    answers are absent); the bucket still running at `asof` is `partial`, with counts and no rate
    (metrics/buckets.py)."""
    tree, focus = focus_for(db, tree, scope, area_code)
    period = Period(start, end)
    frame = aggregate(db, focus, period, asof, list(NAMES), grain=grain)
    frame = frame[frame["satisfaction_n"] > 0]
    rows = [{"period_start": t, **_describe(int(x), int(n))}
            for t, x, n in zip(frame["period_start"], frame["satisfied_n"], frame["satisfaction_n"])]
    out = _floats(pd.DataFrame(rows, columns=["period_start", "satisfied_n", "satisfaction_n", "satisfaction_rate",
                                              "satisfaction_ci_low", "satisfaction_ci_high"]))
    return _floats(mark_partial(out, period, asof, grain))
