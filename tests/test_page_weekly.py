"""The 周报 page under AppTest on the fixture (week 2026-W10, tests/test_weekly.py): KPIs, narrative,
lists and downloads shown; the week lives in the URL; scope and roles as on every page."""
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from tests.apptest import page_text

PAGE = "views/weekly.py"


def cards(at) -> dict:
    return {m.label: (m.value, m.delta) for m in at.metric}


def week_picker(at):
    return next(s for s in at.selectbox if s.label == "周次")


def narrative_text(at) -> str:
    return "\n".join(m.value for m in at.markdown if m.value.startswith("- "))


def test_kpis_narrative_lists_and_downloads(open_page):
    at = open_page(PAGE, week="2026-W10")
    assert at.title[0].value == "周报 · 测试区"
    assert week_picker(at).value.start.isoformat() == "2026-03-02"
    c = cards(at)
    assert c["上报数"] == ("21", "+200.0%")  # 21 against 7 the week before
    assert c["结案率"] == ("73.7%", "-9.6pp")
    assert c["平安指数"][0] == "53.7 预警"
    assert any("同比 +600.0%" in x.value for x in at.caption)  # 21 against 3 a year earlier
    text = narrative_text(at)
    assert "上报事件 21 件，环比上升 200\\.0%，同比上升 600\\.0%" in text  # Markdown-escaped digits
    assert "第五网格（基本平安→预警" in text
    shown = page_text(at)
    assert "西街道" in shown and "第五网格" in shown
    assert any(c.value.startswith("范围：测试区 · 周次：2026-W10（2026-03-02 至 2026-03-08）· 数据截至 2026-03-12 12:00")
               for c in at.caption)
    drops = at.dataframe[-1].value
    assert list(drops["名称"]) == ["第五网格"]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["下载 Excel 周报（每表一页）", "下载 Word 周报（含图表，可打印）"]


def test_default_is_the_last_full_week_and_goes_into_the_url(open_page):
    at = open_page(PAGE)  # as of Thursday 2026-03-12: the last full week is 03-02 … 03-08
    assert at.query_params["week"] == "2026-W10"
    assert cards(at)["上报数"][0] == "21"


def test_picking_a_week_changes_the_url_and_the_numbers(open_page):
    at = open_page(PAGE, week="2026-W10")
    from metrics.weekly import parse_week

    week_picker(at).select(parse_week("2026-W09")).run()
    assert at.query_params["week"] == "2026-W09"
    assert cards(at)["上报数"][0] == "7"  # the previous week: E41 E42 E43 E44 E45 E30 E21


def test_week_not_begun_falls_back_with_a_warning(open_page):
    at = open_page(PAGE, week="2026-W20")
    assert any("尚未开始" in w.value for w in at.warning)
    assert at.query_params["week"] == "2026-W10"


def test_official_sees_only_their_street(open_page):
    at = open_page(PAGE, user="s1", week="2026-W10")
    assert at.title[0].value == "周报 · 东街道"
    text = page_text(at)
    leaked = [n for n in ("西街道", "西一社区", "西二社区", "第三网格", "第四网格", "第五网格", "第六网格") if n in text]
    assert not leaked
    assert cards(at)["上报数"][0] == "10"


def test_area_outside_the_scope_is_refused(open_page):
    at = open_page(PAGE, user="s1", area="S2", week="2026-W10", check=False)
    assert at.error and "S2" in at.error[0].value
    assert not at.metric and not at.get("download_button")


def test_wall_cannot_open_the_weekly_review(open_page):
    at = open_page(user="wall", check=False)
    with pytest.raises(Exception):
        at.switch_page(PAGE).run()
    assert not any(t.value.startswith("周报") for t in at.title)


def test_an_export_is_written_to_the_audit_log(users_file):
    from data_access import audit
    from data_access.users import UserStore
    from metrics.weekly import parse_week
    from ui.access import log_export

    settings = SimpleNamespace(users_path=users_file, timezone=ZoneInfo("Asia/Shanghai"))
    log_export(settings, UserStore(users_file).get("s1"), "S1", parse_week("2026-W10"), "weekly-2026-W10-S1.xlsx")
    entry = audit.recent(users_file, 1)[0]
    assert (entry["user"], entry["action"], entry["area"], entry["detail"]) == (
        "s1", "export", "S1", "weekly-2026-W10-S1.xlsx")
    assert (entry["period_from"], entry["period_to"]) == ("2026-03-02", "2026-03-09")


# ---- the week a user arriving with a chosen period sees (metrics.weekly.default_week) ----

def opened_on(at) -> str:
    return at.query_params["week"] if isinstance(at.query_params["week"], str) else at.query_params["week"][0]


@pytest.mark.parametrize("params, week, reported", [
    ({"from": "2026-02-23", "to": "2026-03-02"}, "2026-W09", "7"),   # a custom week in the past: that week
    ({"from": "2026-02-25", "to": "2026-03-05"}, "2026-W10", "21"),  # across two weeks: the week of its last day
    ({"from": "2026-03-09", "to": "2026-03-20"}, "2026-W11", None),  # running past T (03-12): the week of T
    ({"period": "last_month"}, "2026-W09", "7"),                     # February: its last day, Sat 02-28
    ({"period": "this_week"}, "2026-W11", None),                     # this week, unfinished
    ({"period": "last_30d"}, "2026-W10", "21"),                      # rolling (the default): the last full week
    ({"period": "last_30d", "asof": "2026-03-05T12:00"}, "2026-W09", "7"),  # … before the pinned as-of day
])
def test_the_week_follows_the_chosen_period(open_page, params, week, reported):
    at = open_page(PAGE, **params)
    assert opened_on(at) == week
    assert weekly_label(week_picker(at).value) == week
    if reported:
        assert cards(at)["上报数"][0] == reported
    if week == "2026-W11":
        assert "本周未结束" in week_picker(at).format_func(week_picker(at).value)


def weekly_label(p) -> str:
    from metrics.weekly import week_label
    return week_label(p)


def test_an_explicit_week_wins_over_the_period(open_page):
    at = open_page(PAGE, week="2026-W09")  # the view's period is 2026-W10 (tests/apptest.py VIEW)
    assert opened_on(at) == "2026-W09" and cards(at)["上报数"][0] == "7"


def test_arriving_from_another_page_keeps_its_period(open_page):
    at = open_page(**{"from": "2026-02-23", "to": "2026-03-02"})  # 总览 on the week before
    at.switch_page(PAGE).run()
    assert opened_on(at) == "2026-W09" and cards(at)["上报数"][0] == "7"


def test_a_week_not_begun_falls_back_to_the_periods_week(open_page):
    at = open_page(PAGE, week="2026-W20", **{"from": "2026-02-23", "to": "2026-03-02"})
    assert any("尚未开始" in w.value and "W09（2026" in w.value for w in at.warning)  # Markdown-escaped "-"
    assert opened_on(at) == "2026-W09"


def test_a_week_without_data_says_so_in_words(open_page):
    at = open_page(PAGE, week="2026-W06")  # 02-02 … 02-08: nothing happened, nor the week before
    text = narrative_text(at)
    assert "结案率无数据（本周立案数为 0）；按期结案率无数据（本周应结案数为 0）" in text
    assert "本周没有有效的群众满意度评价" in text
    # the index from the indicators that have a value (no cases: 治安 100; no visits: 走访 42.86), and it says so
    assert "未计入无数据的指标：" in text
    assert cards(at)["结案率"][0] == "无数据"


def test_the_department_lists_on_the_page(open_page):
    at = open_page(PAGE, week="2026-W10")
    red, black = [df.value for df in at.dataframe if "部门" in df.value.columns]
    assert list(red["部门"]) == ["公安分局", "司法所"] and list(black["部门"]) == ["城管局", "住建局"]
    assert black.iloc[0]["按期结案率"] == pytest.approx(20.0) and black.iloc[0]["按期较上周"] == "-13.3pp"
    assert black.iloc[1]["响应时长（小时）"] == 3.0 and black.iloc[1]["退单率"] == pytest.approx(100 * 2 / 6)


def test_without_department_data_the_page_says_why(open_page):
    at = open_page(PAGE, week="2026-W10", config="[schema.tables]\ndispatches = false\n"
                   "[schema.columns.events]\ndepartment_code = false\n")
    assert any(i.value.startswith("无数据：平台未提供事件·承办部门") for i in at.info)
    assert not any("部门" in df.value.columns for df in at.dataframe)
