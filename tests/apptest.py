"""Running the dashboard headless with AppTest on the fixture city, opened on one page and view."""
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
# The fixture's current week, judged at its as-of time T (see tests/fixture.py).
VIEW = {"period": "custom", "from": "2026-03-02", "to": "2026-03-09", "asof": "2026-03-12T12:00"}


def assert_clean(at: AppTest) -> None:
    """The "must not happen" of every page test: no exception and no error box."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.fixture(scope="session")
def users_file(tmp_path_factory) -> str:
    """A users store with one account per role, scoped to the fixture's areas."""
    from data_access.users import UserStore

    path = str(tmp_path_factory.mktemp("users") / "users.sqlite")
    store = UserStore(path)
    for name, role, areas, unmask in USERS:
        store.add(name, f"{name}-password", role, areas, can_unmask=unmask)
    return path


# name, role, areas, may unmask
USERS = [("lead", "leader", (), False), ("s1", "official", ("S1",), False), ("c2g1", "official", ("C2", "G1"), False),
         ("wall", "wall", ("S2",), False), ("root", "admin", (), True), ("c2g1u", "official", ("C2", "G1"), True)]


@pytest.fixture
def open_page(load_database, monkeypatch, tmp_path, users_file):
    """open_page("views/events.py", area="S1") → an AppTest that has run that page on the fixture.
    With user="s1" the run is logged in as that account (built-in login); else login is off. With
    url=… the dashboard opens that database instead of the fixture. With link=True the page is the
    first one run, as when a copied link to it is opened (else the start page runs first). `config`
    is appended to config.toml (more sections: "[alerts]\noverdue_jump = 2\n")."""
    monkeypatch.setenv("GRID_DB_URL", load_database("duckdb"))
    st.cache_resource.clear()
    st.cache_data.clear()

    def run(page: str | None = None, *, check: bool = True, user: str | None = None, login: bool = False,
            url: str | None = None, link: bool = False, safety: str = "plain", config: str = "",
            **params) -> AppTest:
        if url:  # another database than the fixture (a modified copy: tests/conftest.py fixture_copy)
            monkeypatch.setenv("GRID_DB_URL", url)
            st.cache_resource.clear()  # the settings (and so the URL) are cached per server
            st.cache_data.clear()
        path = tmp_path / "config.toml"
        mode = "builtin" if user or login else "none"
        # The pages' hand values are the plain model's (tests/test_metrics.py); the stable method's
        # figures are checked by hand in tests/test_stable_index.py, which opens pages with safety="stable".
        path.write_text(f'[auth]\nmode = "{mode}"\nusers_path = "{users_file}"\n'
                        f'[safety_index]\nmethod = "{safety}"\n' + config, encoding="utf-8")
        monkeypatch.setenv("GRID_CONFIG", str(path))
        monkeypatch.delenv("GRID_AUTH_MODE", raising=False)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for k, v in {**VIEW, **params}.items():
            at.query_params[k] = v
        if user:
            at.session_state["user_name"] = user
        if page and link:
            at.switch_page(page)
        at.run()
        if page and not link:
            at.switch_page(page).run()
        if check:
            assert_clean(at)
        return at
    return run


def open_app(monkeypatch, tmp_path, url: str, config: str) -> AppTest:
    """The dashboard run once (login off) on `url` with `config` appended to config.toml: a platform
    database and its [schema], as an administrator would set them."""
    monkeypatch.setenv("GRID_DB_URL", url)
    monkeypatch.delenv("GRID_AUTH_MODE", raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    path = tmp_path / "config.toml"
    path.write_text('[auth]\nmode = "none"\n' + config, encoding="utf-8")
    monkeypatch.setenv("GRID_CONFIG", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in VIEW.items():
        at.query_params[k] = v
    at.run()
    return at


def page_text(at: AppTest) -> str:
    """Everything the page sent to the browser as readable text: every element's message, with chart
    and map specs decoded (they carry JSON with escaped Chinese) and tables as their values."""
    import json

    from google.protobuf import text_format

    parts = [df.value.to_string() for df in at.dataframe]
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        parts.append(text_format.MessageToString(proto, as_utf8=True))
        for field in ("spec", "json"):
            raw = getattr(proto, field, "")
            if isinstance(raw, str) and raw.startswith("{"):
                parts.append(json.dumps(json.loads(raw), ensure_ascii=False))
    return "\n".join(parts)
