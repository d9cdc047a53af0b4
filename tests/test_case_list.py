"""事件明细 on the fixture city, on DuckDB, PostgreSQL and MariaDB: the list behind a figure holds exactly
the cases the figure counts (hand lists from tests/fixture.py), pages never repeat or skip a case, the
record's durations are the hand-computed ones, and a case outside the scope answers like one that
does not exist."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from metrics import breakdowns
from metrics.case_list import NOT_FOUND, SORTS, CaseFilter, CaseNotFound, case_export, case_page
from metrics.case_record import case_record
from metrics.scope import Scope
from metrics.summary import summarize

T = datetime(2026, 3, 12, 12)
VIEW = dict(start=date(2026, 3, 2), end=date(2026, 3, 9), asof=T)
CITY = Scope.everywhere()


def ids(db, scope=CITY, area=None, **filters) -> list[int]:
    total, rows = case_page(db, **VIEW, scope=scope, area_code=area, case_filter=CaseFilter(**filters), page_size=500)
    assert total == len(rows)
    return sorted(int(i) for i in rows["id"])


# The cases behind each KPI (tests/fixture.py's table; E17 is of no known grid and is never listed).
BEHIND = {
    "reported": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 22, 23, 24],
    "filed": [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 22, 23],  # E5, E24 rejected
    "closed": [1, 2, 3, 4, 6, 8, 10, 11, 12, 13, 14, 16, 18, 20],  # E9 closed after T, E22 a stale date
    "on_time_n": [1, 3, 4, 6, 10, 11, 14, 18, 20],
    "due_n": [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 14, 18, 20, 22],
    "overdue_open": [7, 9, 19, 22, 30, 31],  # whenever reported: E19 after P, E30 and E31 before it
    "dispatched": [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 22],  # E23 still 'reported'
    "closed_in_p": [1, 2, 3, 4, 6, 10, 11, 12, 13, 14, 20, 21, 45],  # by closing time; E16 closed before its report
}


@pytest.mark.parametrize("measure", BEHIND)
def test_the_list_behind_a_kpi_is_its_cases(fixture_db, measure):
    assert ids(fixture_db, measure=measure) == BEHIND[measure]


def test_list_totals_equal_the_summary_cards(fixture_db):
    got = summarize(fixture_db, **VIEW, scope=CITY, area_code="S1", compare=False)
    for measure in ("reported", "filed", "closed", "overdue_open"):
        total, _ = case_page(fixture_db, **VIEW, scope=CITY, area_code="S1", case_filter=CaseFilter(measure=measure))
        assert total == got[measure], measure


@pytest.mark.parametrize("by, key", [("category", "category"), ("source", "source"), ("weekday_hour", "weekday_hour"),
                                     ("dimension", "dimension")])
def test_every_bar_and_cell_lists_as_many_cases_as_it_shows(fixture_db, by, key):
    bars = breakdowns.breakdown(fixture_db, **VIEW, scope=CITY, by=by, names=("reported",))
    assert len(bars) >= 3
    for value, reported in zip(bars["key"], bars["reported"]):
        value = int(value) if by == "weekday_hour" else value
        total, _ = case_page(fixture_db, **VIEW, scope=CITY, case_filter=CaseFilter(breakdown=((key, value),)))
        assert total == reported, (by, value)


def test_a_cell_of_the_area_by_dimension_heatmap(fixture_db):
    # S1's disputes in P: E3, E4 (G1); S2's: E12 (G3).
    assert ids(fixture_db, area="S1", breakdown=(("dimension", "dispute"),)) == [3, 4]
    assert ids(fixture_db, area="S2", breakdown=(("dimension", "dispute"),)) == [12]


def test_filters_combine_and_only_narrow(fixture_db):
    assert ids(fixture_db, reopened=True) == [4, 12, 22]
    assert ids(fixture_db, status="processing") == [7, 22]
    assert ids(fixture_db, level="community") == [4, 8, 11, 14, 20]
    assert ids(fixture_db, overdue=True) == [7, 9, 22]  # of the period's reports, overdue at T
    assert ids(fixture_db, overdue=True, area="S1") == [7, 9]
    assert ids(fixture_db, measure="closed", level="grid", breakdown=(("category", "PS01"),)) == [1, 10, 18]
    official = Scope(("S1",))
    assert ids(fixture_db, scope=official) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 23]  # G1 and G2 only


def test_case_number_search_is_text_not_a_pattern(fixture_db):
    assert ids(fixture_db, search="0009") == [9]  # any part of the number
    assert ids(fixture_db, search="9") == [9]  # WG202603070009 and id 9; no other number of P holds a 9
    # LIKE's wildcards are matched as themselves: "%" and "_" find no case number
    assert ids(fixture_db, search="%") == [] and ids(fixture_db, search="_") == []
    assert ids(fixture_db, search="' OR '1'='1") == []


@pytest.mark.parametrize("sort", SORTS)
def test_pages_neither_repeat_nor_skip(fixture_db, sort):
    f = CaseFilter(sort=sort)
    total, first = case_page(fixture_db, **VIEW, scope=CITY, case_filter=f, page_size=4)
    seen = list(first["id"])
    for page in range(2, -(-total // 4) + 1):
        seen += list(case_page(fixture_db, **VIEW, scope=CITY, case_filter=f, page=page, page_size=4)[1]["id"])
    assert sorted(int(i) for i in seen) == BEHIND["reported"]
    assert [int(i) for i in case_export(fixture_db, **VIEW, scope=CITY, case_filter=f)["id"]] == [int(i) for i in seen]


def test_orders(fixture_db):
    _, rows = case_page(fixture_db, **VIEW, scope=CITY, case_filter=CaseFilter(sort="hours"), page_size=5)
    assert list(rows["id"]) == [8, 12, 4, 14, 6]  # 147, 96, 48 (E4 before E14: the id breaks the tie), 48, 47 hours
    assert list(rows["handling_hours"]) == [147.0, 96.0, 48.0, 48.0, 47.0]
    _, rows = case_page(fixture_db, **VIEW, scope=CITY, case_filter=CaseFilter(sort="newest"), page_size=3)
    assert list(rows["id"]) == [18, 23, 15]
    _, rows = case_page(fixture_db, **VIEW, scope=CITY, case_filter=CaseFilter(sort="deadline"), page_size=3)
    assert list(rows["id"]) == [20, 1, 2]
    # deadlines at T: E15 has 45 hours left, E7 is 77 hours past
    _, rows = case_page(fixture_db, **VIEW, scope=CITY, case_filter=CaseFilter(status="dispatched"))
    assert list(rows["hours_left"]) == [45.0]


def test_the_record_of_a_late_case_by_hand(fixture_db):
    rec = case_record(fixture_db, **VIEW, scope=CITY, case_id=2)
    # reported 03-02 10:00, accepted 45 min later, dispatched at 11:00 (fixture), closed 03-03 16:00
    steps = [(s["step"], s["since_previous"], s["since_report"]) for s in rec["steps"]]
    assert steps == [("上报", None, 0.0), ("受理", 0.75, 0.75), ("派遣", 0.25, 1.0), ("结案", 29.0, 30.0)]
    assert rec["verdict"] == {"kind": "late", "hours": 6.0}  # deadline 03-03 10:00
    assert rec["handling_hours"] == 30.0 and rec["sla_hours"] == 24.0
    assert rec["path"] == ["测试区", "东街道", "东一工作片", "东一社区", "第一网格"]


def test_open_cases_against_their_deadline_at_t(fixture_db):
    nine = case_record(fixture_db, **VIEW, scope=CITY, case_id=9)  # closed 03-13, after T
    assert nine["state"] == "open" and [s["step"] for s in nine["steps"]] == ["上报", "受理", "派遣"]
    assert nine["verdict"] == {"kind": "open_overdue", "hours": 51.0}  # deadline 03-10 09:00
    fifteen = case_record(fixture_db, **VIEW, scope=CITY, case_id=15)
    assert fifteen["verdict"] == {"kind": "open_left", "hours": 45.0}  # deadline 03-14 09:00
    thirteen = case_record(fixture_db, **VIEW, scope=CITY, case_id=13)
    assert thirteen["verdict"]["kind"] == "no_deadline"


def test_the_record_lists_the_cases_surveys(fixture_db):
    rec = case_record(fixture_db, **VIEW, scope=CITY, case_id=12)
    assert [(s["at"].strftime("%m-%d %H:%M"), s["result"]) for s in rec["surveys"]] == [("03-08 18:00", "不满意")]


def test_personal_data_is_masked_unless_asked(fixture_db):
    masked = case_record(fixture_db, **VIEW, scope=CITY, case_id=9)
    clear = case_record(fixture_db, **VIEW, scope=CITY, case_id=9, unmasked=True)
    assert clear["reporter_name"] == "周小明" and masked["reporter_name"] == "周*明"
    assert masked["reporter_phone"] == "139****0009" and clear["reporter_phone"] != masked["reporter_phone"]
    assert clear["description"] and masked["description"] == "（已隐藏：含个人信息）"


@pytest.mark.parametrize("scope, case_id", [(Scope(("S1",)), 10),   # exists, in S2
                                            (CITY, 17),              # exists, of no known grid
                                            (CITY, 123456),          # does not exist
                                            (Scope(()), 1)])         # no scope at all: default-deny
def test_outside_the_scope_answers_like_missing(fixture_db, scope, case_id):
    with pytest.raises(CaseNotFound) as caught:
        case_record(fixture_db, **VIEW, scope=scope, case_id=case_id)
    assert str(caught.value) == NOT_FOUND == "该事件不存在或无权查看"


def test_the_record_ignores_the_views_area_but_not_the_scope(fixture_db):
    # an official of S1 looking at G1 may open a case of G2 (in the scope), never one of S2
    assert case_record(fixture_db, **VIEW, scope=Scope(("S1",)), area_code="G1", case_id=7)["grid_code"] == "G2"
