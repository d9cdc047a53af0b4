"""Crafted links and hostile names in a real browser: shown as text, never as links, images or colour.

tests/test_markup.py checks the strings the pages send against a model of Streamlit's Markdown;
this checks what Chromium makes of them: a crafted ?area= or ?week=, and a demo city whose streets
are named with Markdown, pseudo-HTML and bare addresses, on 总览 and 事件办结 (Plotly ticks and
hovers, titles, the breadcrumb, captions).
"""
from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.browser.conftest import demo_copy, serving
from tests.browser.helpers import MAIN, PAINTED, open, wait_until
from tests.markup import EVIL

VIEW = "period=custom&from=2026-11-09&to=2026-11-16&asof=2026-11-16T10:00"
# What EVIL would become if anything rendered it: a link or an image to the other site, a colour.
FORBIDDEN = 'a[href*="evil.example"], img[src*="evil.example"], [data-testid="stMain"] span[class*="red"]'


def rendered(page) -> dict:
    """What the main area shows: the hostile elements found, and its text."""
    wait_until(page, PAINTED)
    return {"forbidden": page.locator(FORBIDDEN).count(), "svg links": page.locator(f"{MAIN} svg a").count(),
            "text": page.locator(MAIN).inner_text()}


@pytest.mark.parametrize("path, words", [
    (f"/?{VIEW}&area={quote(EVIL)}", "无权查看区域"),
    (f"/weekly?{VIEW}&week={quote(EVIL)}", "周次应写作"),
])
def test_crafted_link_text_is_shown_as_text(page, path, words):
    open(page, path)
    seen = rendered(page)
    assert words in seen["text"] and "https://evil.example/login" in seen["text"].replace("\u2060", "")
    assert seen["forbidden"] == 0 and seen["svg links"] == 0


@pytest.fixture(scope="module")
def hostile_server(demo_city, tmp_path_factory):
    """A second server on a copy of the demo city whose streets carry EVIL in their names."""
    folder = tmp_path_factory.mktemp("hostile")
    url = demo_copy(demo_city, folder, ("UPDATE areas SET name = name || ? WHERE level = 'street'", [" " + EVIL]))
    with serving(url, folder / "streamlit-hostile.log") as (_proc, base, _log):
        yield base


@pytest.mark.parametrize("path", ["/", "/events"])
def test_hostile_names_are_shown_as_text(new_page, hostile_server, path):
    page = new_page(base=hostile_server)
    open(page, f"{path}?{VIEW}")
    seen = rendered(page)
    ticks = page.locator(f"{MAIN} [data-testid='stPlotlyChart'] .ytick text").all_text_contents()
    assert any("<a href=" in t for t in ticks)  # Plotly shows the name's pseudo-HTML as written
    assert seen["forbidden"] == 0 and seen["svg links"] == 0
