"""The foreign-shaped platform (tests/foreign.py), mapped by config and one view: hand-computed numbers,
无数据 with reasons where the platform records nothing, the checker's report, and every page."""
from __future__ import annotations

import tomllib

import pytest

from data_access.check import WARNING
from data_access.db import Database
from data_access.schema import SchemaMap
from tests.apptest import ROOT, assert_clean, open_app, page_text
from tests.foreign import ASOF, CONFIG, END, START
from tests.test_shapes import PAGES

KW = dict(start=START, end=END, asof=ASOF)


@pytest.fixture(scope="session")
def foreign_db(foreign_url):
    db = Database.connect(foreign_url, SchemaMap.from_config(tomllib.loads(CONFIG)["schema"]))
    yield db
    db.dispose()


def test_city_summary_by_hand(foreign_db):
    from metrics.scope import Scope
    from metrics.summary import summarize
    got = summarize(foreign_db, scope=Scope.everywhere(), **KW)
    assert got["reported"] == 7          # cases 1–7; 8 is before P, 9 at its end, 10 of no grid
    assert got["filed"] == 6             # all but the rejected 4
    assert got["closure_rate"] == pytest.approx(3 / 6)  # 1, 2 (archived code 6) and 5; 6 closed after T
    assert got["mean_hours"] == pytest.approx((4 + 24 + 10) / 3)
    assert got["median_hours"] == pytest.approx(10)
    assert got["satisfaction_rate"] == pytest.approx(3 / 4)  # callbacks 1, 2, 5 of 1, 2, 3, 5; code 0 is no answer
    # The platform has no deadlines, resolving levels or reopen counts: 无数据, never 0.
    for key in ("on_time_rate", "overdue_open", "rework_rate", "grid_resolved_rate"):
        assert got[key] is None, key
    assert "办理期限" in got["why"]["on_time_rate"] and "schema.columns.events.deadline_at" in got["why"]["overdue_open"]
    assert "返工次数" in got["why"]["rework_rate"] and "化解层级" in got["why"]["grid_resolved_rate"]
    # Index from the two indicators there are data for: 治安警情率 and 群众满意率 (config.toml's model).
    security = 3 / 4000 * 10_000 * 30 / 7  # cases 1, 5, 7 per 10,000 of 4,000 residents per 30 days
    s_security = max(0, min(100, 60 + 40 * (security - 20) / (2 - 20)))
    s_satisfaction = 60 + 40 * (0.75 - 0.80) / (0.98 - 0.80)
    from configuration.settings import load_settings
    from metrics.safety_index import SafetyModel
    shipped = load_settings(ROOT / "config.toml").safety  # its indicators, scored the plain way (the hand values'
    model = SafetyModel(shipped.indicators, shipped.grades)  # method; the stable one: tests/test_stable_index.py)
    got = summarize(foreign_db, scope=Scope.everywhere(), model=model, **KW)
    assert got["safety_index"] == pytest.approx((0.30 * s_security + 0.15 * s_satisfaction) / 0.45)


def test_streets_through_the_view(foreign_db):
    from metrics.scope import Scope
    from metrics.summary import children_table
    kids = children_table(foreign_db, scope=Scope.everywhere(), area_code="D01", **KW).set_index("code")
    assert kids["reported"].to_dict() == {"S01": 4, "S02": 3}
    assert kids["filed"].to_dict() == {"S01": 3, "S02": 3}
    assert kids["closure_rate"].to_dict() == pytest.approx({"S01": 2 / 3, "S02": 1 / 3})


def test_sources_with_several_codes_and_an_unmapped_one(foreign_db):
    from metrics.breakdowns import breakdown
    from metrics.scope import Scope
    frame = breakdown(foreign_db, scope=Scope.everywhere(), by="source", names=["reported"], **KW)
    got = dict(zip(frame["label"], frame["reported"]))
    assert got == {"网格员上报": 1, "12345热线": 3, "视频监控": 1, "其他（原值 17）": 2}


def test_funnel_stages_the_platform_records(foreign_db):
    from metrics.breakdowns import funnel
    from metrics.scope import Scope
    counts = dict(zip(*funnel(foreign_db, scope=Scope.everywhere(), **KW)[["stage", "count"]].T.values))
    assert list(counts.values())[0] == 7 and 4 in counts.values()  # 派遣: cases 1, 2, 5, 6


def test_checker_reports_the_mapping(foreign_db):
    from metrics.mapping_report import full_report
    findings = full_report(foreign_db)
    assert not [f for f in findings if f.level == "error"], [f.line() for f in findings if f.level == "error"]
    codes = {f.key: f for f in findings if f.section == "代码映射" and f.level == WARNING}
    assert codes["schema.values.events.source"].count == 2 and "17" in codes["schema.values.events.source"].message
    assert codes["schema.values.surveys.result"].count == 1
    metrics = " ".join(f.key for f in findings if f.section == "指标")
    assert "按期结案率" in metrics and "网格员绩效页" in metrics and "群众满意率" not in metrics


def test_every_page_on_the_foreign_platform(foreign_url, monkeypatch, tmp_path):
    at = open_app(monkeypatch, tmp_path, foreign_url, CONFIG)
    assert_clean(at)
    kpis = {m.label: m.value for m in at.metric}
    assert kpis["上报数"] == "7" and kpis["超期未结"] == "无数据" and kpis["按期结案率"] == "无数据"
    assert "平台未提供事件·办理期限" in page_text(at)
    for page in PAGES:
        at.switch_page(page).run()
        assert_clean(at)


def test_the_case_list_on_the_foreign_platform(foreign_db):
    """The bars of the sources chart list as many cases as they show, the unmapped code 17 included;
    a filter on a column the platform lacks is refused by name; a record without a deadline says so."""
    from metrics.breakdowns import breakdown
    from metrics.case_list import CaseFilter, case_page, unsupported
    from metrics.case_record import case_record
    from metrics.scope import Scope
    city = Scope.everywhere()
    bars = breakdown(foreign_db, scope=city, by="source", names=["reported"], **KW)
    for key, reported in zip(bars["key"], bars["reported"]):
        total, rows = case_page(foreign_db, scope=city, case_filter=CaseFilter(breakdown=(("source", key),)), **KW)
        assert total == reported == len(rows), key
    total, rows = case_page(foreign_db, scope=city, case_filter=CaseFilter(breakdown=(("source", "17"),)), **KW)
    assert total == 2 and set(rows["source"]) == {"其他（原值 17）"}
    assert case_page(foreign_db, scope=city, **KW)[0] == 7
    assert unsupported(foreign_db, CaseFilter(overdue=True, reopened=True, level="grid")) == ["返工", "化解层级", "超期"]
    first = int(case_page(foreign_db, scope=city, **KW)[1]["id"].iloc[0])
    rec = case_record(foreign_db, scope=city, case_id=first, **KW)
    assert rec["verdict"]["kind"] in ("no_deadline", "rejected") and rec["deadline_at"] is None
