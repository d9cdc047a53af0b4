"""The 平安指数 page on the fixture (AppTest): the index, its grade and the indicator breakdown."""

import pytest



@pytest.fixture
def page(open_page):
    def run(**params):
        at = open_page("views/safety.py", **params)
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
