"""Login, role menus and scope on every page: an area official sees neither names nor numbers from
outside their subtree (README: Login, roles and personal data). The fixture: S1 东街道 ⊃ C1 ⊃ G1, G2; S2 西街道 ⊃ C2 ⊃ G3, G4 and C3 ⊃ G5, G6."""
import pytest

from tests.apptest import assert_clean, page_text

OUTSIDE_S1 = ["西街道", "西一工作片", "西一社区", "西二社区", "第三网格", "第四网格", "第五网格", "第六网格"]
PAGES = ["views/overview.py", "views/safety.py", "views/events.py", "views/satisfaction.py", "views/workers.py",
         "views/quality.py"]


def test_no_data_before_login(open_page):
    at = open_page(login=True, check=False)
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")
    assert [t.label for t in at.text_input] == ["用户名", "密码"]


def test_wrong_password_is_refused_and_shows_nothing(open_page):
    at = open_page(login=True, check=False)
    at.text_input[0].input("s1")
    at.text_input[1].input("wrong-password")
    at.button[0].click().run()
    assert at.error and "用户名或密码错误" in at.error[0].value
    assert not at.metric


@pytest.mark.parametrize("name, password", [("' OR '1'='1", "' OR '1'='1"), ("s1' --", "x"),
                                            ("<script>alert(1)</script>", "<b>x</b>"), ("s1", "' OR 1=1 --")])
def test_hostile_login_text_is_refused_and_echoed_nowhere(open_page, name, password):
    at = open_page(login=True, check=False)
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    at.button[0].click().run()
    assert not at.exception and not at.metric and "user_name" not in at.session_state
    assert at.error and at.error[0].value.startswith("用户名或密码错误")


def test_right_password_opens_the_official_on_their_own_area(open_page):
    at = open_page(login=True, check=False)
    at.text_input[0].input("s1")
    at.text_input[1].input("s1-password")
    at.button[0].click().run()
    assert at.session_state["user_name"] == "s1"
    at.run()
    assert_clean(at)
    assert at.title[0].value == "总览 · 东街道"
    assert {m.label: m.value for m in at.metric}["上报数"] == "10"  # S1's 10 reports (tests/test_metrics.py)


@pytest.mark.parametrize("page", PAGES)
def test_official_sees_nothing_outside_the_subtree(open_page, page):
    at = open_page(page, user="s1")
    text = page_text(at)
    leaked = [name for name in OUTSIDE_S1 if name in text]
    assert not leaked, f"{page} shows {leaked}"
    assert "东街道" in text


@pytest.mark.parametrize("page", PAGES)
def test_area_outside_the_scope_in_the_url_is_refused(open_page, page):
    at = open_page(page, user="s1", area="S2", check=False)
    assert at.error and "S2" in at.error[0].value
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")


def test_two_subtrees_start_at_my_area(open_page):
    at = open_page(user="c2g1")
    m = {x.label: x.value for x in at.metric}
    # C2 (G3: E10 E11 E12 E22 E24; G4: E13 E14 E15) + G1 (E1–E5) = 13 reports.
    assert m["上报数"] == "13"
    assert at.title[0].value == "总览 · 我的辖区"
    assert "西二社区" not in page_text(at) and "第二网格" not in page_text(at)


def test_wall_role_gets_the_wall_only_and_no_unmask(open_page):
    at = open_page(user="wall")
    assert at.markdown[0].value == "# 西街道 · 指挥大屏"  # the wall is its start page (tests/test_page_wall.py)
    assert not at.toggle or "显示个人信息（记入审计日志）" not in [t.label for t in at.toggle]
    with pytest.raises(Exception):
        at.switch_page("views/events.py").run()


@pytest.mark.parametrize("params", [
    {"area": "' OR '1'='1"}, {"area": "S1; DROP TABLE events; --"}, {"area": "<script>alert(1)</script>"},
    {"period": "<img src=x onerror=alert(1)>"}, {"from": "2026-03-02' --", "to": "x"},
    {"asof": "2099-01-01T00:00"}, {"asof": "<b>x</b>"},
])
def test_hostile_url_parameters_change_nothing_and_leak_nothing(open_page, params):
    at = open_page(user="s1", check=False, **params)
    assert not at.exception
    if "area" in params:
        assert at.error and not at.metric  # an unknown area is refused like one outside the scope
        return
    text = page_text(at)
    assert not any(name in text for name in OUTSIDE_S1)
    assert "<script>" not in text and "onerror" not in text


def test_admin_unmask_is_audited(open_page, users_file):
    from data_access import audit

    at = open_page("views/events.py", user="root")
    toggle = next(t for t in at.toggle if t.label == "显示个人信息（记入审计日志）")
    toggle.set_value(True).run()
    assert_clean(at)
    assert "周小明" in page_text(at)  # the fixture's reporter, now in clear
    entry = audit.recent(users_file, limit=1)[0]
    assert (entry["user"], entry["action"], entry["detail"]) == ("root", "unmask", "事件办结")
    assert (entry["period_from"], entry["period_to"]) == ("2026-03-02", "2026-03-09")


UNMASK = "显示个人信息（记入审计日志）"


@pytest.mark.parametrize("user, area, audited", [("c2g1u", None, "C2,G1"), ("c2g1u", "G1", "G1"),
                                                 ("root", None, "全部")])
def test_unmasked_view_is_audited_with_the_areas_it_covers(open_page, users_file, user, area, audited):
    from data_access import audit

    at = open_page("views/events.py", user=user, **({"area": area} if area else {}))
    next(t for t in at.toggle if t.label == UNMASK).set_value(True).run()
    assert_clean(at)
    entry = audit.recent(users_file, limit=1)[0]
    assert (entry["user"], entry["action"], entry["area"]) == (user, "unmask", audited)


@pytest.fixture
def audit_fails(users_file):
    """The audit log refuses every new line (as a full disk or a read-only file would)."""
    import sqlite3

    from data_access import audit

    audit.recent(users_file)  # the audit table exists
    conn = sqlite3.connect(users_file)
    conn.execute("CREATE TRIGGER audit_full BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk is full'); END")
    conn.commit()
    yield
    conn.execute("DROP TRIGGER audit_full")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("page, names", [("views/events.py", ["周小明"]), ("views/workers.py", ["张三明", "李四"])])
def test_no_names_are_shown_when_the_audit_line_cannot_be_written(open_page, audit_fails, page, names):
    at = open_page(page, user="root")
    next(t for t in at.toggle if t.label == UNMASK).set_value(True).run()
    shown = [n for n in names if n in page_text(at)]
    assert not shown, f"{page} showed {shown} although nothing was audited"
    assert not at.exception, [e.value for e in at.exception]
    assert at.error and "审计日志无法写入" in at.error[0].value and "不显示个人信息" in at.error[0].value


def test_masked_by_default_even_for_admin(open_page):
    text = page_text(open_page("views/events.py", user="root"))
    assert "周小明" not in text and "周*明" in text


EVIL_NAME = "[点此领奖](http://phish.example) <script>alert(1)</script> :red[红] **粗**"
EVIL_TEXT = "<script>alert('x')</script><b>粗体</b><img src=x onerror=alert(2)>"


@pytest.fixture
def evil_database(tmp_path):
    """The fixture city with hostile text where the platform stores free text: an area name and a
    case description."""
    from data_access.db import Database, create_tables, write_frame
    from tests.fixture import frames

    data = frames()
    data["areas"].loc[data["areas"]["code"] == "G1", "name"] = EVIL_NAME
    data["events"]["description"] = EVIL_TEXT
    url = f"duckdb:///{tmp_path / 'evil.duckdb'}"
    db = Database.connect(url, read_only=False)
    create_tables(db)
    for table, frame in data.items():
        write_frame(db, table, frame)
    db.dispose()
    return url


def test_database_text_shows_as_plain_text(open_page, evil_database, monkeypatch):
    from ui.format import md_escape

    monkeypatch.setenv("GRID_DB_URL", evil_database)
    at = open_page("views/events.py", user="root", area="G1")
    assert at.title[0].value == "事件办结 · " + md_escape(EVIL_NAME)  # no link, no colour, no markup
    next(t for t in at.toggle if t.label == "显示个人信息（记入审计日志）").set_value(True).run()
    table = at.dataframe[-1].value
    assert set(table["事件描述"]) == {EVIL_TEXT}  # a table cell: shown verbatim, never run
    assert not any("unsafe_allow_html" in str(getattr(n, "proto", "")) for n in at._tree)


def test_a_display_name_is_shown_as_text(open_page, users_file):
    """A display name comes from the accounts file or, with OIDC, from the identity provider: never markup."""
    from data_access.users import UserStore
    store = UserStore(users_file)
    if store.get("shown") is None:
        store.add("shown", "shown-password", "leader", (), display_name="[重新登录](https://evil.example/x) :red[!]")
    at = open_page(user="shown")
    line = next(c.value for c in at.sidebar.caption if c.value.startswith("当前用户"))
    assert "](https" not in line and ":red[" not in line and "重新登录" in line
