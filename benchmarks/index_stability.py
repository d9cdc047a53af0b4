"""How much the 平安指数 swings, plain against stable: `python -m benchmarks.index_stability [--url URL]`.

For ordinary weeks of the demo city (default: 2026-W44, W46, W47 of the city ending 2026-11-29 18:00,
built into a temporary DuckDB file when no --url is given) and both methods, prints:

- how many grids changed grade against the week before (the stable method with and without its
  hysteresis margin, as the 周报 counts them);
- whether the persistently weak grids the generator marks (data_access.demo.city) are among the
  lowest-scored grids of each week;
- for the week of the injected incident (a gas-safety campaign in 坊安街道, 2026-W45): the street's
  index and 安全隐患按期整改率 score against the weeks around it, and how many of its grids fell a grade.

Each week is judged as the 周报 judges it: on the Monday after it at 10:00, the week before at the same
distance after its own start (metrics.summary.comparison_periods). Also times both methods per call.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from data_access.db import Database, describe
from data_access.demo import DEFAULT_SEED, build
from data_access.demo.city import build_city
from metrics.period import Period
from metrics.safety_index import SafetyModel
from metrics.scope import AreaTree, Scope, resolve
from metrics.stable_index import INSUFFICIENT, StableModel
from metrics.summary import area_metrics, children_table, comparison_periods, summarize, trend
from metrics.weekly import parse_week

DEMO_END = datetime(2026, 11, 29, 18, 0)
WEEKS = ("2026-W44", "2026-W46", "2026-W47")
SPIKE_WEEK, SPIKE_STREET = "2026-W45", "坊安街道"
MODELS = {"plain": SafetyModel(), "stable": StableModel()}


def judged(week: Period) -> datetime:
    """The as-of time of a week's 周报: the Monday after it at 10:00."""
    return datetime.combine(week.end, datetime.min.time()) + timedelta(hours=10)


def grid_weeks(db: Database, tree: AreaTree, week: Period, model: SafetyModel):
    """(this week, the week before) per grid, as the 周报 computes them."""
    focus = resolve(tree, Scope.everywhere())
    grids = [int(i) for i in tree.frame.index if tree.row(i)["level"] == "grid"]
    asof = judged(week)
    prev, prev_asof = comparison_periods(week, asof)["previous"]
    now = area_metrics(db, focus, week, asof, model, groups=grids, tree=tree).set_index("group_id")
    before = area_metrics(db, focus, prev, prev_asof, model, groups=grids, tree=tree).set_index("group_id")
    return now, before


def grade_moves(model: SafetyModel, now, before, held: bool, ids=None) -> tuple[int, int]:
    """(grids whose grade changed, of them fell) against the week before; `held`: with the stable
    model's hysteresis margin, as the 周报 counts them. An area without a grade either week is not counted."""
    order = {g.name: i for i, g in enumerate(model.grades)}
    changed = fell = 0
    for gid in now.index if ids is None else ids:
        index, prev = now.at[gid, "safety_index"], before.at[gid, "safety_grade"]
        index = None if index is None or index != index else float(index)
        grade = model.held_grade(index, prev) if held else model.grade(index)
        if grade is not None and prev in order and grade.name != prev:
            changed += 1
            fell += order[grade.name] > order[prev]
    return changed, fell


def weak_among_lowest(now, weak: set[int]) -> tuple[int, int]:
    scored = now["safety_index"].dropna().sort_values()
    lowest = set(int(i) for i in scored.index[:len(weak)])
    return len(lowest & weak), len(weak)


def spike(db: Database, tree: AreaTree, model: SafetyModel) -> list[str]:
    street = next(int(i) for i in tree.frame.index if tree.row(i)["name"] == SPIKE_STREET)
    focus = resolve(tree, Scope.everywhere())
    lines = []
    center = parse_week(SPIKE_WEEK)
    for shift in (-14, -7, 0, 7, 14):
        week = Period(center.start + timedelta(days=shift), center.end + timedelta(days=shift))
        row = area_metrics(db, focus, week, judged(week), model, groups=[street], tree=tree).iloc[0]
        hazard = next(p for p in row["safety_parts"] if p["key"] == "hazard_on_time_rate")
        index = "—" if row["safety_index"] != row["safety_index"] or row["safety_index"] is None else f"{row['safety_index']:.1f}"
        lines.append(f"    {week.label()}: hazard reports {int(row['hazard_due_n'] or 0):4d} due, "
                     f"安全隐患按期整改率 score {hazard['score'] or 0:5.1f}, street index {index}")
    return lines


def timing(db: Database, tree: AreaTree, model: SafetyModel, repeat: int) -> dict[str, float]:
    end = DEMO_END.date() + timedelta(days=1)
    common = dict(asof=DEMO_END, scope=Scope.everywhere(), tree=tree, model=model)
    street = str(tree.row(tree.children(tree.roots()[0])[0])["code"])
    calls = {
        "summary with 环比/同比 (grid)": lambda: summarize(db, start=end - timedelta(days=30), end=end,
                                                         area_code=str(tree.row(tree.frame.index[-1])["code"]), **common),
        "children ranking (grids of a street)": lambda: children_table(db, start=end - timedelta(days=30), end=end,
                                                                       area_code=street, **common),
        "daily trend, 30 days": lambda: trend(db, start=end - timedelta(days=30), end=end, grain="day", **common),
    }
    out = {}
    for name, call in calls.items():
        call()  # warm
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            call()
            times.append((time.perf_counter() - t) * 1000)
        out[name] = statistics.median(times)
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", help="a database holding the demo city (default: build it, ending 2026-11-29 18:00)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the demo city's seed (which grids are weak)")
    ap.add_argument("--weeks", nargs="+", default=list(WEEKS))
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per call")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url
        if not url:
            url = f"duckdb:///{Path(tmp) / 'demo.duckdb'}"
            print(f"Building the demo city (seed {args.seed}, ending {DEMO_END:%Y-%m-%d %H:%M}) into {url} …")
            build(url, seed=args.seed, end=DEMO_END)
        db = Database.connect(url)
        run(db, args, url)
        db.engine.dispose()


def run(db: Database, args, url: str) -> None:
    tree = AreaTree.load(db)
    city = build_city(args.seed)
    weak = set(int(i) for i in city.grid_ids[city.weak])
    grids = sum(1 for i in tree.frame.index if tree.row(i)["level"] == "grid")
    print(f"{describe(url)} — {grids} grids, {len(weak)} persistently weak\n")
    print("| week | method | grids changing grade vs the week before | weak grids among the lowest | 样本不足 |")
    print("| --- | --- | ---: | ---: | ---: |")
    for label in args.weeks:
        week = parse_week(label)
        for name, model in MODELS.items():
            now, before = grid_weeks(db, tree, week, model)
            hits, total = weak_among_lowest(now, weak)
            few = int((now["safety_grade"] == INSUFFICIENT).sum())
            raw, _ = grade_moves(model, now, before, held=False)
            if name == "stable":
                held, _ = grade_moves(model, now, before, held=True)
                text = f"{held} ({held / grids:.1%}); without the margin {raw} ({raw / grids:.1%})"
            else:
                text = f"{raw} ({raw / grids:.1%})"
            print(f"| {label} | {name} | {text} | {hits} of {total} among the {total} lowest | {few} |")
    print(f"\nThe incident ({SPIKE_STREET}, {SPIKE_WEEK}):")
    for name, model in MODELS.items():
        print(f"  {name}:")
        print("\n".join(spike(db, tree, model)))
        now, before = grid_weeks(db, tree, parse_week(SPIKE_WEEK), model)
        street = next(int(i) for i in tree.frame.index if tree.row(i)["name"] == SPIKE_STREET)
        mine = [g for g in now.index if street in tree.ancestors(int(g))]
        _, fell = grade_moves(model, now, before, held=True, ids=mine)
        print(f"    grids of {SPIKE_STREET} falling a grade in {SPIKE_WEEK}: {fell} of {len(mine)}")
    print("\nTime per call (median of warm runs, ms):")
    print("| call | plain | stable | extra |\n| --- | ---: | ---: | ---: |")
    plain, stable = (timing(db, tree, MODELS[m], args.repeat) for m in ("plain", "stable"))
    for name in plain:
        print(f"| {name} | {plain[name]:.0f} | {stable[name]:.0f} | {stable[name] - plain[name]:+.0f} |")


if __name__ == "__main__":
    main()
