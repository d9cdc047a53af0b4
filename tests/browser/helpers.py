"""Driving the dashboard in headless Chromium, in the style of Streamlit's own e2e tests.

A page is "idle" when `[data-testid="stApp"]` reports `data-test-script-state="notRunning"` (the
attribute goes initial → running → notRunning) and no `[data-testid="stSkeleton"]` is left. Every
wait polls a condition in the page (`page.wait_for_function`); nothing sleeps a fixed time.

CHROMIUM_ARGS and IDLE are the same as the team's headless screenshot tool's (outside this repository), so
the tests see the pages exactly as the screenshots do; they are copied, not imported, because CI
has only this repository.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, urlparse

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "browser"
TIMEOUT_MS = 60_000  # per wait: generous, a cold first run on a slow CI machine takes seconds

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # software WebGL, so pydeck maps render without a GPU
    "--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
]

IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  const state = app.getAttribute('data-test-script-state');
  const running = state !== null ? state !== 'notRunning'
                                 : !!document.querySelector('[data-testid="stStatusWidget"]');
  return !running && !document.querySelector('[data-testid="stSkeleton"]');
}"""

# Charts, tables and maps have drawn themselves and the web fonts are in (instead of a settle sleep).
PAINTED = """() => {
  const all = (sel, ok) => [...document.querySelectorAll(sel)].every(ok);
  return document.fonts.status === 'loaded'
    && all('[data-testid="stPlotlyChart"]', el => el.querySelector('.main-svg'))
    && all('[data-testid="stDataFrame"]', el => el.querySelector('canvas'))
    && all('[data-testid="stDeckGlJsonChart"]', el => el.querySelector('canvas'));
}"""

# Counts script runs that start from now on: every change of the state away from "notRunning".
# A MutationObserver with old values misses no transition, however short the run.
WATCH_RUNS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (window.__gridRunWatch) window.__gridRunWatch.disconnect();
  window.__gridRuns = 0;
  window.__gridRunWatch = new MutationObserver(records => {
    for (const r of records) if (r.oldValue === 'notRunning') window.__gridRuns += 1;
  });
  window.__gridRunWatch.observe(app, {attributes: true, attributeOldValue: true,
                                      attributeFilter: ['data-test-script-state']});
}"""

ERROR_BOXES = '[data-testid="stException"], [data-testid="stAlertContentError"]'
MAIN = '[data-testid="stMain"]'


def wait_until(page, *conditions: str, timeout: int = TIMEOUT_MS) -> None:
    """Poll until every JS predicate `() => bool` holds at the same moment."""
    body = " && ".join(f"({c})()" for c in conditions)
    page.wait_for_function(f"() => {body}", timeout=timeout, polling=100)


def open(page, path_and_query: str) -> None:  # noqa: A001 — the name the team uses
    """Navigate (relative to the server's base URL) and wait until the script has finished."""
    page.goto(path_and_query)
    page.wait_for_selector('[data-testid="stApp"]', timeout=TIMEOUT_MS)
    wait_until(page, IDLE)


def rerun_after(page, action: Callable[[], None], *until: str) -> None:
    """Do `action` (a click), then wait until a script run it caused has finished and every JS
    predicate in `until` holds (they guard against reading the page between the two runs of a
    drill, which calls `st.rerun`)."""
    page.evaluate(WATCH_RUNS)
    action()
    wait_until(page, "() => window.__gridRuns > 0", IDLE, *until)


TO_TOP = """() => {
  for (const el of [document.scrollingElement, ...document.querySelectorAll(
      '[data-testid="stMain"], [data-testid="stAppViewContainer"], [data-testid="stApp"]')])
    if (el) el.scrollTo(0, 0);
}"""


def shot(page, name: str, top: bool = True) -> Path:
    """Save a PNG of the viewport under artifacts/browser/ once everything has painted (scrolled
    back to the top of the page first, unless top=False)."""
    if top:
        page.evaluate(TO_TOP)
    wait_until(page, IDLE, PAINTED)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^0-9A-Za-z_.-]+', '_', name).strip('_') or 'page'}.png"
    page.screenshot(path=str(path))
    return path


def click_top_bar(page, chart_text: str) -> None:
    """Click the bar drawn highest in the first chart whose text holds `chart_text`."""
    chart = page.locator(f'{MAIN} [data-testid="stPlotlyChart"]').filter(has_text=chart_text).first
    bars = chart.locator(".barlayer .point path")
    bars.first.wait_for()
    top = min(bars.all(), key=lambda b: b.bounding_box()["y"])  # drawn highest
    top.scroll_into_view_if_needed()
    box = top.bounding_box()
    # plotly's drag layer lies over the bars and takes the click, so click the spot, not the element
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def errors(page) -> list[str]:
    """Texts of Streamlit exception boxes and st.error alerts on the page."""
    return [t.strip() for t in page.locator(ERROR_BOXES).all_inner_texts()]


def kpis(page) -> list[str]:
    """The KPI card values, in page order."""
    return [t.strip() for t in page.locator(f'{MAIN} [data-testid="stMetricValue"]').all_inner_texts()]


def title(page) -> str:
    """The page's own h1 (the sidebar has an h1 of its own, the app's name)."""
    heads = page.locator(f"{MAIN} h1").all_inner_texts()
    return heads[0].strip() if heads else ""


def captions(page) -> list[str]:
    return [t.strip() for t in page.locator(f'{MAIN} [data-testid="stCaptionContainer"]').all_inner_texts()]


def period_selection(page) -> dict:
    """What the sidebar's period picker shows: the preset and, for 自定义, the two dates."""
    return {
        "preset": page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"] input').first.input_value(),
        "dates": page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"] input')
                     .evaluate_all("els => els.map(e => e.value)"),
    }


def query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def nav_links(page) -> list[tuple[str, str]]:
    """(title, path) of the pages in the sidebar navigation; empty when st.navigation hides it
    (it does when the app has a single page)."""
    links = page.locator('[data-testid="stSidebarNav"] a[data-testid="stSidebarNavLink"]').evaluate_all(
        "els => els.map(a => [a.innerText.trim(), new URL(a.href).pathname])")
    return [(t, p) for t, p in links]


def js(value) -> str:
    """A Python value as a JS literal, for building wait conditions."""
    return json.dumps(value, ensure_ascii=False)
