"""事件明细 run headless with AppTest on the fixture (P = [2026-03-02, 2026-03-09), T = 2026-03-12 12:00):
the list and its total, filters from a link, the record, masking and its audit line, the one answer
for a missing or forbidden case, roles, and the downloads' contents."""
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from reports.case_export import to_csv, to_xlsx
from tests.apptest import assert_clean
from tests.test_page_events import page_text

PAGE = "views/cases.py"
UNMASK = "显示个人信息（记入审计日志）"
NOT_FOUND = "该事件不存在或无权查看"


def listed(at) -> pd.DataFrame:
    (table,) = at.dataframe
    return table.value


def total_line(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**共 "))


def test_the_periods_reports_newest_first(open_page):
    at = open_page(PAGE)
    assert at.title[0].value == "事件明细 · 测试区"
    rows = listed(at)
    assert total_line(at) == "**共 21 件** · 第 1 / 1 页" and len(rows) == 21
    assert list(rows["案卷号"][:3]) == ["WG202603080018", "WG202603080023", "WG202603080015"]
    nine = rows[rows["案卷号"] == "WG202603070009"].iloc[0]  # closed after T: open then, 51 hours overdue
    assert (nine["状态"], nine["期限情况"]) == ("截至统计时点未结案", "超期 2 天 3 小时")
    two = rows[rows["案卷号"] == "WG202603020002"].iloc[0]
    assert (two["期限情况"], two["办结时长（小时）"]) == ("超期 6.0 小时结案", "30.0")
    assert not {"报告人", "联系电话", "地址", "reporter_name"} & set(rows.columns)  # a list holds no personal data


def test_a_link_from_the_overdue_card(open_page):
    at = open_page(PAGE, measure="overdue_open", sort="deadline")
    assert total_line(at).startswith("**共 6 件**")
    assert any(m.value.startswith("来自图表：超期未结") for m in at.markdown)
    # longest overdue first: deadlines 01-16, 02-27, 03-07 08:00, 03-08 10:00, 03-10 00:00, 03-10 09:00
    assert list(listed(at)["案卷号"]) == ["WG202601150031", "WG202602250030", "WG202603050007", "WG202603060022",
                                          "WG202603090019", "WG202603070009"]


def test_an_official_sees_only_their_streets_cases(open_page):
    at = open_page(PAGE, user="s1")
    assert total_line(at).startswith("**共 10 件**")
    assert set(listed(at)["网格"]) == {"第一网格", "第二网格"}


def test_filters_from_a_link_and_words_for_unknown_ones(open_page):
    # closed by T, as the list shows it: E2 E8 E13 E16 E20, not E9 (its platform status is closed, but
    # it closed after T)
    at = open_page(PAGE, category="CM01", status="closed")
    assert set(listed(at)["事件类别"]) == {"市容环境"} and total_line(at).startswith("**共 5 件**")
    at = open_page(PAGE, measure="__import__('os')", status="<b>x</b>", category="NOPE")
    assert total_line(at).startswith("**共 21 件**")  # nothing unknown narrows or breaks the list
    assert len(at.warning) >= 3 and all("无法识别" in w.value for w in at.warning[-3:])


def test_the_source_filter(open_page):
    # 群众上报 in P: E3 E8 E13 E18 E23 (a plain query of the fixture); a source bar's link lands here too
    at = open_page(PAGE, source="resident")
    assert total_line(at).startswith("**共 5 件**") and set(listed(at)["来源"]) == {"群众上报"}
    assert next(s for s in at.selectbox if s.label == "来源").value == "resident"


def test_a_filter_widget_writes_the_link(open_page):
    at = open_page(PAGE)
    next(t for t in at.toggle if t.label == "仅返工").set_value(True).run()
    assert_clean(at)
    assert at.query_params["reopened"] == "1" and total_line(at).startswith("**共 3 件**")  # E4 E12 E22


def test_the_case_record(open_page):
    at = open_page(PAGE, case="2")
    assert at.title[0].value == "事件 WG202603020002"
    facts = {m.label: m.value for m in at.metric}
    assert facts["状态"] == "已结案" and facts["事件类别"] == "市容环境" and facts["返工次数"] == "0"
    text = page_text(at)
    assert "超期 6.0 小时结案" in text and "类别办理时限 24 小时" in text and "上报至结案 30.0 小时" in text
    assert "上一环节后 45 分钟" in text and "上一环节后 29.0 小时" in text
    assert "周" in text and "周小明" not in text  # the reporter masked
    assert at.get("deck_gl_json_chart")  # the grid and the case on a map


@pytest.mark.parametrize("user, case", [("s1", "10"), ("s1", "123456"), (None, "17"), (None, "1 OR 1=1"),
                                        (None, "-1"), (None, "99999999999999999999999")])
def test_missing_and_forbidden_cases_get_the_same_words(open_page, user, case):
    at = open_page(PAGE, user=user, case=case)
    assert [w.value for w in at.warning if "事件" in w.value] == [NOT_FOUND]
    assert not at.metric and not at.get("deck_gl_json_chart")


def test_unmasked_record_is_audited_before_it_is_shown(open_page, users_file):
    from data_access import audit
    at = open_page(PAGE, user="root", case="9")
    assert "周小明" not in page_text(at)
    next(t for t in at.toggle if t.label == UNMASK).set_value(True).run()
    assert_clean(at)
    assert "周小明" in page_text(at)
    entry = audit.recent(users_file, limit=1)[0]
    assert (entry["user"], entry["action"], entry["detail"]) == ("root", "unmask", "事件明细·事件 9")


def test_the_wall_account_has_no_case_list(open_page):
    at = open_page(user="wall", check=False)
    with pytest.raises(Exception):
        at.switch_page(PAGE).run()
    assert not any(t.value.startswith("事件明细") for t in at.title)


def test_an_area_outside_the_scope_is_refused(open_page):
    at = open_page(PAGE, user="s1", area="S2", check=False)
    assert at.error and "无权查看区域" in at.error[0].value and not at.dataframe


def test_downloads_for_accounts_that_may_export(open_page):
    at = open_page(PAGE)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["下载筛选结果（.xlsx）", "下载筛选结果（.csv）"]


HOSTILE = pd.DataFrame({"id": [1, 2], "上报时间": ["2026-03-02 09:00", "2026-03-02 10:00"],
                        "案卷号": ["=HYPERLINK(\"http://evil.example\",\"x\")", "@SUM(1+1)"],
                        "网格": ["+第一网格", "-1"], "事件类别": ["治安警情", "市容环境"], "来源": ["网格员上报", "群众上报"],
                        "状态": ["已结案", "处置中"], "办理期限": ["2026-03-03 09:00", "无"], "期限情况": ["按期结案", "无期限"],
                        "办结时长（小时）": [4.0, None]})


def test_downloads_hold_text_a_spreadsheet_never_runs():
    csv = to_csv(HOSTILE).decode("utf-8-sig")
    assert "'=HYPERLINK(" in csv and "'@SUM" in csv and "'+第一网格" in csv and "'-1" in csv
    assert csv.splitlines()[0] == "上报时间,案卷号,网格,事件类别,来源,状态,办理期限,期限情况,办结时长（小时）"
    ws = load_workbook(io.BytesIO(to_xlsx(HOSTILE, "事件明细"))).active
    cell = ws["B2"]
    assert cell.value == "=HYPERLINK(\"http://evil.example\",\"x\")" and cell.data_type == "s" and cell.quotePrefix
    assert [c.value for c in ws[1]][0] == "上报时间" and ws.max_row == 3


# ---- what an attack on the page found (each failed on the first version of the page) ----

def test_a_hostile_category_name_in_the_record_is_text(open_page, fixture_copy):
    from tests.markup import EVIL, markup_in
    url = fixture_copy("UPDATE event_categories SET name = " + "'" + EVIL.replace("'", "''") + "' WHERE code = 'CM01'")
    at = open_page(PAGE, url=url, link=True, case="2")
    (value,) = [m.proto.body for m in at.metric if m.label == "事件类别"]
    assert markup_in(value) == []


def test_every_record_shown_in_clear_is_its_own_audit_line(open_page, users_file):
    from data_access import audit
    at = open_page(PAGE, user="root", case="9", area="G1")
    next(t for t in at.toggle if t.label == UNMASK).set_value(True).run()
    for case in ("18", "12"):
        at.query_params["case"] = case
        at.run()
        assert_clean(at)
    lines = [(e["action"], e["area"], e["detail"]) for e in audit.recent(users_file, limit=3)]
    # newest first: each record with its id and the grid it is in, whatever area the page shows
    assert lines == [("unmask", "G3", "事件明细·事件 12"), ("unmask", "G5", "事件明细·事件 18"),
                     ("unmask", "G2", "事件明细·事件 9")]


@pytest.mark.parametrize("params", [{"case": "²"}, {"case": "①"}, {"q": "²"}, {"q": "9" * 40}])
def test_digits_that_are_no_number_do_not_break_the_page(open_page, params):
    at = open_page(PAGE, **params)  # clean: no exception, no error box
    if "case" in params:
        assert [w.value for w in at.warning if "事件" in w.value] == [NOT_FOUND]


def test_a_download_is_audited_before_its_file_is_made(users_file, monkeypatch):
    from types import SimpleNamespace
    from zoneinfo import ZoneInfo

    from data_access import audit
    from data_access.errors import AuditUnavailable
    from data_access.users import UserStore
    from metrics.period import Period
    from ui.access import audited_export

    settings = SimpleNamespace(users_path=users_file, timezone=ZoneInfo("Asia/Shanghai"))
    user, period = UserStore(users_file).get("s1"), Period.__new__(Period)
    object.__setattr__(period, "start", __import__("datetime").date(2026, 3, 2))
    object.__setattr__(period, "end", __import__("datetime").date(2026, 3, 9))
    made = []
    data = audited_export(settings, user, "S1", period, "cases-20260302-20260309.csv", lambda: made.append(1) or b"x")
    assert not made  # nothing is built before the click
    assert data() == b"x"
    entry = audit.recent(users_file, 1)[0]
    assert (entry["user"], entry["action"], entry["detail"]) == ("s1", "export", "cases-20260302-20260309.csv")

    def refuse(*_a, **_k):
        raise AuditUnavailable(OSError("disk full"))
    monkeypatch.setattr(audit, "record", refuse)
    with pytest.raises(AuditUnavailable):
        audited_export(settings, user, "S1", period, "x.csv", lambda: made.append(2) or b"y")()
    assert made == [1]  # no audit line, no file


@pytest.mark.parametrize("cell", [" =1+1", "\x00=4+4", ";=5+5", "|calc", "\n=1", "=1", "+1", "-1", "@x"])
def test_csv_cells_that_could_start_a_formula(cell):
    import csv
    text = to_csv(HOSTILE.assign(案卷号=[cell, "ok"])).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][1].startswith("'") and rows[2][1] == "ok" and "\x00" not in text



def test_sql_in_a_department_link_matches_no_department(open_page):
    """?department= is bound as a value: text written as SQL names no department and lists nothing."""
    at = open_page(PAGE, measure="dept_handled", department="ZJ' OR '1'='1")
    assert total_line(at).startswith("**共 0 件**")


def test_a_department_link_never_widens_an_officials_scope(open_page):
    """住建局 handled E6 E7 (G2), E14 E15 (G4): an official of S1 following its link sees E6 and E7."""
    at = open_page(PAGE, user="s1", measure="dept_handled", department="ZJ")
    assert total_line(at).startswith("**共 2 件**") and set(listed(at)["网格"]) == {"第二网格"}
