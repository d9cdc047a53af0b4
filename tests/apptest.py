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


@pytest.fixture
def open_page(load_database, monkeypatch):
    """open_page("views/events.py", area="S1") → an AppTest that has run that page on the fixture."""
    monkeypatch.setenv("GRID_DB_URL", load_database("duckdb"))
    st.cache_resource.clear()
    st.cache_data.clear()

    def run(page: str | None = None, *, check: bool = True, **params) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for k, v in {**VIEW, **params}.items():
            at.query_params[k] = v
        at.run()
        if page:
            at.switch_page(page).run()
        if check:
            assert_clean(at)
        return at
    return run
