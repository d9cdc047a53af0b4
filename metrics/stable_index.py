"""The stable 平安指数 (docs/safety-index.md, "The stable method"): the plain model's indicators,
scores, weights and grade bands, computed so that a small area or a short period does not swing on
noise, while an area that is persistently weak still scores low.

- **Trailing window.** Every indicator is computed over the `window_days` ending at the period's end
  (at least the period itself): just another Period, aggregated in SQL by `metrics.query.aggregate`.
- **Shrinkage toward the parent.** A proportion x/n becomes (x + k·m)/(n + k) (beta–binomial,
  k = `prior_cases`); 治安警情率, x cases over an exposure E in units of 10,000 residents × 30 days,
  becomes (x + k·m)/(E + k) (Poisson–gamma, k = `prior_exposure`). The prior rate m is that of the
  rest of the parent area (the parent's totals less the area's own), itself shrunk the same way
  toward the rest of the grandparent, and so on up to the top of the user's scope: nothing outside
  the scope is read, and the scope's top area keeps its own rate. Other indicators (巡查走访覆盖率)
  are the window's own value.
- **Enough data.** With fewer than `min_cases` events reported in the window the area is 样本不足:
  no index and no grade, said so on the page.
- **Hysteresis.** Week over week (周报), `held_grade` keeps last week's grade unless the index passes
  the band boundary by more than `grade_margin` points.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Mapping

import pandas as pd

from data_access.db import Database
from data_access.errors import ConfigError
from metrics.availability import unavailable
from metrics.definitions import MEASURES, METRICS, SOURCES, Ratio, inputs_of, value_of
from metrics.period import Period, bucket_end
from metrics.query import aggregate
from metrics.safety_index import Grade, SafetyModel
from metrics.scope import AreaTree, Focus

INSUFFICIENT = "样本不足"
INSUFFICIENT_COLOR = "#cfd8dc"  # a light blue-grey: not the grey of 无数据, readable on the dark wall too
CASES = "reported"  # the evidence min_cases counts: events reported in the window
EXPOSURE_UNIT_DAYS = 10_000 * 30  # resident-days in one unit of exposure (万人·30天), the unit of 治安警情率
# Indicators that count cases per resident exposure (Poisson–gamma): key → (cases, residents).
PER_EXPOSURE = {"security_rate": ("security_n", "population")}
METHODS = ("stable", "plain")
# Parameter → (type, smallest value, default).
PARAMETERS = {"window_days": (int, 1, 28), "prior_cases": (float, 0, 10.0), "prior_exposure": (float, 0, 0.5),
              "min_cases": (int, 0, 5), "grade_margin": (float, 0, 3.0)}


def _number(v) -> float | None:
    """A finite float, or None for a missing value (NaN: the platform does not record it)."""
    if v is None:
        return None
    v = float(v)
    return None if math.isnan(v) else v


def shrink(x: float, n: float, prior: float | None, k: float) -> float | None:
    """(x + k·prior)/(n + k): the rate x/n pulled toward `prior` with the weight of k units of
    evidence; without a prior the raw rate; None with neither evidence nor prior."""
    if prior is not None and k > 0:
        return (x + k * prior) / (n + k)
    return x / n if n > 0 else None


@dataclass(frozen=True)
class StableModel(SafetyModel):
    window_days: int = 28
    prior_cases: float = 10.0
    prior_exposure: float = 0.5
    min_cases: int = 5
    grade_margin: float = 3.0
    method = "stable"

    @property
    def measures(self) -> list[str]:
        return list(dict.fromkeys([*super().measures, CASES]))

    def window(self, end: date, days: int) -> Period:
        """The trailing window ending at `end`: window_days, or the period's own days if longer."""
        return Period(end - timedelta(days=max(self.window_days, days)), end)

    def held_grade(self, index: float | None, previous: str | None) -> Grade | None:
        """This week's grade against last week's: a band boundary counts as crossed only when the index
        is past it by more than grade_margin; between, last week's grade holds."""
        now = self.grade(index)
        names = [g.name for g in self.grades]
        if now is None or previous not in names:
            return now
        held, target = names.index(previous), names.index(now.name)  # 0 is the best band
        while held < target and index < self.grades[held].minimum - self.grade_margin:
            held += 1
        while held > target and index > self.grades[held - 1].minimum + self.grade_margin:
            held -= 1
        return self.grades[held]

    def _evidence(self, key: str, row: Mapping, days: int) -> tuple[float | None, float | None, float] | None:
        """(cases, evidence, prior weight) of a shrinkable indicator; None for one that is not."""
        if key in PER_EXPOSURE:
            cases, residents = PER_EXPOSURE[key]
            pop = _number(row[residents])
            return _number(row[cases]), None if pop is None else pop * days / EXPOSURE_UNIT_DAYS, self.prior_exposure
        m = METRICS[key]
        if isinstance(m, Ratio):
            return _number(row[m.numerator]), _number(row[m.denominator]), self.prior_cases
        return None

    def values(self, chain: list[Mapping], days: int) -> dict[str, float | None]:
        """Each indicator's value for the last area of `chain` (window totals of the in-scope areas
        from the top down to the area), shrunk level by level toward the rest of each parent."""
        out = {}
        for ind in self.indicators:
            evidence = [self._evidence(ind.key, row, days) for row in chain]
            if evidence[-1] is None:
                out[ind.key] = value_of(ind.key, chain[-1], days)
                continue
            if any(x is None or n is None for x, n, _ in evidence):  # not recorded here: 无数据
                out[ind.key] = None
                continue
            prior = None
            for (xp, np_, k), (xc, nc, _) in zip(evidence, evidence[1:]):  # the rest of each parent
                prior = shrink(max(0.0, xp - xc), max(0.0, np_ - nc), prior, k)
            x, n, k = evidence[-1]
            out[ind.key] = shrink(x, n, prior, k) if n > 0 else None  # no evidence of its own: 无数据
        return out

    def evaluate_chain(self, chain: list[Mapping], days: int) -> dict:
        """Index, grade and parts for the last area of `chain` over a window of `days`."""
        out = self.combine(self.values(chain, days))
        cases = int(_number(chain[-1][CASES]) or 0)
        out.update(safety_cases=cases, safety_window_days=days, safety_note=None)
        if cases < self.min_cases:
            out.update(safety_index=None, safety_grade=INSUFFICIENT, safety_color=INSUFFICIENT_COLOR,
                       safety_note=f"{INSUFFICIENT}：近 {days} 天上报 {cases} 件，少于 {self.min_cases} 件，不评定指数和等级")
        return out


def scope_chain(tree: AreaTree, focus: Focus, area_id: int) -> list[int]:
    """The area's ancestors inside the user's scope, from the top of the scope down to the area."""
    chain = tree.ancestors(area_id)
    top = next((i for i, a in enumerate(chain) if a in focus.scope_roots), len(chain) - 1)
    return chain[top:]


def _window_rows(db: Database, focus: Focus, window: Period, asof: datetime, model: StableModel,
                 areas: list[int] | None) -> dict[int, dict]:
    frame = aggregate(db, focus, window, asof, model.measures, groups=areas)
    return {int(r["group_id"]): r for r in frame.to_dict("records")}


def _daily_rows(db: Database, focus: Focus, span: Period, asof: datetime, model: StableModel,
                areas: list[int] | None, windows: list[Period]) -> list[dict[int, dict]]:
    """Window totals for each window inside `span`, from one daily aggregate: counts and sums over
    time add up; measures without a time (the grids' population and households) are taken once."""
    timed = [m for m in model.measures if SOURCES[MEASURES[m].source][1] is not None]
    untimed = [m for m in model.measures if m not in timed]
    fixed = {int(r["group_id"]): r for r in aggregate(db, focus, span, asof, untimed, groups=areas).to_dict("records")}
    daily = aggregate(db, focus, span, asof, timed, groups=areas, grain="day")
    by_group = {int(g): f for g, f in daily.groupby("group_id")}
    out = []
    for w in windows:
        totals = {}
        for gid, row in fixed.items():
            days = by_group.get(gid, daily.iloc[0:0])
            inside = days[(days["period_start"] >= pd.Timestamp(w.start)) & (days["period_start"] < pd.Timestamp(w.end))]
            sums = {m: math.nan if unavailable(m, db.schema) else float(inside[m].sum(min_count=1)) if len(inside) else 0.0
                    for m in timed}
            totals[gid] = {**row, **sums}
        out.append(totals)
    return out


def evaluate_rows(db: Database, focus: Focus, period: Period, asof: datetime, model: StableModel,
                  frame: pd.DataFrame, *, groups: list[int] | None, grain: str | None,
                  tree: AreaTree | None = None) -> list[dict]:
    """The stable evaluation of each row of `metrics.summary.area_metrics`' frame (one per group and
    time bucket): each row's window ends at its bucket's end, or at the period's end."""
    if frame.empty:
        return []
    tree = tree or AreaTree.load(db)
    # Which area each group is; the union of an official's several subtrees has no parent to lean on.
    area_of = ({int(g): int(g) for g in groups} if groups is not None
               else {0: focus.single} if focus.single is not None else {0: None})
    chains = {g: (scope_chain(tree, focus, a) if a is not None else [0]) for g, a in area_of.items()}
    fetch = None if area_of == {0: None} else sorted({a for c in chains.values() for a in c})

    if grain:
        starts = [max(s, period.start) for s in pd.to_datetime(frame["period_start"]).dt.date]
        ends = [min(bucket_end(s, grain), period.end) for s in pd.to_datetime(frame["period_start"]).dt.date]
        windows = [model.window(e, (e - s).days) for s, e in zip(starts, ends)]
    else:
        windows = [model.window(period.end, period.days)] * len(frame)
    distinct = list(dict.fromkeys(windows))
    if len(distinct) == 1:
        rows = [_window_rows(db, focus, distinct[0], asof, model, fetch)]
    else:
        span = Period(min(w.start for w in distinct), max(w.end for w in distinct))
        rows = _daily_rows(db, focus, span, asof, model, fetch, distinct)
    totals = dict(zip(distinct, rows))
    out = []
    for gid, w in zip(frame["group_id"], windows):
        got = totals[w]
        out.append(model.evaluate_chain([got[a] for a in chains[int(gid)]], w.days))
    return out


def _parameter(name: str, value: Any) -> float | int:
    kind, least, _ = PARAMETERS[name]
    key = f"safety_index.{name}"
    ok = not isinstance(value, bool) and isinstance(value, (int, float) if kind is float else int)
    if not ok or not math.isfinite(value) or value < least:
        raise ConfigError(key, f"{'an integer' if kind is int else 'a number'} ≥ {least}", value)
    return kind(value)


def model_from_config(section: Mapping[str, Any] | None) -> SafetyModel:
    """The configured 平安指数 model: StableModel (method "stable", the default) or the plain SafetyModel."""
    section = dict(section or {})
    method = section.get("method", "stable")
    if method not in METHODS:
        raise ConfigError("safety_index.method", '"stable" or "plain"', method)
    base = SafetyModel.from_config({k: section[k] for k in ("indicators", "grades") if k in section})
    params = {name: _parameter(name, section.get(name, default)) for name, (_, _, default) in PARAMETERS.items()}
    if method == "plain":
        return base
    for i, ind in enumerate(base.indicators):  # the trailing trend adds days up: only counts and sums do
        if any(MEASURES[m].agg not in ("count", "sum") for m in inputs_of(ind.key)):
            raise ConfigError(f"safety_index.indicators[{i}].key",
                              'a rate of counts or sums when safety_index.method = "stable"', ind.key)
    return StableModel(base.indicators, base.grades, **params)


def method_note(model: SafetyModel) -> str:
    """How the index was computed, for a figure's caption ("" for the plain model)."""
    if not isinstance(model, StableModel):
        return ""
    return (f"；稳定算法：各指标按截至周期末的近 {model.window_days} 天（至少整个周期）计算，"
            f"小区域向上级其余部分的水平收缩，近 {model.window_days} 天上报不足 {model.min_cases} 件为{INSUFFICIENT}")


def trend_note(model: SafetyModel) -> str:
    """What each point of the index trend covers ("" for the plain model: the bucket itself)."""
    return f"，每点为截至该点的近 {model.window_days} 天" if isinstance(model, StableModel) else ""
