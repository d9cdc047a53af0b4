"""周报 (metrics/weekly.py) on the fixture city, three dialects: the review's KPIs are summarize's, the
narrative's numbers are the metrics layer's, and lists, movers and grade drops match values worked
by hand from tests/fixture.py (formulas and hand values of tests/test_metrics.py).

The fixture week 2026-W10 = [2026-03-02, 2026-03-09), judged at T = 2026-03-12 12:00; the previous
week [02-23, 03-02) is judged at T − 7 days = 03-05 12:00 (comparison_periods), last year's at T − 365 days.
"""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from data_access.errors import ScopeDenied
from metrics.period import Period
from metrics.safety_index import SafetyModel
from metrics.scope import Scope
from metrics.summary import summarize
from metrics.weekly import AreaWeek, Mover, default_week, grade_drops, largest_fall, largest_move, last_full_week, \
    narrative, parse_week, rank_lists, week_label, weekly_review
from tests.fixture import ASOF, END, START
from tests.test_metrics import _index, _police, _s

W10 = Period(START, END)
_REVIEWS: dict = {}


def review(db, scope: Scope | None = None, area: str | None = None):
    key = (str(db.engine.url), repr(scope), area)
    if key not in _REVIEWS:
        _REVIEWS[key] = weekly_review(db, week=W10, asof=ASOF, scope=scope or Scope.everywhere(), area_code=area)
    return _REVIEWS[key]


def rows(r) -> dict[str, AreaWeek]:
    return {a.code: a for a in r.streets + r.grids}


# ---- weeks ----

def test_iso_weeks():
    assert parse_week("2026-W10") == W10
    assert week_label(W10) == "2026-W10"
    assert parse_week("2026-W01").start == date(2025, 12, 29)  # ISO week 1 holds the year's first Thursday
    assert last_full_week(date(2026, 3, 12)) == W10  # Thursday → the Monday–Sunday before
    assert last_full_week(date(2026, 3, 9)) == W10  # a Monday → still the week before
    for bad in ("2026-10", "2026-W54", "W10", "2026-W1"):
        with pytest.raises(ValueError):
            parse_week(bad)


def test_the_default_week_is_the_periods_last_full_day_or_the_last_full_week():
    thursday = date(2026, 3, 12)  # T of the fixture, in 2026-W11
    # the browser tests' view: 11-09 … 11-15 at Monday 11-16 10:00 opens on that week, 2026-W46
    assert week_label(default_week(Period(date(2026, 11, 9), date(2026, 11, 16)), date(2026, 11, 16), "custom")) \
        == "2026-W46"
    assert default_week(W10, thursday, "custom") == W10
    assert default_week(Period(date(2026, 2, 25), date(2026, 3, 5)), thursday, "custom") == W10  # holds 03-04
    assert default_week(Period(date(2026, 3, 9), date(2026, 3, 20)), thursday, "custom") == parse_week("2026-W11")
    assert default_week(Period(date(2026, 2, 1), date(2026, 3, 1)), thursday, "last_month") == parse_week("2026-W09")
    for rolling in ("last_30d", "this_month", "this_quarter", "this_year"):  # run up to today: no week of their own
        assert default_week(Period(date(2026, 2, 11), date(2026, 3, 13)), thursday, rolling) == W10
    assert default_week(Period(date(2026, 3, 9), date(2026, 3, 13)), thursday, "this_week") == parse_week("2026-W11")


def test_a_week_is_monday_to_monday(fixture_db):
    with pytest.raises(ValueError):
        weekly_review(fixture_db, week=Period(date(2026, 3, 3), date(2026, 3, 10)), asof=ASOF, scope=Scope.everywhere())


# ---- KPIs and the narrative ----

def test_kpis_are_summarize_for_the_week(fixture_db):
    r = review(fixture_db)
    expected = summarize(fixture_db, start=START, end=END, asof=ASOF, scope=Scope.everywhere(), detail=True)
    assert r.kpis == expected
    # hand values (tests/test_metrics.py CITY, CITY_PREVIOUS, CITY_LAST_YEAR)
    assert (r.kpis["reported"], r.kpis["previous"]["reported"], r.kpis["last_year"]["reported"]) == (21, 7, 3)
    assert r.previous == Period(date(2026, 2, 23), date(2026, 3, 2)) and r.previous_asof == datetime(2026, 3, 5, 12)
    assert r.area_name == "测试区"


def _number(pattern: str, text: str) -> list[str]:
    m = re.search(pattern, text)
    assert m, f"{pattern!r} not in {text!r}"
    return list(m.groups())


def _signed(direction: str, value: str) -> float:
    return float(value) * (1 if direction == "上升" else -1)


def test_narrative_numbers_equal_the_metrics_layer(fixture_db):
    text = "\n".join(narrative(review(fixture_db)))
    s = summarize(fixture_db, start=START, end=END, asof=ASOF, scope=Scope.everywhere())
    prev, ly = s["previous"], s["last_year"]

    n, d1, mom, d2, yoy = _number(r"上报事件 ([\d,]+) 件，环比(上升|下降) ([\d.]+)%，同比(上升|下降) ([\d.]+)%", text)
    assert int(n.replace(",", "")) == s["reported"] == 21
    assert _signed(d1, mom) == pytest.approx((s["reported"] - prev["reported"]) / prev["reported"] * 100, abs=0.05)
    assert _signed(d2, yoy) == pytest.approx((s["reported"] - ly["reported"]) / ly["reported"] * 100, abs=0.05)
    assert "环比上升 200.0%，同比上升 600.0%" in text  # 21 vs 7, 21 vs 3 by hand
    filed, overdue = _number(r"立案 ([\d,]+) 件，超期未结 ([\d,]+) 件", text)
    assert (int(filed), int(overdue)) == (s["filed"], s["overdue_open"]) == (19, 6)

    for label, key in (("结案率", "closure_rate"), ("按期结案率", "on_time_rate"), ("群众满意率", "satisfaction_rate")):
        v, d1, mom, d2, yoy = _number(rf"(?<!按期){label} ([\d.]+)%，环比(上升|下降) ([\d.]+) 个百分点，"
                                      rf"同比(上升|下降) ([\d.]+) 个百分点", text)
        assert float(v) == pytest.approx(s[key] * 100, abs=0.05), label
        assert _signed(d1, mom) == pytest.approx((s[key] - prev[key]) * 100, abs=0.05), label
        assert _signed(d2, yoy) == pytest.approx((s[key] - ly[key]) * 100, abs=0.05), label
    # by hand: 14/19 = 73.7% (−9.6 pp vs 5/6, −26.3 vs 2/2); 9/15 = 60.0%; 7/9 = 77.8% (+11.1, −22.2)
    assert "结案率 73.7%，环比下降 9.6 个百分点，同比下降 26.3 个百分点" in text
    assert "按期结案率 60.0%，环比上升 10.0 个百分点，同比下降 40.0 个百分点" in text
    assert "群众满意率 77.8%，环比上升 11.1 个百分点，同比下降 22.2 个百分点（有效评价 9 条）" in text

    v, grade, d1, mom, d2, yoy = _number(r"平安指数 ([\d.]+)（(\S+?)），较上周(上升|下降) ([\d.]+)，较去年同期(上升|下降) ([\d.]+)",
                                         text)
    assert float(v) == pytest.approx(s["safety_index"], abs=0.05) and grade == s["safety_grade"] == "预警"
    assert _signed(d1, mom) == pytest.approx(s["safety_index"] - prev["safety_index"], abs=0.05)
    assert _signed(d2, yoy) == pytest.approx(s["safety_index"] - ly["safety_index"], abs=0.05)
    # by hand: 53.7 this week, 55.3 the week before, 87.1 last year; the index fell, and what fell most
    # was 治安警情率: 4 cases → 40.95, against 1 case → 88.57 the week before (−47.6)
    assert "平安指数 53.7（预警），较上周下降 1.5，较去年同期下降 33.4，主要因治安警情率得分下降 47.6 分" in text


def test_narrative_names_the_lists_and_the_grade_drop(fixture_db):
    text = narrative(review(fixture_db))
    # S2 64.9 above S1 47.7 (tests/test_metrics.py); on time S2 5/7 = 71.4%, S1 4/8 = 50.0%
    assert "街道平安指数最高的是西街道（64.9），最低的是东街道（47.7，预警）。" in text
    assert "街道按期结案率最高的是西街道（71.4%），最低的是东街道（50.0%）。" in text
    # S1 fell from 51.2 to 47.7; its 群众满意率 score fell most: 1/1 → 100 the week before, 4/5 → 60 now
    assert "东街道指数下降最多，较上周下降 3.5，主要因群众满意率得分下降 40.0 分。" in text
    assert "平安等级下降的区域共 1 个：第五网格（基本平安→预警，主要因治安警情率得分下降 82.1 分）。" in text


# ---- lists by hand ----

def test_street_lists_and_movers_by_hand(fixture_db):
    r = review(fixture_db)
    lists = {k: [a.code for a in v] for k, v in r.street_lists.items()}
    assert lists == {"index_red": ["S2"], "index_black": ["S1"], "on_time_red": ["S2"], "on_time_black": ["S1"]}
    s1, s2 = rows(r)["S1"], rows(r)["S2"]
    # S1 the week before: 治安 E41 → 51.53, 隐患 E30 due & open → 0, 按期 2/3 → 55.24, 满意 1/1 → 100,
    # 走访 60/700 → 47.76, 纠纷 none; index 51.20
    s1_prev = _index((.30, _police(1, 1800)), (.15, _s(0, .98, .70)), (.15, _s(2 / 3, .98, .70)),
                     (.15, _s(1, .98, .80)), (.10, _s(60 / 700, 1.0, .30)))
    assert s1.prev_index == pytest.approx(s1_prev) and s1.prev_grade == "预警"
    assert (s1.mover.name, s1.mover.before, s1.mover.after) == ("群众满意率", 100.0, pytest.approx(60.0))
    # S2 the week before: 治安 0 → 100, 纠纷 E43 1/1 → 100, 按期 1/3 → 7.62, 满意 1/2 → 0, 走访 0 → 42.86
    s2_prev = _index((.30, _police(0, 4200)), (.15, _s(1, .90, .50)), (.15, _s(1 / 3, .98, .70)),
                     (.15, _s(1 / 2, .98, .80)), (.10, _s(0, 1.0, .30)))
    assert s2.prev_index == pytest.approx(s2_prev)
    # 治安 3 cases now → 36.42 against 100: −63.6, more than 按期 +54.4 or 满意 +48.9
    assert s2.mover.name == "治安警情率" and s2.mover.change == pytest.approx(_police(3, 4200) - 100)
    assert s2.mover.direction == "下降"


def test_grid_lists_by_hand(fixture_db):
    r = review(fixture_db)
    # index: G4 93.28, G6 85.71, G2 63.53, G5 51.74, G1 40.53, G3 40.32 → 6 ranked, 3 on each list
    g2 = _index((.30, _police(0, 800)), (.15, _s(1 / 2, .98, .70)), (.15, _s(1 / 4, .98, .70)),
                (.15, _s(1, .98, .80)), (.10, _s(0, 1.0, .30)))
    g3 = _index((.30, _police(2, 1200)), (.15, _s(1, .90, .50)), (.15, _s(2 / 4, .98, .70)),
                (.15, _s(2 / 3, .98, .80)), (.10, _s(1, 1.0, .30)))
    assert rows(r)["G2"].safety_index == pytest.approx(g2) and rows(r)["G3"].safety_index == pytest.approx(g3)
    assert [a.code for a in r.grid_lists["index_red"]] == ["G4", "G6", "G2"]
    assert [a.code for a in r.grid_lists["index_black"]] == ["G3", "G1", "G5"]  # worst first
    # on time, at least 3 due cases: G1 3/4, G3 2/4, G2 1/4 (G4 has 1 due, G5 2, G6 none) → one each
    assert {a.code: a.due_n for a in r.grids} == {"G1": 4, "G2": 4, "G3": 4, "G4": 1, "G5": 2, "G6": 0}
    assert [a.code for a in r.grid_lists["on_time_red"]] == ["G1"]
    assert [a.code for a in r.grid_lists["on_time_black"]] == ["G2"]
    # with no minimum: G4 1/1 and G5 2/2 tie at 100% (lower code first), then G1, G3, G2
    loose = rank_lists(r.grids, 10, min_due=1)
    assert [a.code for a in loose["on_time_red"]] == ["G4", "G5"]
    assert [a.code for a in loose["on_time_black"]] == ["G2", "G3"]


def test_grade_drop_found_by_hand(fixture_db):
    r = review(fixture_db)
    # G5 the week before: only E44 (rejected) → 治安 0 cases → 100, 走访 0/450 → 42.86: 85.71 基本平安.
    # This week: E18 (治安, 1/1100) → 17.87, 按期 E18 E20 2/2 → 100, 走访 300/450 → 80.95: 51.74 预警.
    # Every other street and grid keeps its grade (G4 rises 81.2 → 93.3; G6 85.7 both weeks).
    assert [a.code for a in r.grade_drops] == ["G5"]
    g5 = r.grade_drops[0]
    assert g5.prev_index == pytest.approx(_index((.30, _police(0, 1100)), (.10, _s(0, 1.0, .30))))
    assert g5.safety_index == pytest.approx(_index((.30, _police(1, 1100)), (.15, _s(1, .98, .70)),
                                                   (.10, _s(300 / 450, 1.0, .30))))
    assert (g5.prev_grade, g5.safety_grade, g5.street) == ("基本平安", "预警", "西街道")
    assert g5.faller.name == "治安警情率" and g5.faller.change == pytest.approx(_police(1, 1100) - 100)
    assert rows(r)["G4"].prev_grade == "基本平安" and rows(r)["G4"].safety_grade == "平安"


def _area(code, now, before):
    model = SafetyModel()
    grade = (lambda v: model.grade(v).name if v is not None else None)
    return AreaWeek(code=code, name=code, level="grid", street="", reported=1, due_n=5, safety_index=now,
                    safety_grade=grade(now), safety_color="", on_time_rate=None, closure_rate=None, prev_reported=1,
                    prev_index=before, prev_grade=grade(before), prev_on_time_rate=None, moves=())


def test_grade_drop_rules_by_hand():
    areas = (_area("A", 89.9, 90.0),   # 平安 → 基本平安: fell, by 0.1 only
             _area("B", 69.0, 95.0),   # 平安 → 预警: fell two bands, by 26
             _area("C", 81.0, 79.0),   # 关注 → 基本平安: rose
             _area("D", 70.0, 79.9),   # both 关注: same band, no drop
             _area("E", 50.0, None),   # no grade last week: nothing to compare
             _area("F", None, 90.0))   # no index this week
    assert [a.code for a in grade_drops(areas, SafetyModel())] == ["B", "A"]  # largest fall first


def test_movers_by_hand():
    moves = (Mover("a", "甲", 60, 70), Mover("b", "乙", 80, 70), Mover("c", "丙", 50, 45))
    assert largest_move(moves).key == "a"  # |+10| ties |−10|: the model's order decides
    assert largest_fall(moves).key == "b"
    assert largest_move((Mover("a", "甲", 60, 60),)) is None and largest_fall((Mover("a", "甲", 50, 60),)) is None


# ---- scope ----

def test_the_review_keeps_to_the_scope(fixture_db):
    r = review(fixture_db, Scope(("S1",)))
    assert r.area_name == "东街道" and r.kpis["reported"] == 10  # S1's 10 reports (tests/test_metrics.py)
    assert [a.code for a in r.streets] == ["S1"] and [a.code for a in r.grids] == ["G1", "G2"]
    assert not any(name in s for s in narrative(r) for name in ("西街道", "第三网格", "第五网格"))
    with pytest.raises(ScopeDenied):
        weekly_review(fixture_db, week=W10, asof=ASOF, scope=Scope(("S1",)), area_code="S2")


# ---- absent data: every sentence stays true (2026-W06 = 02-02 … 02-08 holds nothing, nor W05, nor 2025-W06) ----

EMPTY = parse_week("2026-W06")
EMPTY_ASOF = datetime(2026, 2, 9, 12)
RATES_ONLY = SafetyModel(indicators=tuple(i for i in SafetyModel().indicators
                                          if i.key in ("on_time_rate", "satisfaction_rate")))  # no index without cases


def test_a_week_without_data_asserts_nothing_about_missing_numbers(fixture_db):
    r = weekly_review(fixture_db, week=EMPTY, asof=EMPTY_ASOF, scope=Scope.everywhere(), model=RATES_ONLY)
    assert (r.kpis["reported"], r.kpis["closure_rate"], r.kpis["safety_index"]) == (0, None, None)
    assert all(a.safety_index is None and a.prev_index is None for a in r.streets + r.grids)
    per_level = ["本周平安指数均无数据，未按平安指数排名。", "本周没有应结案件不少于 3 件的{}，未按按期结案率排名。",
                 "本周或上周平安指数无数据，无法比较升降。"]
    assert narrative(r) == [
        # E31 (reported 01-15, due 01-16) is still open at 02-09 12:00: the one overdue case
        "本周（2026-W06，2026-02-02 至 2026-02-08）测试区上报事件 0 件，环比无可比数据，同比无可比数据；立案 0 件，超期未结 1 件。",
        "结案率无数据（本周立案数为 0）；按期结案率无数据（本周应结案数为 0）。",
        "本周没有有效的群众满意度评价。",
        "平安指数本周无数据：参与计算的各项指标（按期结案率、群众满意率）均无数据。",
        *(("各" + level + s) if not s.startswith("本周没有") else s.format(level)
          for level in ("街道", "网格") for s in per_level),
        "本周没有派往职能部门的事件。",
        "街道和网格本周或上周均无平安等级，无法比较等级升降。",
    ]


def test_a_ranking_without_every_area_says_how_many_it_compared(fixture_db):
    import dataclasses

    r = review(fixture_db)
    grids = (_area("A", 65.0, 60.0), _area("B", None, None), _area("C", 75.0, None))  # only A has both weeks
    r = dataclasses.replace(r, grids=grids, grid_lists=rank_lists(grids, 10), grade_drops=grade_drops(grids, SafetyModel()))
    text = narrative(r)
    assert "网格平安指数最高的是C（75.0），最低的是A（65.0，预警）。" in text
    assert "有可比数据的 1 个网格平安指数均未下降（另有 2 个本周或上周无数据）。" in text
    assert not any("各网格平安指数均未下降" in s for s in text)
    # S1 and S2 are graded both weeks; of the grids only A: 3 compared, 2 not, none fell
    assert "有可比等级的 3 个街道或网格中，没有平安等级下降的（另有 2 个街道或网格本周或上周无平安等级，未比较）。" in text


def test_tied_areas_are_not_called_highest_and_lowest(fixture_db):
    # the default model on the empty week: no cases → 治安 100, no visits → 走访 42.86, nothing else
    # scored: (0.30 × 100 + 0.10 × 42.86) / 0.40 = 85.71 for every street and grid alike
    r = weekly_review(fixture_db, week=EMPTY, asof=EMPTY_ASOF, scope=Scope.everywhere())
    assert {round(a.safety_index, 2) for a in r.streets + r.grids} == {85.71}
    lists = {k: [a.code for a in v] for k, v in r.grid_lists.items() if k.startswith("index")}
    assert lists == {"index_red": ["G1", "G2", "G3"], "index_black": ["G4", "G5", "G6"]}  # never the same area
    text = narrative(r)
    assert "参与排名的街道平安指数相同（85.7），不分高低。" in text and "参与排名的网格平安指数相同（85.7），不分高低。" in text
    assert not any("最高的是" in s for s in text)
    assert "各街道平安指数均未下降。" in text  # 85.71 the week before too: a true statement here
    assert "本周没有街道或网格的平安等级低于上周。" in text


def test_a_single_area_is_on_both_lists_and_named_alone():
    only = (_area("A", 65.0, 60.0),)
    assert {k: [a.code for a in v] for k, v in rank_lists(only, 3).items()} == {
        "index_red": ["A"], "index_black": ["A"], "on_time_red": [], "on_time_black": []}
    two = (_area("A", 65.0, 60.0), _area("B", 65.0, 70.0))
    assert [a.code for a in rank_lists(two, 3)["index_black"]] == ["B"]  # tie: A is already red


# ---- 部门红黑榜 (hand values: tests/test_departments.py) ----

def test_department_lists_and_their_sentences_by_hand(fixture_db):
    """W10's 按期结案率: 公安分局 4/4, 司法所 2/3, 住建局 2/3, 城管局 1/5 (1/3 the week before); each has at
    least 3 due cases, so all four are ranked, two on each list (ties: the lower code)."""
    r = review(fixture_db)
    lists = {k: [(d.code, d.on_time_rate) for d in v] for k, v in r.department_lists.items()}
    assert lists == {"dept_red": [("GA", 1.0), ("SF", pytest.approx(2 / 3))],
                     "dept_black": [("CG", pytest.approx(1 / 5)), ("ZJ", pytest.approx(2 / 3))]}
    assert r.departments_absent is None
    said = narrative(r)
    assert "部门按期结案率最高的是公安分局（100.0%），最低的是城管局（20.0%，较上周下降 13.3 个百分点）。" in said
    # dispatches ≥ 3: 退单率 ZJ 2/6 > SF 1/4 > CG 1/9; 响应时长 ZJ 3 h
    assert "退单率最高的是住建局（33.3%，派遣 6 次）；响应最慢的是住建局（派遣后平均 3.0 小时签收）。" in said


def test_an_officials_department_lists_hold_their_cases_only(fixture_db):
    """S1 (G1, G2): 城管局 E2 E8 E9, 0 of 3 on time; 住建局 E6 E7 (2 due: not ranked); 司法所 E3 E4 and
    公安分局 E1 (fewer than 3 due): only 城管局 has 3 due cases, so it is on both lists."""
    r = review(fixture_db, Scope(("S1",)))
    assert {d.code: d.handled for d in r.departments} == {"CG": 3, "ZJ": 2, "SF": 2, "GA": 1}
    assert [d.code for d in r.department_lists["dept_red"]] == ["CG"] == [d.code for d in r.department_lists["dept_black"]]
