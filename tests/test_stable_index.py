"""The stable 平安指数 (metrics/stable_index.py, docs/safety-index.md) against values computed BY HAND
from tests/fixture.py: the trailing window, the shrinkage toward the rest of each parent inside the
user's scope, 样本不足 below min_cases, the hysteresis of the 周报's grade drops, the plain model still
selectable, and the configuration's errors.

Period P = [2026-03-02, 2026-03-09), as-of T = 2026-03-12 12:00. The model has two indicators, each
weighted 0.5: 治安警情率 (lower, excellent 2, floor 20) and 群众满意率 (higher, 98 %, 80 %).
Hand counts used below (tests/fixture.py):

- 群众满意率 (satisfied / valid answers) in P: G1 3/4 (surveys 1, 2, 3 satisfied or basically, 4 not),
  G2 1/1 (5; 6 invalid), G3 2/3 (7, 8; 9 not), G4 1/1 (10; 18 invalid), G5 and G6 0/0 (11 is at P's
  end). So C1 = W1 = S1 = G1 + G2 = 4/5 and the district D = 7/9 (13 is on the unknown grid 999).
- 治安警情 (filed public-security and fire cases) in P: G1 1 (E1), G3 2 (E10, E11; E24 was rejected),
  G5 1 (E18); D 4, S1 = C1 = 1. Residents: G1 1,000, C1 = S1 1,800, D 6,000. Exposure in 万人·30天
  over 7 days: G1 1000·7/300000, C1 1800·7/300000, D 6000·7/300000.
- Events reported in P: G1 5 (E1–E5), G2 5 (E6–E9, E23), G4 3 (E13–E15), G6 0.
"""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from data_access.errors import ConfigError
from metrics.period import Period
from metrics.safety_index import Indicator, SafetyModel
from metrics.scope import Scope
from metrics.stable_index import INSUFFICIENT, StableModel, model_from_config, shrink
from metrics.summary import summarize, trend
from metrics.weekly import grade_drops
from tests.fixture import ASOF, END, START

INDICATORS = (Indicator("security_rate", "治安警情率", "lower", 0.5, 2, 20),
              Indicator("satisfaction_rate", "群众满意率", "higher", 0.5, 0.98, 0.80))


def model(**kw) -> StableModel:
    params = dict(window_days=7, prior_cases=10, prior_exposure=0.5, min_cases=5, grade_margin=3)
    return StableModel(INDICATORS, **{**params, **kw})


def _s(x: float, x_h: float, x_s: float) -> float:
    return min(100.0, max(0.0, 60 + 40 * (x - x_s) / (x_h - x_s)))


def _index(security: float, satisfaction: float) -> float:
    return (0.5 * _s(security, 2, 20) + 0.5 * _s(satisfaction, 0.98, 0.80)) / 1.0


def values(result: dict) -> dict:
    return {p["key"]: p["value"] for p in result["safety_parts"]}


def run(db, m, area_code, scope=None, start=START, end=END):
    return summarize(db, start=start, end=end, asof=ASOF, scope=scope or Scope.everywhere(), area_code=area_code,
                     model=m, detail=True, compare=False)


# ---- shrinkage, by hand ----

def test_shrinkage_toward_the_rest_of_each_parent(fixture_db):
    """G1's chain D → S1 → W1 → C1 → G1; each level's prior is the rest of the parent (the parent less
    the child), shrunk toward the prior above it; D itself has no prior."""
    # 群众满意率, k = 10: D less S1 = (7−4)/(9−5) = 0.75; S1 less W1 and W1 less C1 have no answers
    # (prior stays 0.75); C1 less G1 = 1/1 → (1 + 10·0.75)/(1 + 10); G1 = (3 + 10·that)/(4 + 10).
    c1_rest = (1 + 10 * 0.75) / 11
    g1_sat = (3 + 10 * c1_rest) / 14
    # 治安警情率, k = 0.5 (万人·30天): D less S1 = 3 cases / ((6000 − 1800)·7/300000); C1 less G1 has
    # 0 cases over (1800 − 1000)·7/300000; G1 = (1 + 0.5·prior)/(1000·7/300000 + 0.5).
    d_rest = 3 / (4200 * 7 / 300000)
    c1_rest_police = (0 + 0.5 * d_rest) / (800 * 7 / 300000 + 0.5)
    g1_police = (1 + 0.5 * c1_rest_police) / (1000 * 7 / 300000 + 0.5)
    result = run(fixture_db, model(), "G1")
    got = values(result)
    assert got["satisfaction_rate"] == pytest.approx(g1_sat)
    assert got["security_rate"] == pytest.approx(g1_police)
    assert result["safety_index"] == pytest.approx(_index(g1_police, g1_sat))
    assert g1_police < 1 / 1000 * 10000 * 30 / 7  # one case in a small grid no longer reads as 42.9


def test_shrinkage_stops_at_the_users_scope(fixture_db):
    """An official of S1: G1's chain is S1 → W1 → C1 → G1, and nothing of D (outside) is read. S1 less W1
    and W1 less C1 are empty with no prior above, so the first prior is C1 less G1 itself."""
    scope = Scope(("S1",))
    got = values(run(fixture_db, model(), "G1", scope))
    assert got["satisfaction_rate"] == pytest.approx((3 + 10 * (1 / 1)) / 14)
    assert got["security_rate"] == pytest.approx((1 + 0.5 * 0.0) / (1000 * 7 / 300000 + 0.5))
    top = values(run(fixture_db, model(), "S1", scope))  # the scope's top area keeps its own rate
    assert top["satisfaction_rate"] == pytest.approx(4 / 5)
    assert top["security_rate"] == pytest.approx(1 / 1800 * 10000 * 30 / 7)


def test_no_prior_weight_is_the_raw_window_rate(fixture_db):
    got = values(run(fixture_db, model(prior_cases=0, prior_exposure=0), "G1"))
    assert got["satisfaction_rate"] == pytest.approx(3 / 4)
    assert got["security_rate"] == pytest.approx(1 / 1000 * 10000 * 30 / 7)


def test_an_indicator_without_evidence_stays_without_data(fixture_db):
    """G5 has no valid answer in P: its 群众满意率 is 无数据, not its parent's rate."""
    result = run(fixture_db, model(min_cases=0), "G5")
    assert values(result)["satisfaction_rate"] is None
    assert "群众满意率" in result["safety_missing"]


def test_shrink_formula():
    assert shrink(3, 4, 0.5, 10) == pytest.approx(8 / 14)
    assert shrink(3, 4, None, 10) == pytest.approx(0.75)
    assert shrink(0, 0, None, 10) is None


# ---- the trailing window ----

def test_window_reaches_back_before_the_period(fixture_db):
    """window_days 14 for the 7-day P: [02-23, 03-09). G1 adds survey 12 (satisfied, 03-01) → 4/5, and
    E41 (public security, 02-23) → 2 cases over 14 days."""
    got = values(run(fixture_db, model(window_days=14, prior_cases=0, prior_exposure=0), "G1"))
    assert got["satisfaction_rate"] == pytest.approx(4 / 5)
    assert got["security_rate"] == pytest.approx(2 / 1000 * 10000 * 30 / 14)


def test_window_is_at_least_the_period(fixture_db):
    assert StableModel(window_days=28).window(date(2026, 3, 9), 90) == Period(date(2025, 12, 9), date(2026, 3, 9))
    assert StableModel(window_days=28).window(date(2026, 3, 9), 7) == Period(date(2026, 2, 9), date(2026, 3, 9))


def test_trend_points_are_trailing_windows(fixture_db):
    """Each day of G1's trend is scored on the 7 days ending with it. 03-04: [02-26, 03-05) holds surveys
    12, 3, 1, 4, 2 (4 of 5 satisfied) and E1 (1 case). (G1's last day with rows of its own is 03-04:
    a trend has a point where the bucket has rows.)"""
    m = model(prior_cases=0, prior_exposure=0, min_cases=0)
    frame = trend(fixture_db, start=START, end=END, asof=ASOF, scope=Scope.everywhere(), area_code="G1",
                  grain="day", model=m).set_index("period_start")
    day = {p["key"]: p["value"] for p in frame.loc["2026-03-04", "safety_parts"]}
    assert day["satisfaction_rate"] == pytest.approx(4 / 5)
    assert day["security_rate"] == pytest.approx(1 / 1000 * 10000 * 30 / 7)
    first = {p["key"]: p["value"] for p in frame.loc["2026-03-02", "safety_parts"]}
    assert first["satisfaction_rate"] == pytest.approx(3 / 3)  # [02-24, 03-03): surveys 12, 3, 1


def test_trend_with_shrinkage_matches_the_window_query(fixture_db):
    """The trend's daily sums over a window equal one aggregate of that window (a period of its own)."""
    m = model(min_cases=0)
    frame = trend(fixture_db, start=START, end=END, asof=ASOF, scope=Scope.everywhere(), area_code="G1",
                  grain="day", model=m).set_index("period_start")
    direct = run(fixture_db, m, "G1", start=date(2026, 2, 26), end=date(2026, 3, 5))
    assert {p["key"]: p["value"] for p in frame.loc["2026-03-04", "safety_parts"]} == pytest.approx(values(direct))
    assert frame.loc["2026-03-04", "safety_index"] == pytest.approx(direct["safety_index"])


# ---- 样本不足 ----

@pytest.mark.parametrize("code, cases", [("G4", 3), ("G6", 0)])
def test_too_few_cases_is_not_graded(fixture_db, code, cases):
    result = run(fixture_db, model(), code)
    assert result["safety_index"] is None
    assert result["safety_grade"] == INSUFFICIENT
    assert f"上报 {cases} 件" in result["why"]["safety_index"] and "少于 5 件" in result["why"]["safety_index"]


def test_enough_cases_is_graded(fixture_db):
    """G1 and G2 have exactly 5 events in P: min_cases 5 grades them."""
    for code in ("G1", "G2"):
        result = run(fixture_db, model(), code)
        assert result["safety_index"] is not None and result["safety_grade"] != INSUFFICIENT


# ---- hysteresis ----

@pytest.mark.parametrize("index, previous, expected", [
    (88.0, "平安", "平安"),        # 2 points under 90: within the margin of 3
    (87.0, "平安", "平安"),        # exactly the margin: not more than it
    (86.9, "平安", "基本平安"),
    (78.5, "平安", "基本平安"),    # far past 90, but only 1.5 under 80
    (60.0, "平安", "预警"),
    (93.0, "基本平安", "基本平安"),
    (93.1, "基本平安", "平安"),
    (85.0, "基本平安", "基本平安"),
    (85.0, None, "基本平安"),      # nothing to hold: the plain grade
    (85.0, INSUFFICIENT, "基本平安"),
])
def test_held_grade(index, previous, expected):
    assert StableModel().held_grade(index, previous).name == expected


def test_plain_model_has_no_hysteresis():
    assert SafetyModel().held_grade(88.0, "平安").name == "基本平安"


def test_weekly_grade_drops_count_only_past_the_margin():
    rows = tuple(SimpleNamespace(code=c, safety_index=i, safety_grade=SafetyModel().grade(i).name, prev_grade=p,
                                 index_change=None) for c, i, p in
                 [("a", 88.0, "平安"), ("b", 85.0, "平安"), ("c", 79.5, "基本平安"), ("d", 76.0, "基本平安")])
    assert [r.code for r in grade_drops(rows, StableModel())] == ["b", "d"]
    assert [r.code for r in grade_drops(rows, SafetyModel())] == ["a", "b", "c", "d"]


# ---- the plain model stays selectable ----

def test_plain_method_is_todays_model(fixture_db):
    plain = model_from_config({"method": "plain"})
    assert type(plain) is SafetyModel
    assert run(fixture_db, plain, "G1")["safety_index"] == pytest.approx(run(fixture_db, SafetyModel(), "G1")["safety_index"])
    assert run(fixture_db, plain, "G4")["safety_grade"] != INSUFFICIENT


def test_stable_is_the_default_with_its_parameters():
    m = model_from_config(None)
    assert isinstance(m, StableModel)
    assert (m.window_days, m.prior_cases, m.prior_exposure, m.min_cases, m.grade_margin) == (28, 10, 0.5, 5, 3)
    m = model_from_config({"window_days": 14, "prior_cases": 4, "grade_margin": 0})
    assert (m.window_days, m.prior_cases, m.grade_margin) == (14, 4, 0)


def test_shipped_config_selects_the_stable_method():
    from configuration.settings import load_settings, DEFAULT_CONFIG
    s = load_settings(DEFAULT_CONFIG, env={}).safety
    assert isinstance(s, StableModel) and s.window_days == 28 and s.min_cases == 5


# ---- configuration errors ----

@pytest.mark.parametrize("section, key", [
    ({"method": "fancy"}, "safety_index.method"),
    ({"window_days": 0}, "safety_index.window_days"),
    ({"window_days": 7.5}, "safety_index.window_days"),
    ({"prior_cases": -1}, "safety_index.prior_cases"),
    ({"prior_exposure": float("nan")}, "safety_index.prior_exposure"),
    ({"min_cases": True}, "safety_index.min_cases"),
    ({"grade_margin": -0.5}, "safety_index.grade_margin"),
    ({"method": "plain", "window_days": 0}, "safety_index.window_days"),  # checked whichever the method
])
def test_invalid_parameters_name_the_key(section, key):
    with pytest.raises(ConfigError) as err:
        model_from_config(section)
    assert err.value.key == key


@pytest.mark.parametrize("text, key", [
    ('[safety_index]\nwindow_days = "28"\n', "safety_index.window_days"),
    ('[safety_index]\nwindow = 28\n', "safety_index.window"),
    ('[safety_index]\nmethod = "smooth"\n', "safety_index.method"),
])
def test_config_file_errors(tmp_path, text, key):
    from configuration.settings import load_settings
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(path, env={})
    assert err.value.key == key


# ---- 样本不足 as the user sees it ----

def test_map_and_legend_show_insufficient_in_its_own_grey():
    import json

    import pandas as pd

    from metrics.safety_index import NO_DATA_COLOR
    from metrics.stable_index import INSUFFICIENT_COLOR
    from ui.figures import maps

    legend = maps.grade_legend()
    assert (INSUFFICIENT, INSUFFICIENT_COLOR) in [(i.name, i.color) for i in legend]
    assert INSUFFICIENT_COLOR != NO_DATA_COLOR
    def outline(lon):
        ring = [[lon, 36.6], [lon + 0.01, 36.6], [lon + 0.01, 36.61], [lon, 36.61], [lon, 36.6]]
        return json.dumps({"type": "Polygon", "coordinates": [ring]})

    areas = pd.DataFrame([
        {"area_id": 1, "code": "G4", "name": "第四网格", "boundary": outline(119.1), "safety_index": None,
         "safety_grade": INSUFFICIENT, "safety_color": INSUFFICIENT_COLOR},
        {"area_id": 2, "code": "G6", "name": "第六网格", "boundary": outline(119.12), "safety_index": None,
         "safety_grade": None, "safety_color": NO_DATA_COLOR}])
    recs = maps.map_records(areas).polygons
    assert recs[0]["fill_color"][:3] == maps.hex_to_rgba(INSUFFICIENT_COLOR)[:3] and recs[0]["label"] == "第四网格 样本不足"
    assert recs[1]["fill_color"][:3] == maps.hex_to_rgba(NO_DATA_COLOR)[:3] and recs[1]["label"] == "第六网格 无数据"
    assert [lab["text"] for lab in maps.map_labels(areas)] == ["第四网格\n样本不足", "第六网格\n无数据"]


def test_safety_page_says_insufficient_for_a_grid_with_few_cases(open_page):
    """G5 has 4 events in the 28 days up to P's end (E16, E18, E20 in P, E44 on 02-28): below min_cases 5."""
    at = open_page("views/safety.py", safety="stable", area="G5")
    assert at.metric[0].value == INSUFFICIENT
    assert any("样本不足：近 28 天上报 4 件，少于 5 件" in c.value for c in at.caption)


def test_safety_page_shows_the_stable_index(open_page, fixture_db):
    """The city on the stable default: the index the metrics layer computes (checked by hand above)."""
    from metrics.stable_index import model_from_config

    at = open_page("views/safety.py", safety="stable")
    expected = run(fixture_db, model_from_config({}), None)
    assert at.metric[0].value == f"{expected['safety_index']:.1f} {expected['safety_grade']}"
    assert any("近 28 天" in c.value for c in at.caption)
