"""Number formatting for cards, tables and captions (pure; "无数据" for missing values)."""
from __future__ import annotations

import math

from metrics import stats

NO_DATA = "无数据"


def missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def count(v) -> str:
    return NO_DATA if missing(v) else f"{int(v):,}"


def pct(v, digits: int = 1) -> str:
    return NO_DATA if missing(v) else f"{v * 100:.{digits}f}%"


def hours(v) -> str:
    if missing(v):
        return NO_DATA
    return f"{v:.1f} 小时" if v < 72 else f"{v / 24:.1f} 天"


def index(v) -> str:
    return NO_DATA if missing(v) else f"{v:.1f}"


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
