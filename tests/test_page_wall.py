"""The 指挥大屏 on the fixture city (AppTest): figures equal the hand-counted values, nothing personal
reaches the page, the wall account sees only its area, and a display signs in with its token.

Hand values: tests/test_metrics.py (the period tiles: S2 and the city for P = 03-02…03-08 at
T = 03-12 12:00) and tests/test_wall_metrics.py (today's counts at T5 = 03-05 18:00).
"""
from __future__ import annotations

import base64
import json
import re
from urllib.parse import unquote

import pytest

from tests.apptest import page_text
from ui.figures import wall as fig

T5 = "2026-03-05T18:00"
PERSONAL = ("周小明", "周*明", "1390000", "139****", "测试路", "测试事件")  # tests/fixture.py's reporters
S1_NAMES = ("东街道", "东一工作片", "东一社区", "第一网格", "第二网格")


def everything(at) -> str:
    """What the page sent, with the SVG pictures decoded (page_text leaves images as data URLs)."""
    parts = [page_text(at)]
    for image in at.get("image"):
        for img in image.proto.imgs:
            head, _, data = img.url.partition(",")
            parts.append(base64.b64decode(data).decode() if head.endswith(";base64") else unquote(data))
    return "\n".join(parts)


def table_rows(at, head: str) -> list[str]:
    """The body rows of the Markdown case table starting with `head`, unescaped."""
    table = next(m.value for m in at.markdown if m.value.startswith(head))
    return [re.sub(r"\\(.)", r"\1", line) for line in table.splitlines()[2:]]


def tiles(at) -> dict:
    return {m.label: (m.value, m.delta) for m in at.metric}


def test_wall_account_opens_the_wall_of_its_area(open_page):
    at = open_page(user="wall")  # no page named: the wall role's start page
    assert at.markdown[0].value == "# 西街道 · 指挥大屏"
    got = tiles(at)
    # tests/test_metrics.py S2: on time 5/7, satisfaction 3/4, index 64.8734 预警, overdue E22 + E31
    assert got["按期结案率·03-02至03-08"][0] == "71.4%"
    assert got["群众满意率·03-02至03-08"][0] == "75.0%"
    assert got["平安指数·03-02至03-08"][0] == "64.9 预警"
    assert got["超期未结"] == ("2", "+0")  # E22, E31 — and the same at 03-11 12:00
    assert got["今日上报"] == ("0", "+0") and got["今日结案"] == ("0", "+0")  # nothing of S2 on 03-12 or 03-11
    assert at.caption[0].value.startswith("数据截至 **2026-03-12 12:00**（链接指定时点） · 每 60 秒自动刷新 · "
                                          "周期指标：自定义（2026-03-02 至 2026-03-08）")


def test_today_against_the_same_time_yesterday(open_page):
    at = open_page(user="wall", asof=T5)
    got = tiles(at)
    # S2 on 03-05 until 18:00: E13, E14 reported (yesterday until 18:00: E12); nothing closed; E31 overdue
    assert got["今日上报"] == ("2", "+1") and got["今日结案"] == ("0", "+0") and got["超期未结"] == ("1", "+0")
    text = everything(at)
    assert "第四网格" in text and ">2<" in text  # hot grid of the last 24 hours: G4 with E13, E14
    # the newest four cases (CASE_ROWS): time, category, grid, status — as they stood at T5
    assert table_rows(at, "| 时间") == ["| 16:00 | 安全隐患 | 第四网格 | 处置中 |", "| 10:00 | 市容环境 | 第四网格 | 处置中 |",
                                       "| 03-04 15:00 | 矛盾纠纷 | 第三网格 | 处置中 |",
                                       "| 03-03 11:00 | 消防隐患警情 | 第三网格 | 已结案 |"]


def test_overdue_list_longest_first(open_page):
    at = open_page(user="wall")
    # 1,322 h and 98 h: past two days, whole days (55.1 and 4.1 days counted down)
    assert table_rows(at, "| 超期") == ["| 55 天 | 市容环境 | 第四网格 | 已受理 |",
                                       "| 4 天 | 市容环境 | 第三网格 | 处置中 |"]


@pytest.mark.parametrize("asof", [None, T5])
def test_no_personal_data_at_all(open_page, asof):
    at = open_page(user="wall", **({"asof": asof} if asof else {}))
    text = everything(at)
    for personal in PERSONAL:
        assert personal not in text, personal
    for leak in ("WG2026", "12345热线", "网格员上报"):  # case numbers and sources are not on the wall either
        assert leak not in text


def test_wall_sees_only_its_area(open_page):
    at = open_page(user="wall", asof=T5)
    text = everything(at)
    assert not any(name in text for name in S1_NAMES)
    refused = open_page(user="wall", check=False, area="S1")
    assert refused.error and "S1" in refused.error[0].value and not refused.metric


def test_leader_can_open_the_wall_of_the_city(open_page):
    at = open_page("views/wall.py", user="lead")
    assert at.markdown[0].value == "# 测试区 · 指挥大屏"
    got = tiles(at)
    # tests/test_metrics.py CITY: on time 9/15, satisfaction 7/9, index 53.7339 预警, six overdue
    assert got["按期结案率·03-02至03-08"][0] == "60.0%" and got["群众满意率·03-02至03-08"][0] == "77.8%"
    assert got["平安指数·03-02至03-08"][0] == "53.7 预警"
    assert got["超期未结"] == ("6", "-1")  # seven at 03-11 12:00: E8 was still open then
    assert got["今日结案"] == ("1", "+1")  # E8, closed exactly at T
    assert not at.sidebar.selectbox  # no period picker: the wall keeps its own periods


def test_wall_role_has_the_wall_only(open_page):
    at = open_page(user="wall")
    for other in ("views/overview.py", "views/events.py"):
        with pytest.raises(Exception):
            at.switch_page(other).run()


def test_only_our_own_html(open_page):
    at = open_page(user="wall", asof=T5)
    bodies = sorted(h.proto.body for h in at.get("html"))
    assert bodies == sorted([fig.page_css(), fig.clock_html("Asia/Shanghai")])
    assert not any(getattr(n, "proto", None) is not None and getattr(n.proto, "allow_html", False) for n in at._tree)


def test_map_names_each_area_with_its_index(open_page):
    at = open_page(user="wall", area="C2")  # the fixture draws only grids: C2's are G3 and G4
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    labels = [d["text"] for d in spec["layers"][-1]["data"]]
    assert len(labels) == 2 and labels[0].startswith("第三网格\n") and labels[1] == "第四网格\n93.3"  # G4 93.2773


@pytest.fixture
def token(users_file):
    from data_access.users import UserStore

    store = UserStore(users_file)
    yield store.issue_wall_token("wall")
    store.revoke_wall_tokens("wall")


def test_display_signs_in_with_its_token(open_page, token):
    at = open_page(login=True, token=token)  # built-in login, nobody signed in: only the token
    assert at.markdown[0].value == "# 西街道 · 指挥大屏" and tiles(at)["超期未结"][0] == "2"
    assert not at.text_input  # no password form


@pytest.mark.parametrize("bad", ["", "x" * 43, "' OR 1=1 --", "wall-demo"])
def test_a_wrong_token_gets_the_login_form_and_nothing_else(open_page, token, bad):
    at = open_page(login=True, token=bad, check=False)
    assert [t.label for t in at.text_input] == ["用户名", "密码"] and not at.metric


def test_a_revoked_token_no_longer_opens_the_wall(open_page, users_file, token):
    from data_access.users import UserStore

    at = open_page(login=True, token=token)
    assert len(at.metric) == 6
    UserStore(users_file).revoke_wall_tokens("wall")
    at.run()  # the display's next refresh
    assert [t.label for t in at.text_input] == ["用户名", "密码"] and not at.metric
    again = open_page(login=True, token=token, check=False)
    assert again.text_input and not again.metric


def test_the_alert_panel_names_a_jump_and_the_cases_about_to_breach(open_page):
    # tests/test_alerts.py: at 03-10 12:00 东街道 (S1) went from 3 to 5 超期未结 in 24 hours; listed
    # second although surges are stronger (the kinds take turns)
    at = open_page("views/wall.py", user="lead", link=True, asof="2026-03-10T12:00",
                   config="[alerts]\noverdue_jump = 2\ndue_hours = 96\n")
    lines = [m.value for m in at.markdown if m.value.startswith((":red[●]", ":green[●]", "另 ", "临期 "))]
    assert ":red[●] **东街道** 超期未结 5 件，24 小时前 3 件，增加 2 件" in lines
    # and, with due_hours 96, E15 (due 03-14 09:00) is about to breach; four more surges are counted
    assert lines[-1] == "另 4 条预警 · 临期 1 件（96 小时内到期）"
