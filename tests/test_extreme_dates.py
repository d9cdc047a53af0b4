"""Links with dates at the ends of the calendar: the default view and a notice, never a traceback.

A period's comparisons reach back its own length and a year further (环比, 同比), and a week ends seven
days after its Monday, so 0001-01-01 or 9999-12-31 used to raise in the metrics (or in Streamlit's
date picker); metrics.period.supported bounds what a link may name."""
import subprocess
import sys
from pathlib import Path

import pytest

from tests.markup import markup_in, shown

ROOT = Path(__file__).resolve().parent.parent
NOTICE = ":material/event_busy:"

CASES = [  # URL parameters (besides tests/apptest.py's pinned week), the date the notice names
    ({"asof": "0001-01-01T00:00"}, "0001-01-01"),
    ({"asof": "9999-12-31T23:59"}, "9999-12-31"),
    ({"period": "custom", "from": "0001-01-01", "to": "0001-02-01"}, "0001-01-01"),
    ({"period": "custom", "from": "2026-03-02", "to": "9999-12-31"}, "9999-12-31"),
]


def notices(at) -> list[str]:
    for w in at.warning:
        if w.icon == NOTICE:
            assert markup_in(w.value) == []
    return [shown(w.value) for w in at.warning if w.icon == NOTICE]


@pytest.mark.parametrize("page", [None, "views/weekly.py"])  # the start page, and 周报 with its own weeks
@pytest.mark.parametrize("params, day", CASES)
def test_a_date_out_of_range_falls_back_with_a_notice(open_page, page, params, day):
    at = open_page(page, link=True, **params)  # no exception, no error box (assert_clean)
    (notice,) = notices(at)
    assert day in notice and "超出支持的日期范围（1970-01-01 至 2100-12-31）" in notice
    assert at.metric or at.get("plotly_chart")  # the page itself is drawn, on the default view
    if "period" in params:
        assert "已改为近30天" in notice and at.query_params["period"] in ("last_30d", ["last_30d"])  # the URL is corrected
    else:
        assert "已改为当前时间" in notice and "链接指定时点" not in " ".join(c.value for c in at.caption)


@pytest.mark.parametrize("params, day", CASES)
def test_the_wall_falls_back_with_a_notice(open_page, params, day):
    at = open_page(user="wall", **params)  # the wall account's start page
    assert at.markdown[0].value.endswith("指挥大屏")
    (notice,) = notices(at)
    assert day in notice


@pytest.mark.parametrize("week, monday", [("0001-W01", "0001-01-01"), ("9999-W52", "9999-12-27"),
                                          ("1969-W52", "1969-12-22")])
def test_a_week_out_of_range_falls_back_with_a_notice(open_page, week, monday):
    at = open_page("views/weekly.py", link=True, week=week)
    (notice,) = notices(at)
    assert f"周次 '{week}' 的周一 {monday} 超出支持的日期范围" in notice and "已改为显示 2026-W10" in notice
    assert at.query_params["week"] in ("2026-W10", ["2026-W10"]) and at.metric


def test_an_as_of_time_with_an_offset_is_read_in_the_configured_zone(open_page):
    at = open_page(link=True, asof="2026-03-12T05:00+01:00")  # 12:00 in Asia/Shanghai
    assert not notices(at)
    assert any("数据截至 2026-03-12 12:00（链接指定时点）" in c.value for c in at.caption)


@pytest.mark.parametrize("argv", [["metrics", "summary", "--from", "0001-01-01", "--to", "0001-02-01"],
                                  ["metrics", "summary", "--from", "2026-03-02", "--to", "9999-12-31"],
                                  ["reports", "weekly", "--week", "9999-W52", "--out", "unused"]])
def test_the_command_lines_refuse_such_dates(argv):
    done = subprocess.run([sys.executable, "-m", *argv], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "超出支持的日期范围" in done.stderr and "Traceback" not in done.stderr
