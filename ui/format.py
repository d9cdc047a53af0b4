"""Number formatting for cards, tables and captions (pure; "无数据" for missing values)."""
from __future__ import annotations

from metrics import stats
from metrics.formats import NO_DATA, count, hours, index, missing, pct  # noqa: F401 — the pages' formats


DELTA_COLOR = {"up": "normal", "down": "inverse", "none": "off"}  # st.metric's delta_color per good direction


def delta(current, previous, kind: str) -> str | None:
    """Change as text: 'pp' for rates (+1.2pp), 'pct' for counts (+3.4%), 'points' for the index (+2.1).

    None when there is nothing to compare (no data on either side, or a count from zero)."""
    if kind == "points":
        return None if missing(current) or missing(previous) else f"{current - previous:+.1f}"
    v = stats.change(current, previous, is_rate=(kind == "pp"))
    return None if v is None else f"{v:+.1f}{'pp' if kind == 'pp' else '%'}"


def unchanged(delta_text: str | None) -> bool:
    """A change that rounds to nothing (+0, +0.0pp, -0.0%): shown without arrow or colour."""
    return delta_text is not None and not any(c in "123456789" for c in delta_text)


MARKDOWN_SPECIAL = set("\\`*_{}[]()#+-.!|<>~$:")


def md_escape(text) -> str:
    """Database text made safe for Streamlit's Markdown (titles, captions, labels): every character
    that could start a link, emphasis, colour or icon is escaped, so a name shows exactly as stored."""
    return "".join("\\" + c if c in MARKDOWN_SPECIAL else c for c in str(text))
