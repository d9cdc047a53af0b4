"""预警 on the fixture city (tests/fixture.py), on DuckDB, PostgreSQL and MariaDB: the counts each unit
is judged on (hand-counted), the negative-binomial tail (against a second formula), an injected surge
found at every level above it and nowhere else, and 临期 cases."""
from __future__ import annotations

import math
from datetime import date, datetime

import pytest

from metrics.alerts import AlertModel, due_soon, surge_tests, surges, upper_tail
from metrics.scope import Scope

CITY = Scope.everywhere()
KW = dict(start=date(2026, 3, 2), end=date(2026, 3, 9))
END_OF_P = datetime(2026, 3, 9)  # T for the surge counts: the windows are (T − 24 h, T] and (T − 7 d, T]


def unit(tests, area_id, key, hours):
    row = tests[(tests["area_id"] == area_id) & (tests["key"] == key) & (tests["window_hours"] == hours)]
    assert len(row) == 1, row
    return row.iloc[0]


def test_what_each_unit_is_judged_on(fixture_db):
    tests = surge_tests(fixture_db, **KW, asof=END_OF_P, scope=CITY)
    # District (id 1) × CM01, the last 7 days (03-02 00:00, 03-09 00:00]: filed E2 E8 E9 E13 E16 E22 E23
    # and E19 (at T itself); E20 at 03-02 00:00 belongs to the week before, E5 is rejected.
    week = unit(tests, 1, "CM01", 168)
    assert week["observed"] == 8
    # the 8 weeks before: E20, E21, E42, E45 in week 1; E31 (01-15) in week 7; E44 rejected
    assert week["base"] == 5 and week["expected"] == pytest.approx(5.5 / 8)
    # the last 24 hours (03-08 00:00, 03-09 00:00]: E23, E19; the same hours a week back: E45, E20
    day = unit(tests, 1, "CM01", 24)
    assert (day["observed"], day["base"]) == (2, 2)
    # a dimension adds up its categories: city_management is CM01 only
    assert unit(tests, 1, "city_management", 168)["observed"] == 8
    # S1 (id 2) × CM01 last 7 days: E2, E8, E9, E23, E19 (G1, G2)
    assert unit(tests, 2, "CM01", 168)["observed"] == 5
    assert not (tests["area_id"] == 999).any()  # E17's unknown grid is in no area


def test_an_official_is_judged_on_their_areas_only(fixture_db):
    tests = surge_tests(fixture_db, **KW, asof=END_OF_P, scope=Scope(("S1",)))
    assert set(tests["area_id"]) <= {2, 4, 6, 11, 12}  # S1, W1, C1, G1, G2


def nb_tail_by_sum(x: int, r: float, p: float) -> float:
    """1 − P(X < x), the pmf written with binomial-coefficient gammas: a second way to the tail."""
    pmf = lambda k: math.exp(math.lgamma(k + r) - math.lgamma(k + 1) - math.lgamma(r)) * p ** r * (1 - p) ** k  # noqa: E731
    return 1 - sum(pmf(k) for k in range(x))


@pytest.mark.parametrize("x, base", [(8, 5), (3, 0), (20, 10), (9, 1)])
def test_negative_binomial_tail(x, base):
    r, p = base + 0.5, 8 / 9
    assert upper_tail(x, r, p) == pytest.approx(nb_tail_by_sum(x, r, p), rel=1e-6)
    assert upper_tail(0, r, p) == 1.0 and upper_tail(math.floor(r / 8), r, p) == 1.0  # at or below the mean: not high


def test_the_fixtures_own_week_is_a_surge_of_city_cases(fixture_db):
    # 8 CM01 cases in the week against 5 in the 8 weeks before: flagged; public security is not
    got = surges(fixture_db, **KW, asof=END_OF_P, scope=CITY)
    assert ("D", "CM01", 168) in {(a["area_code"], a["category_code"], a["window_hours"]) for a in got}
    assert not [a for a in got if "PS01" in (a["category_code"], ) or a["dimension"] == "public_security"]


SURGE = [f"INSERT INTO events (id, case_no, grid_id, category_code, source, reported_at, status, deadline_at) "
         f"VALUES ({500 + i}, 'S{i}', 11, 'PS01', 'worker_app', TIMESTAMP '2026-03-08 {10 + i}:00:00', 'processing', "
         f"TIMESTAMP '2026-03-10 10:00:00')" for i in range(9)]


def test_an_injected_surge_is_found_above_it_and_nowhere_else(fixture_copy, monkeypatch):
    from data_access.db import Database
    db = Database.connect(fixture_copy(*SURGE))  # nine public-security cases in G1 on 03-08
    try:
        got = surges(db, **KW, asof=END_OF_P, scope=CITY)
        tests = surge_tests(db, **KW, asof=END_OF_P, scope=CITY)
    finally:
        db.dispose()
    security = [a for a in got if a["category_code"] == "PS01" or a["dimension"] == "public_security"]
    # G1 and every area above it in the last day, no other area; by dimension only where public
    # security counts more than PS01's cases (else it is the same alert, said once)
    levels = {"G1": 11, "C1": 6, "W1": 4, "S1": 2, "D": 1}
    more = {code for code, area in levels.items()
            if tuple(unit(tests, area, "public_security", 24)[["observed", "base"]])
            != tuple(unit(tests, area, "PS01", 24)[["observed", "base"]])}
    assert {(a["area_code"], a["unit"]) for a in security if a["window_hours"] == 24} == {
        *((code, "category") for code in levels), *((code, "dimension") for code in more)}
    g1 = next(a for a in got if a["area_code"] == "G1" and a["window_hours"] == 24 and a["category_code"] == "PS01")
    assert g1["observed"] == 9 and g1["since"] == datetime(2026, 3, 8, 10)
    assert g1["words"].startswith("近24小时 ") and "9 件，常态约" in g1["words"] and "偏高" in g1["words"]
    assert 0 < g1["p_value"] < AlertModel().alpha


def test_cases_about_to_breach(fixture_db):
    # open at T = 03-12 12:00 with a deadline in the next 48 hours: E15 (03-14 09:00, G4)
    got = due_soon(fixture_db, **KW, asof=datetime(2026, 3, 12, 12), scope=CITY, model=AlertModel(due_hours=48))
    assert [(a["area_code"], a["category_code"], a["observed"]) for a in got] == [("G4", "SH01", 1)]
    assert due_soon(fixture_db, **KW, asof=datetime(2026, 3, 12, 12), scope=CITY, model=AlertModel(due_hours=24)) == []
    assert due_soon(fixture_db, **KW, asof=datetime(2026, 3, 12, 12), scope=Scope(("S1",)),
                    model=AlertModel(due_hours=48)) == []  # E15 is in S2


def test_an_alert_on_the_overview_opens_exactly_its_cases(open_page, fixture_copy):
    from tests.test_page_cases import listed, total_line
    at = open_page(None, url=fixture_copy(*SURGE), link=True, asof="2026-03-09T00:00")
    first = next(m.value for m in at.markdown if "近" in m.value and "件，常态约" in m.value)
    observed = int(first.split("件，常态约")[0].split()[-1].replace(",", ""))
    next(b for b in at.button if b.label == "查看事件").click().run()
    assert at.title[0].value.startswith("事件明细")
    assert total_line(at).startswith(f"**共 {observed} 件**")
    assert len(listed(at)) == observed


def test_below_an_alerting_area_its_children_are_tested_among_themselves():
    """A street-wide surge spread over its grids: no grid passes the whole-city correction, but below
    the street that alerts each grid is judged among the street's grids only."""
    import pandas as pd

    from metrics.alerts import drill_down
    from metrics.scope import AreaTree
    tree = AreaTree(pd.DataFrame({"parent_id": [None, 1, 1, 2, 2], "level": ["district", "street", "street", "grid", "grid"],
                                  "code": ["D", "S1", "S2", "G1", "G2"], "name": list("DABCE"), "households": 0,
                                  "population": 0, "lon": None, "lat": None}, index=[1, 2, 3, 11, 12]))
    tests = pd.DataFrame({"area_id": [2, 3, 11, 12], "unit": "category", "key": "AQ01", "window_hours": 24,
                          "observed": [20, 6, 9, 11], "p_value": [1e-9, 0.2, 0.004, 0.03]})
    model = AlertModel(alpha=0.05)
    candidates = tests.assign(threshold=0.05 / 1000)  # the whole city's correction: only S1 passes
    got = drill_down(tree, tests, candidates[candidates["p_value"] < candidates["threshold"]], candidates, model)
    # G1 at 0.004 < 0.05 / 2 (S1's two grids); G2 at 0.03 is not; S2 did not alert, so nothing below it is tested
    assert sorted(got["area_id"]) == [2, 11]
    assert got.set_index("area_id").loc[11, "threshold"] == 0.025


def test_a_jump_in_overdue_cases(fixture_db):
    from metrics.alerts import overdue_jumps
    # 03-09 12:00 → 03-10 12:00: E19 (G1, due 03-10 00:00) and E9 (G2, due 03-10 09:00) fall overdue,
    # so S1 goes from 3 (E7, E30, and E8, closed only on 03-12) to 5; S2 stays at 2 (E22, E31)
    got = overdue_jumps(fixture_db, **KW, asof=datetime(2026, 3, 10, 12), scope=CITY, model=AlertModel(overdue_jump=2))
    assert [(a["area_code"], a["observed"], a["expected"]) for a in got] == [("S1", 5, 3)]
    assert overdue_jumps(fixture_db, **KW, asof=datetime(2026, 3, 10, 12), scope=CITY, model=AlertModel(overdue_jump=3)) == []


def test_a_jump_on_the_overview_opens_exactly_the_overdue_cases(open_page):
    from tests.test_page_cases import listed, total_line
    # the jump of test_a_jump_in_overdue_cases, seen on 总览: S1 at 5 超期未结 (E7, E8, E9, E19, E30)
    at = open_page(None, link=True, asof="2026-03-10T12:00", config="[alerts]\noverdue_jump = 2\n")
    # listed although six surges come before it in strength (the kinds take turns)
    assert any("**东街道**　超期未结 5 件，24 小时前 3 件" in m.value for m in at.markdown)  # S1
    next(b for b in at.button if b.key and "overdue_jump" in b.key).click().run()
    assert at.title[0].value.startswith("事件明细")
    assert total_line(at).startswith("**共 5 件**")
    assert event_ids(listed(at)) == [7, 8, 9, 19, 30]


def test_due_soon_on_the_overview_opens_exactly_the_cases_about_to_breach(open_page):
    from tests.test_page_cases import listed, total_line
    # at 03-13 10:00, open and due within 24 hours: E15 (G4, due 03-14 09:00) only
    at = open_page(None, link=True, asof="2026-03-13T10:00")
    assert any("**临期**　1 件未结案件将在 24 小时内到期（1 个网格）" in m.value for m in at.markdown)
    next(b for b in at.button if b.key == "alert_due_soon").click().run()
    assert total_line(at).startswith("**共 1 件**")
    assert event_ids(listed(at)) == [15]


def event_ids(rows) -> list[int]:
    return sorted(int(no[-4:]) for no in rows["案卷号"])  # the fixture's case numbers end in the event id


def test_a_dimension_that_counts_one_categorys_cases_is_not_said_twice(fixture_db):
    # at 03-10 12:00 the city's 7 CM01 cases of the week are all its city_management cases, now and in
    # the baseline: one alert, the category's; public safety (several categories) would keep its own
    asof = datetime(2026, 3, 10, 12)
    tests = surge_tests(fixture_db, **KW, asof=asof, scope=CITY)
    city = unit(tests, 1, "city_management", 168)
    assert (city["observed"], city["base"]) == tuple(unit(tests, 1, "CM01", 168)[["observed", "base"]])
    got = surges(fixture_db, **KW, asof=asof, scope=CITY)
    week = {(a["area_code"], a["unit"], a["category_name"]) for a in got if a["window_hours"] == 168}
    assert ("D", "category", "市容环境") in week and ("D", "dimension", "城市管理") not in week
