"""周报 (docs/pages.md: 周报): one week against the week before and the same week last year.

`weekly_review` gathers, from aggregated SQL through the existing metrics functions, the area's KPIs
(`summarize`), every street and every grid under the area for this week and the week before
(`area_metrics` with one group per area), the red/black lists (红黑榜), the areas whose grade fell
and the daily event counts. `narrative` turns that object into Chinese sentences: every number in
them is formatted from the review, none is typed. No Streamlit here; the page and the report
command line (`python -m reports weekly`) share it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pandas as pd

from data_access.db import Database
from metrics.period import Period, supported, week_of
from metrics.query import aggregate
from metrics.safety_index import SafetyModel
from metrics.scope import AreaTree, Focus, Scope, resolve
from metrics.definitions import LABELS, METRICS, Ratio
from metrics.formats import count as fmt_count, hours as fmt_hours, index as fmt_index, pct as fmt_pct, value as fmt_value
from metrics.stats import change, whole
from metrics.departments import department_table, unavailable_reason
from metrics.summary import KPI_ROW, area_metrics, comparison_periods, summarize

STREET_N, GRID_N = 3, 10  # places on each red and black list
MIN_DUE = 3  # an area enters the on-time lists with at least this many due cases (the rate's denominator)
LISTS = {  # key → (metric, which end of the ranking, title)
    "index_red": ("safety_index", "top", "红榜·平安指数最高"),
    "index_black": ("safety_index", "bottom", "黑榜·平安指数最低"),
    "on_time_red": ("on_time_rate", "top", "红榜·按期结案率最高"),
    "on_time_black": ("on_time_rate", "bottom", "黑榜·按期结案率最低"),
}
DEPT_N = 3  # places on each department list
DEPARTMENT_LISTS = {  # 部门红黑榜: key → (metric, which end of the ranking, title)
    "dept_red": ("on_time_rate", "top", "红榜·按期结案率最高"),
    "dept_black": ("on_time_rate", "bottom", "黑榜·按期结案率最低"),
}
KPIS = KPI_ROW  # the review's KPIs: declared metrics (label, kind, direction in metrics.definitions)
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


# ---- weeks ----

def parse_week(text: str) -> Period:
    """'2026-W10' (ISO 8601 week) → Period(Monday, next Monday); ValueError when it is no such week."""
    m = _WEEK.match(str(text).strip())
    if not m:
        raise ValueError(f"周次应写作 YYYY-Www（如 2026-W10）：{text!r}")
    try:
        monday = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    except ValueError:
        raise ValueError(f"没有这一周：{text!r}") from None
    try:
        supported(monday)  # 9999-W52 would end past the last date there is
    except ValueError as exc:
        raise ValueError(f"周次 {text!r} 的周一 {exc}") from None
    return Period(monday, monday + timedelta(days=7))


def week_label(week: Period) -> str:
    """Period(Monday, next Monday) → '2026-W10'."""
    year, number, _ = week.start.isocalendar()
    return f"{year}-W{number:02d}"


def last_full_week(today: date) -> Period:
    """The Monday–Sunday week before the week of `today` (the default of the review)."""
    return week_of(today - timedelta(days=7))


# Period presets that run up to today over more than a week (metrics.period.PRESETS): they name no
# week of their own, so the review opens on the last full week, as for a user who chose no period.
ROLLING = ("last_30d", "this_month", "this_quarter", "this_year")


def default_week(period: Period, today: date, preset: str | None = None) -> Period:
    """The week the review opens on for a view's period: the week holding the period's last day (or
    `today`, the as-of day, when the period runs past it), so a custom range or 上周/上月 opens on a
    week of that range; a ROLLING preset (the dashboard's default 近30天 among them) on the last full week."""
    if preset in ROLLING:
        return last_full_week(today)
    return week_of(min(period.end - timedelta(days=1), today))


# ---- the review ----

@dataclass(frozen=True)
class Mover:
    """The safety-index indicator whose score changed most against the previous week."""
    key: str
    name: str
    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before

    @property
    def direction(self) -> str:
        return "上升" if self.change > 0 else "下降"


@dataclass(frozen=True)
class AreaWeek:
    """One street or grid: this week, the week before, and what moved its index most."""
    code: str
    name: str
    level: str
    street: str               # the street it belongs to ("" for a street itself or above)
    reported: int
    due_n: int | None         # due or closed cases with a deadline: the on-time rate's denominator
    safety_index: float | None
    safety_grade: str | None
    safety_color: str
    on_time_rate: float | None
    closure_rate: float | None
    prev_reported: int
    prev_index: float | None
    prev_grade: str | None
    prev_on_time_rate: float | None
    moves: tuple[Mover, ...]  # each indicator's score change against the week before

    @property
    def mover(self) -> Mover | None:
        """The indicator that moved most (largest absolute score change), with its direction."""
        return largest_move(self.moves)

    @property
    def faller(self) -> Mover | None:
        """The indicator whose score fell most: what explains a falling index or grade."""
        return largest_fall(self.moves)

    @property
    def index_change(self) -> float | None:
        return None if self.safety_index is None or self.prev_index is None else self.safety_index - self.prev_index

    @property
    def on_time_change_pp(self) -> float | None:
        return change(self.on_time_rate, self.prev_on_time_rate, is_rate=True)


@dataclass(frozen=True)
class DepartmentWeek:
    """One 职能部门 through the cases of the review's area: this week and its 环比 (metrics.departments)."""
    code: str
    name: str
    handled: int
    due_n: int | None
    on_time_rate: float | None
    prev_on_time_rate: float | None
    closure_rate: float | None
    return_rate: float | None
    prev_return_rate: float | None
    dispatches_n: int | None
    multi_dispatch_rate: float | None
    response_hours: float | None
    satisfaction_rate: float | None

    @property
    def on_time_change_pp(self) -> float | None:
        return change(self.on_time_rate, self.prev_on_time_rate, is_rate=True)

    @property
    def return_change_pp(self) -> float | None:
        return change(self.return_rate, self.prev_return_rate, is_rate=True)


@dataclass(frozen=True)
class WeeklyReview:
    week: Period
    asof: datetime
    previous: Period
    previous_asof: datetime
    last_year: Period
    last_year_asof: datetime
    area_code: str | None
    area_name: str
    area_level: str | None
    kpis: dict                        # summarize(detail=True): this week, with `previous` and `last_year`
    moves: tuple[Mover, ...]          # the area's own indicator score changes against the week before
    streets: tuple[AreaWeek, ...]     # every street under the area (by code)
    grids: tuple[AreaWeek, ...]       # every grid under the area (by code)
    street_lists: dict[str, tuple[AreaWeek, ...]]   # LISTS key → rows
    grid_lists: dict[str, tuple[AreaWeek, ...]]
    grade_drops: tuple[AreaWeek, ...]  # streets, then grids, whose grade is lower than last week's
    daily: tuple[tuple[int, int, int], ...] = field(default=())  # per weekday: this week, previous, last year
    departments: tuple[DepartmentWeek, ...] = field(default=())   # worst 按期结案率 first
    department_lists: dict = field(default_factory=dict)           # DEPARTMENT_LISTS key → rows
    departments_absent: str | None = None                          # why the platform has no department figure

    @property
    def label(self) -> str:
        return week_label(self.week)

    @property
    def mover(self) -> Mover | None:
        return largest_move(self.moves)

    @property
    def period_text(self) -> str:
        return self.week.label()


def _descendants(tree: AreaTree, roots: tuple[int, ...]) -> list[int]:
    out, todo, seen = [], list(roots), set()
    while todo:
        area = todo.pop()
        if area in seen:
            continue
        seen.add(area)
        out.append(area)
        todo.extend(tree.children_of.get(area, []))
    return out


def _street_of(tree: AreaTree, area_id: int) -> str:
    for a in tree.ancestors(area_id)[:-1]:
        if tree.row(a)["level"] == "street":
            return str(tree.row(a)["name"])
    return ""


def moves(parts_now: list[dict] | None, parts_before: list[dict] | None) -> tuple[Mover, ...]:
    """Each indicator's score this week against the week before (`safety_parts` of the two weeks),
    in the model's order, for the indicators scored in both weeks."""
    before = {p["key"]: p for p in parts_before or []}
    out = []
    for p in parts_now or []:
        q = before.get(p["key"])
        if p["score"] is not None and q is not None and q["score"] is not None:
            out.append(Mover(p["key"], p["name"], float(q["score"]), float(p["score"])))
    return tuple(out)


def largest_move(changes: tuple[Mover, ...]) -> Mover | None:
    """The indicator whose score moved most either way (ties: the model's order); None if none moved."""
    best = max(changes, key=lambda m: abs(m.change), default=None)  # max keeps the first of equals
    return best if best is not None and best.change != 0 else None


def largest_fall(changes: tuple[Mover, ...]) -> Mover | None:
    """The indicator whose score fell most (what pulled the index down); None if none fell."""
    worst = min(changes, key=lambda m: m.change, default=None)
    return worst if worst is not None and worst.change < 0 else None


def _value(v):
    if v is None or (isinstance(v, float) and v != v):
        return None
    return v.item() if hasattr(v, "item") else v


def _area_rows(tree: AreaTree, ids: list[int], now: pd.DataFrame, before: pd.DataFrame) -> tuple[AreaWeek, ...]:
    now, before = now.set_index("group_id"), before.set_index("group_id")
    rows = []
    for i in sorted(ids, key=lambda a: str(tree.row(a)["code"])):
        a, b, info = now.loc[i], before.loc[i], tree.row(i)
        rows.append(AreaWeek(
            code=str(info["code"]), name=str(info["name"]), level=str(info["level"]),
            street=_street_of(tree, i) if info["level"] != "street" else "",
            reported=int(a["reported"]), due_n=whole(a["due_n"]), safety_index=_value(a["safety_index"]), safety_grade=a["safety_grade"],
            safety_color=a["safety_color"], on_time_rate=_value(a["on_time_rate"]),
            closure_rate=_value(a["closure_rate"]), prev_reported=int(b["reported"]),
            prev_index=_value(b["safety_index"]), prev_grade=b["safety_grade"],
            prev_on_time_rate=_value(b["on_time_rate"]), moves=moves(a["safety_parts"], b["safety_parts"])))
    return tuple(rows)


def ranked_ends(rows: tuple, metric: str, n: int, min_due: int = 0) -> tuple[tuple, tuple]:
    """(top n, bottom n) by `metric`; rows without a value are not ranked, nor rows with fewer than
    `min_due` due cases. The two ends never share a row, not even when values tie: with fewer than
    2n ranked, each takes half; a single ranked row is on both. Ties go to the lower code."""
    ranked = [r for r in rows if getattr(r, metric) is not None and (not min_due or (r.due_n or 0) >= min_due)]
    k = min(n, len(ranked) // 2) if len(ranked) >= 2 else len(ranked)
    top = sorted(ranked, key=lambda r: (-getattr(r, metric), r.code))[:k]
    rest = [r for r in ranked if r.code not in {t.code for t in top}] if len(ranked) >= 2 else ranked
    return tuple(top), tuple(sorted(rest, key=lambda r: (getattr(r, metric), r.code))[:k])


def rank_lists(rows: tuple[AreaWeek, ...], n: int, min_due: int = MIN_DUE, lists: dict = LISTS) -> dict[str, tuple]:
    """Top and bottom `n` by safety index and by on-time rate (ranked_ends); on the on-time lists
    only areas with at least `min_due` due cases."""
    out = {}
    for key, (metric, end, _title) in lists.items():
        top, bottom = ranked_ends(rows, metric, n, min_due if metric == "on_time_rate" else 0)
        out[key] = top if end == "top" else bottom
    return out


def _department_rows(frame: pd.DataFrame) -> tuple[DepartmentWeek, ...]:
    return tuple(DepartmentWeek(
        code=str(r["key"]), name=str(r["name"]), handled=whole(r["dept_handled"]) or 0, due_n=whole(r["due_n"]),
        on_time_rate=_value(r["on_time_rate"]), prev_on_time_rate=_value(r["prev_on_time_rate"]),
        closure_rate=_value(r["closure_rate"]), return_rate=_value(r["return_rate"]),
        prev_return_rate=_value(r["prev_return_rate"]), dispatches_n=whole(r["dispatches_n"]),
        multi_dispatch_rate=_value(r["multi_dispatch_rate"]), response_hours=_value(r["response_hours"]),
        satisfaction_rate=_value(r["satisfaction_rate"])) for _, r in frame.iterrows())


def grade_drops(rows: tuple[AreaWeek, ...], model: SafetyModel) -> tuple[AreaWeek, ...]:
    """Areas graded lower this week than the week before (grades are ordered best first in the model).
    The stable model's hysteresis (`held_grade`) counts a fall only past the band boundary's margin."""
    order = {g.name: i for i, g in enumerate(model.grades)}
    held = {r.code: model.held_grade(r.safety_index, r.prev_grade) for r in rows}
    fell = [r for r in rows if held[r.code] is not None and r.safety_grade in order and r.prev_grade in order
            and order[held[r.code].name] > order[r.prev_grade]]
    return tuple(sorted(fell, key=lambda r: (r.index_change if r.index_change is not None else 0, r.code)))


def _daily(db: Database, focus: Focus, periods: list[tuple[Period, datetime]]) -> tuple[tuple[int, ...], ...]:
    """Events reported per day of the week (Monday first), for each (period, as-of)."""
    counts = []
    for period, asof in periods:
        frame = aggregate(db, focus, period, asof, ["reported"], grain="day")
        by_day = {(d.date() - period.start).days: int(v) for d, v in zip(frame["period_start"], frame["reported"])}
        counts.append([by_day.get(i, 0) for i in range(7)])
    return tuple(zip(*counts))


def weekly_review(db: Database, *, week: Period, asof: datetime, scope: Scope, area_code: str | None = None,
                  tree: AreaTree | None = None, model: SafetyModel | None = None) -> WeeklyReview:
    """The review of `week` (a Monday–Monday Period) for the area within the user's scope, judged at
    `asof`; the comparison weeks are judged at the same distance after their start (comparison_periods)."""
    if week.days != 7 or week.start.weekday() != 0:
        raise ValueError(f"周报的周期必须是周一至周日：{week.label()}")
    model = model or SafetyModel()
    tree = tree or AreaTree.load(db)
    focus = resolve(tree, scope, area_code)
    kpis = summarize(db, start=week.start, end=week.end, asof=asof, scope=scope, area_code=area_code,
                     model=model, tree=tree, detail=True)
    (prev, prev_asof), (ly, ly_asof) = (comparison_periods(week, asof)[k] for k in ("previous", "last_year"))

    own_before = area_metrics(db, focus, prev, prev_asof, model, tree=tree).iloc[0]
    below = _descendants(tree, focus.area_ids)
    streets = [i for i in below if tree.row(i)["level"] == "street"]
    grids = [i for i in below if tree.row(i)["level"] == "grid"]
    groups = streets + grids  # overlapping groups are fine: each group is counted on its own
    street_rows = grid_rows = ()
    if groups:
        now = area_metrics(db, focus, week, asof, model, groups=groups, tree=tree)
        before = area_metrics(db, focus, prev, prev_asof, model, groups=groups, tree=tree)
        street_rows = _area_rows(tree, streets, now, before)
        grid_rows = _area_rows(tree, grids, now, before)

    depts = _department_rows(department_table(db, start=week.start, end=week.end, asof=asof, scope=scope,
                                              area_code=area_code, tree=tree))
    single = focus.single
    return WeeklyReview(
        week=week, asof=asof, previous=prev, previous_asof=prev_asof, last_year=ly, last_year_asof=ly_asof,
        area_code=area_code or None,
        area_name="我的辖区" if single is None else str(tree.row(single)["name"]),
        area_level=None if single is None else str(tree.row(single)["level"]),
        kpis=kpis, moves=moves(kpis["safety_parts"], own_before["safety_parts"]),
        streets=street_rows, grids=grid_rows,
        street_lists=rank_lists(street_rows, STREET_N), grid_lists=rank_lists(grid_rows, GRID_N),
        grade_drops=grade_drops(street_rows + grid_rows, model),
        daily=_daily(db, focus, [(week, asof), (prev, prev_asof), (ly, ly_asof)]),
        departments=depts, department_lists=rank_lists(depts, DEPT_N, lists=DEPARTMENT_LISTS),
        departments_absent=unavailable_reason(db.schema))


def review_of_week(db: Database, *, start: date, end: date, asof: datetime, scope: Scope,
                   area_code: str | None = None, tree: AreaTree | None = None, week_start: date,
                   model: SafetyModel | None = None) -> WeeklyReview:
    """`weekly_review` in the calling convention of the other metrics functions, for the page's
    cached calls; `start`/`end` (the sidebar's period) are not used: the week replaces them."""
    return weekly_review(db, week=week_of(week_start), asof=asof, scope=scope, area_code=area_code, tree=tree,
                         model=model)


# ---- numbers as words (the narrative's only source of digits) ----

def kpi_change(kind: str, current, previous) -> float | None:
    """Counts and hours change in %, rates in percentage points, the index in points."""
    if kind == "index":
        return None if current is None or previous is None else current - previous
    return change(current, previous, is_rate=(kind == "rate"))


def change_words(kind: str, value: float | None, label: str) -> str:
    """'环比上升 3.2%' / '同比下降 1.5 个百分点' / '较上周上升 0.7' … from a computed change."""
    if value is None:
        return f"{label}无可比数据"
    unit = {"count": "%", "hours": "%", "rate": " 个百分点", "index": ""}[kind]
    shown = f"{abs(value):.1f}"
    if float(shown) == 0:
        return f"{label}持平"
    return f"{label}{'上升' if value > 0 else '下降'} {shown}{unit}"


def no_value_words(key: str) -> str:
    """'结案率无数据（本周立案数为 0）': why a declared metric has no value. A ratio has none exactly
    when its denominator is 0 (metrics.definitions), so the reason is true by construction."""
    m = METRICS[key]
    if isinstance(m, Ratio):
        return f"{m.label}无数据（本周{LABELS[m.denominator]}为 0）"
    return f"{m.label}无数据"


def _kpi(review: WeeklyReview, key: str) -> str:
    k, kind, label = review.kpis, METRICS[key].kind, METRICS[key].label
    cur = k[key]
    if cur is None:
        return no_value_words(key)
    mom = change_words(kind, kpi_change(kind, cur, k["previous"][key]), "环比")
    yoy = change_words(kind, kpi_change(kind, cur, k["last_year"][key]), "同比")
    return f"{label} {fmt_value(kind, cur)}，{mom}，{yoy}"


def _fall_words(m: Mover | None) -> str:
    return "" if m is None else f"主要因{m.name}得分下降 {abs(m.change):.1f} 分"


def narrative(review: WeeklyReview) -> list[str]:
    """The review in short Chinese sentences, built only from the review's numbers."""
    k, area = review.kpis, review.area_name
    out = []
    reported = (f"本周（{review.label}，{review.period_text}）{area}上报事件 {fmt_count(k['reported'])} 件，"
                f"{change_words('count', kpi_change('count', k['reported'], k['previous']['reported']), '环比')}，"
                f"{change_words('count', kpi_change('count', k['reported'], k['last_year']['reported']), '同比')}；"
                f"立案 {fmt_count(k['filed'])} 件，{LABELS['overdue_open']} {fmt_count(k['overdue_open'])} 件。")
    out.append(reported)
    out.append("；".join([_kpi(review, "closure_rate"), _kpi(review, "on_time_rate")]) + "。")
    if k["satisfaction_rate"] is None:
        out.append("本周没有有效的群众满意度评价。")
    else:
        out.append(_kpi(review, "satisfaction_rate")
                   + f"（有效评价 {fmt_count(k['satisfaction_n'])} 条）。")
    if k["safety_index"] is None:
        missing = "、".join(k.get("safety_missing") or [])
        out.append(f"{LABELS['safety_index']}本周无数据" + (f"：参与计算的各项指标（{missing}）均无数据。" if missing else "。"))
    else:
        prev, ly = k["previous"], k["last_year"]
        text = (f"{LABELS['safety_index']} {fmt_index(k['safety_index'])}（{k['safety_grade']}），"
                f"{change_words('index', kpi_change('index', k['safety_index'], prev['safety_index']), '较上周')}，"
                f"{change_words('index', kpi_change('index', k['safety_index'], ly['safety_index']), '较去年同期')}")
        if prev["safety_grade"] and prev["safety_grade"] != k["safety_grade"]:
            text += f"，等级由{prev['safety_grade']}变为{k['safety_grade']}"
        fell = kpi_change("index", k["safety_index"], prev["safety_index"])
        if fell is not None and round(fell, 1) < 0 and largest_fall(review.moves):
            text += f"，{_fall_words(largest_fall(review.moves))}"
        elif review.mover:
            text += f"；变化最大的指标是{review.mover.name}，得分{review.mover.direction} {abs(review.mover.change):.1f} 分"
        if k.get("safety_missing"):  # the index is the weighted mean of the indicators that have a value
            text += f"（未计入无数据的指标：{'、'.join(k['safety_missing'])}）"
        out.append(text + "。")
    out += _ranking_sentences(review.street_lists, review.streets, "街道")
    out += _ranking_sentences(review.grid_lists, review.grids, "网格")
    out += _department_sentences(review)
    if review.grade_drops:
        shown = review.grade_drops[:5]
        items = "、".join(f"{r.name}（{r.prev_grade}→{r.safety_grade}"
                         + (f"，{_fall_words(r.faller)}" if r.faller else "") + "）" for r in shown)
        more = "等" if len(review.grade_drops) > len(shown) else ""
        out.append(f"平安等级下降的区域共 {fmt_count(len(review.grade_drops))} 个：{items}{more}"
                   + _ungraded_note(review) + "。")
    elif review.streets or review.grids:
        out.append(no_grade_drop_words(review))
    return out


def ungraded(review: WeeklyReview) -> int:
    """Streets and grids without a grade this week or last: whether their grade fell cannot be told."""
    return sum(not (r.safety_grade and r.prev_grade) for r in review.streets + review.grids)


def _ungraded_note(review: WeeklyReview) -> str:
    n = ungraded(review)
    return f"（另有 {fmt_count(n)} 个街道或网格本周或上周无平安等级，未比较）" if n else ""


def no_grade_drop_words(review: WeeklyReview) -> str:
    """What to say when no street or grid fell a grade, without claiming it of areas that had no grade
    to compare (the narrative, the page and the document say the same)."""
    rows = review.streets + review.grids
    n = ungraded(review)
    if n == len(rows):
        return "街道和网格本周或上周均无平安等级，无法比较等级升降。"
    if n:
        return f"有可比等级的 {fmt_count(len(rows) - n)} 个街道或网格中，没有平安等级下降的{_ungraded_note(review)}。"
    return "本周没有街道或网格的平安等级低于上周。"


def _department_sentences(review: WeeklyReview) -> list[str]:
    """部门红黑榜 in words: the best and worst 按期结案率, and who returned the most dispatches and who
    was slowest to sign for them (among departments with at least MIN_DUE dispatches)."""
    if review.departments_absent:
        return [f"部门红黑榜无数据：{review.departments_absent}。"]
    if not review.departments:
        return ["本周没有派往职能部门的事件。"]
    out = []
    fast, slow = review.department_lists["dept_red"], review.department_lists["dept_black"]
    if fast and slow and fmt_pct(fast[0].on_time_rate) == fmt_pct(slow[0].on_time_rate) and fast[0] is not slow[0]:
        out.append(f"参与排名的部门按期结案率相同（{fmt_pct(fast[0].on_time_rate)}），不分高低。")
    elif fast and slow and fast[0] is not slow[0]:
        s = slow[0]
        out.append(f"部门按期结案率最高的是{fast[0].name}（{fmt_pct(fast[0].on_time_rate)}），最低的是{s.name}"
                   f"（{fmt_pct(s.on_time_rate)}，{change_words('rate', s.on_time_change_pp, '较上周')}）。")
    elif not fast and len(review.departments) > 1:
        out.append(f"本周没有应结案件不少于 {MIN_DUE} 件的部门，未按按期结案率排名。")
    busy = [d for d in review.departments if (d.dispatches_n or 0) >= MIN_DUE]
    returned = max((d for d in busy if d.return_rate), key=lambda d: (d.return_rate, d.code), default=None)
    slowest = max((d for d in busy if d.response_hours is not None), key=lambda d: (d.response_hours, d.code),
                  default=None)
    parts = []
    if returned:
        parts.append(f"退单率最高的是{returned.name}（{fmt_pct(returned.return_rate)}，派遣 {fmt_count(returned.dispatches_n)} 次）")
    if slowest:
        parts.append(f"响应最慢的是{slowest.name}（派遣后平均 {fmt_hours(slowest.response_hours)}签收）")
    if parts:
        out.append("；".join(parts) + "。")
    return out


def _ranking_sentences(lists: dict, rows: tuple[AreaWeek, ...], level: str) -> list[str]:
    """Highest and lowest by index and by on-time rate, and who fell most. A ranking that has nobody
    to rank says why (with a single area there is nothing to rank, and nothing is said); the
    fall is judged only among the areas with an index in both weeks, and says how many had none."""
    if not rows:
        return []
    out = []
    best, worst = lists["index_red"], lists["index_black"]
    if best and worst and fmt_index(best[0].safety_index) == fmt_index(worst[0].safety_index) and best[0] is not worst[0]:
        out.append(f"参与排名的{level}平安指数相同（{fmt_index(best[0].safety_index)}），不分高低。")
    elif best and worst and best[0] is not worst[0]:
        out.append(f"{level}平安指数最高的是{best[0].name}（{fmt_index(best[0].safety_index)}），"
                   f"最低的是{worst[0].name}（{fmt_index(worst[0].safety_index)}，{worst[0].safety_grade}）。")
    elif not best and len(rows) > 1:
        out.append(f"各{level}本周平安指数均无数据，未按平安指数排名。")
    fast, slow = lists["on_time_red"], lists["on_time_black"]
    if fast and slow and fmt_pct(fast[0].on_time_rate) == fmt_pct(slow[0].on_time_rate) and fast[0] is not slow[0]:
        out.append(f"参与排名的{level}按期结案率相同（{fmt_pct(fast[0].on_time_rate)}），不分高低。")
    elif fast and slow and fast[0] is not slow[0]:
        out.append(f"{level}按期结案率最高的是{fast[0].name}（{fmt_pct(fast[0].on_time_rate)}），"
                   f"最低的是{slow[0].name}（{fmt_pct(slow[0].on_time_rate)}）。")
    elif not fast and len(rows) > 1:
        out.append(f"本周没有应结案件不少于 {MIN_DUE} 件的{level}，未按按期结案率排名。")
    compared = [r for r in rows if r.index_change is not None]
    fell = [r for r in compared if round(r.index_change, 1) < 0]
    if fell:
        r = min(fell, key=lambda x: (x.index_change, x.code))
        text = f"{r.name}指数下降最多，较上周下降 {abs(r.index_change):.1f}"
        out.append(text + (f"，{_fall_words(r.faller)}" if r.faller else "") + "。")
    elif not compared:
        out.append(f"各{level}本周或上周平安指数无数据，无法比较升降。")
    elif len(compared) < len(rows):
        out.append(f"有可比数据的 {fmt_count(len(compared))} 个{level}平安指数均未下降"
                   f"（另有 {fmt_count(len(rows) - len(compared))} 个本周或上周无数据）。")
    else:
        out.append(f"{rows[0].name}平安指数未下降。" if len(rows) == 1 else f"各{level}平安指数均未下降。")
    return out
