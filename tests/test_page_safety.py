"""The 平安指数 page on the fixture (AppTest): the index, its grade and the indicator breakdown."""
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
VIEW = {"period": "custom", "from": "2026-03-02", "to": "2026-03-09", "asof": "2026-03-12T12:00"}


@pytest.fixture
def page(load_database, monkeypatch):
    monkeypatch.setenv("GRID_DB_URL", load_database("duckdb"))
    st.cache_resource.clear()
    st.cache_data.clear()

    def run(**params) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for k, v in {**VIEW, **params}.items():
            at.query_params[k] = v
        at.run()  # registers the navigation's pages
        at.switch_page("views/safety.py").run()
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]
        return at
    return run


def test_city_index_and_grade(page):
    at = page()
    # tests/test_metrics.py: the city's index for P is 53.7339 → 预警.
    assert at.metric[0].value == "53.7 预警"
    assert at.title[0].value == "平安指数 · 测试区"
    assert any("数据截至 2026-03-12 12:00" in c.value for c in at.caption)


def test_street_view(page):
    at = page(area="S2")
    assert at.metric[0].value == "64.9 预警"  # S2: 64.8734
