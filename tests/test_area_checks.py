"""metrics.area_checks on the fixture city and on broken copies of it (tests/conftest.py fixture_copy):
every count worked by hand from tests/fixture.py. Events of each grid, all periods (34 events):

    G1 (11): E1–E5 E19 E41 E45 E51 = 9     G2 (12): E6–E9 E23 E30 = 6     G3 (13): E10–E12 E22 E24 E42 E52 = 7
    G4 (14): E13–E15 E21 E31 E43 = 6      G5 (15): E16 E18 E20 E44 E53 = 5   G6 (16): none    grid 999: E17
"""
from __future__ import annotations

import pandas as pd

from data_access.db import Database
from metrics.area_checks import EXAMPLES, KINDS, EventCounts, check_area_tree, findings, outside_main_tree, tops
from metrics.scope import AreaTree
from tests.conftest import AREAS_WITHOUT_KEY
from tests.fixture import areas as fixture_areas


def check(url: str, **kw) -> dict:
    return {f.kind: f for f in check_area_tree(Database.connect(url), **kw)}


def test_the_fixture_has_only_its_event_on_grid_999(fixture_copy):
    found = check(fixture_copy())
    assert list(found) == ["events_unknown_grid"]
    f = found["events_unknown_grid"]
    assert (f.severity, f.count, f.areas, f.events, f.examples) == ("error", 1, 0, 1, ("grid_id 999：1 件",))
    assert f.area_ids == () and "不计入任何合计" in f.message
    assert outside_main_tree(list(found.values())) == (0, 0)


def test_an_orphaned_street_is_reported_with_its_subtree_and_events(fixture_copy):
    found = check(fixture_copy("UPDATE areas SET parent_id = 12345 WHERE code = 'S2'"))
    assert list(found) == ["multiple_roots", "orphan_parent", "events_unknown_grid"]
    orphan = found["orphan_parent"]
    # S2 with W2 C2 C3 G3–G6: 8 areas; events on G3 7 + G4 6 + G5 5 = 18
    assert (orphan.count, orphan.areas, orphan.events) == (1, 8, 18)
    assert (orphan.area_ids, orphan.area_codes) == ((3,), ("S2",))
    assert orphan.examples == ("S2 西街道（街道）：上级 id 12345 不存在；连同下级 8 个区域，事件 18 件",)
    assert "8 个区域、18 件事件" in orphan.message and "计入全市合计" in orphan.message
    roots = found["multiple_roots"]
    assert (roots.severity, roots.count, roots.areas, roots.events) == ("warning", 2, 14, 33)  # all but E17
    assert roots.area_codes == ("D", "S2")  # the declared root first
    assert outside_main_tree(list(found.values())) == (8, 18)


def test_cycles_are_reported_and_walked_once(fixture_copy):
    url = fixture_copy("UPDATE areas SET parent_id = 8 WHERE code = 'W2'",  # W2 ↔ C3
                       "UPDATE areas SET parent_id = 16 WHERE code = 'G6'")  # G6 its own parent
    found = check(url)
    assert list(found) == ["cycle", "events_unknown_grid"]
    cycle = found["cycle"]
    # W2, C3 and below them C2, G3–G6: 7 areas, 18 events (G6, in the same subtree, is its own ring)
    assert (cycle.count, cycle.areas, cycle.events) == (2, 7, 18)
    assert cycle.examples == ("W2 → C3 → W2（上级链）：连同下级 6 个区域，事件 18 件",
                              "G6 → G6（上级链）：连同下级 1 个区域，事件 0 件")
    assert cycle.area_codes == ("W2", "G6") and "不计入任何合计" in cycle.message
    assert outside_main_tree([cycle]) == (7, 18)
    tree = AreaTree.load(Database.connect(url))
    assert tops(tree)[tree.id_of("G3")] == ("cycle", 5) and tops(tree)[tree.id_of("S2")] == ("root", 1)


def test_duplicated_ids_and_codes_and_missing_codes(fixture_copy):
    found = check(fixture_copy(
        *AREAS_WITHOUT_KEY,
        "INSERT INTO areas SELECT 5, 16, level, 'W2X', name, households, population, lon, lat, boundary "
        "FROM areas WHERE id = 5",                          # id 5 twice
        "UPDATE areas SET code = 'G5' WHERE id = 16",       # G6 takes G5's code
        "UPDATE areas SET code = NULL WHERE id = 14"))      # G4 has none
    assert list(found) == ["duplicate_id", "duplicate_code", "missing_code", "events_unknown_grid"]
    dup = found["duplicate_id"]
    assert (dup.count, dup.areas, dup.events, dup.area_codes) == (1, 1, 0, ("W2",))  # no event sits on W2 itself
    assert dup.examples == ("id 5：2 行，编码 W2、W2X；采用编码 W2 的一行",)
    code = found["duplicate_code"]
    assert (code.count, code.areas, code.events, code.area_ids) == (1, 2, 5, (15, 16))  # G5's 5 events, G6 none
    assert code.examples == ("编码 G5：id 15 第五网格、id 16 第六网格",)
    blank = found["missing_code"]
    assert (blank.count, blank.events, blank.area_ids, blank.examples) == (1, 6, (14,), ("id 14 第四网格",))


def test_events_on_other_levels_and_unknown_categories(fixture_copy):
    found = check(fixture_copy(
        "UPDATE events SET grid_id = 6 WHERE id IN (1, 2)",       # filed against C1 (a community)
        "UPDATE events SET grid_id = NULL WHERE id = 3",
        "UPDATE events SET category_code = 'XX' WHERE id IN (4, 5)",
        "UPDATE events SET category_code = NULL WHERE id = 6",
        "UPDATE areas SET level = 'town' WHERE code = 'W1'"))
    assert list(found) == ["unknown_level", "events_on_non_grid", "events_unknown_grid", "events_unknown_category"]
    assert found["unknown_level"].examples == ("W1 东一工作片：层级 'town'",)
    on = found["events_on_non_grid"]
    assert (on.count, on.events, on.area_codes, on.examples) == (1, 2, ("C1",), ("C1 东一社区（社区）：2 件",))
    grid = found["events_unknown_grid"]
    assert (grid.count, grid.events, grid.examples) == (2, 2, ("grid_id 999：1 件", "grid_id 为空：1 件"))
    assert "含空值" in grid.message
    cat = found["events_unknown_category"]
    assert (cat.severity, cat.count, cat.events, cat.examples) == ("warning", 2, 3, ("类别代码 XX：2 件", "类别代码为空：1 件"))


def test_many_orphans_name_a_few_examples_most_events_first(fixture_copy):
    found = check(fixture_copy("UPDATE areas SET parent_id = 900 + id WHERE level = 'grid'"), examples=2)
    orphan = found["orphan_parent"]
    assert (orphan.count, orphan.areas, orphan.events) == (6, 6, 33)
    assert orphan.area_codes == ("G1", "G3") and len(orphan.examples) == 2  # 9 and 7 events
    assert found["multiple_roots"].count == 7 and len(found["multiple_roots"].area_codes) == 2
    assert EXAMPLES == 5


def test_no_root_at_all():
    frame = fixture_areas().set_index("id")
    empty = findings(AreaTree(frame.iloc[0:0]), EventCounts({}, {}, {}))
    assert [(f.kind, f.areas) for f in empty] == [("no_root", 0)] and "区域表为空" in empty[0].message
    frame.loc[1, "parent_id"] = 16  # the district under its own grid: one ring holds everything
    ring = {f.kind: f for f in findings(AreaTree(frame), EventCounts({11: 4}, {}, {}))}
    assert list(ring) == ["no_root", "cycle"] and ring["cycle"].areas == 14 and ring["no_root"].events == 4


def test_finding_is_plain_data():
    f = findings(AreaTree(fixture_areas().set_index("id")), EventCounts({}, {999: 1}, {}))[0]
    d = f.as_dict()
    assert set(d) == {"kind", "severity", "message", "count", "areas", "events", "area_ids", "area_codes", "examples"}
    assert d["kind"] in KINDS and isinstance(pd.Series(d).to_json(), str)


def test_the_overview_notice_counts_what_is_cut_off(fixture_copy):
    from ui.figures.quality import tree_notice, tree_table

    db = Database.connect(fixture_copy("UPDATE areas SET parent_id = 8 WHERE code = 'W2'"))
    tree = AreaTree.load(db)
    found = check_area_tree(db, tree)
    assert tree_notice(found, tree) == ("区域树不完整：7 个区域、18 件事件（不限时间）不在主区划树内。"
                                        "1 处上级链成环，连同下级共 7 个区域、18 件事件不计入任何合计。")
    assert tree_notice([f for f in found if f.kind != "cycle"], tree) is None  # grid 999 cuts no area off
    assert list(tree_table(found)["问题"]) == ["上级链成环", "事件所在网格不存在"]


def test_a_mapped_platform_schema_gives_the_same_findings(load_database):
    from tests.test_mapping import MAPPED_DB, PLATFORM

    mapped = Database.connect(load_database("duckdb", MAPPED_DB, PLATFORM), PLATFORM)  # t_region.jb = '网格' …
    canonical = Database.connect(load_database("duckdb"))
    assert check_area_tree(mapped) == check_area_tree(canonical)
    assert [f.kind for f in check_area_tree(mapped)] == ["events_unknown_grid"]
