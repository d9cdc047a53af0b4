"""No request leaves the machine: every page and the wall, opened in a real browser, ask only the
dashboard's own origin (data: and blob: URLs are the page's own). An intranet wall has no internet:
a request elsewhere is a broken icon, font or tile at best, a leak of who is looking at worst."""
from __future__ import annotations

from urllib.parse import urlsplit

from tests.browser.helpers import open
from tests.browser.test_pages import VIEW, pages_in_navigation


def test_every_request_goes_to_the_dashboards_own_origin(page, server):
    own = urlsplit(server).netloc
    elsewhere: list[str] = []

    def only_own(route):  # refuse (and note) anything else, so an offline run fails fast, not by timeout
        if urlsplit(route.request.url).scheme in ("data", "blob") or urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_own)
    paths = [path for _title, path in pages_in_navigation(page)] + ["/wall"]
    for path in paths:
        open(page, f"{path}?{VIEW}")
    assert len(paths) >= 9  # every page in the menu, and the wall
    assert not elsewhere, sorted(set(elsewhere))  # must not happen: a request off the machine
