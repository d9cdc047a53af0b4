"""How a metric's value is written, by its declared kind (the one place: cards, wall tiles, the
weekly narrative, exports and the command line all format through here). "无数据" for no value."""
from __future__ import annotations

import math

NO_DATA = "无数据"
KINDS = ("count", "rate", "hours", "index")
CHANGE = {"count": "pct", "rate": "pp", "hours": "pct", "index": "points"}  # how a change is expressed
UNITS = {"count": "件", "rate": "%", "hours": "小时", "index": "分"}


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


def overdue(hours_over) -> str:
    """How long a case is past its deadline: whole hours up to two days ("30 小时"), then whole days
    ("3 天"; days are counted down: 71 hours are 2 天, never "3.0 天" nor "2.96 天")."""
    if missing(hours_over):
        return NO_DATA
    h = max(0.0, float(hours_over))
    return f"{round(h)} 小时" if h < 48 else f"{math.floor(h / 24):,} 天"


def duration(hours_long) -> str:
    """A step's or a deadline's distance as a reader says it: 40 分钟 under an hour, 5.5 小时 up to two
    days, then 3 天 6 小时 (an overdue count of "0 小时" would read as on time)."""
    if missing(hours_long):
        return NO_DATA
    h = float(hours_long)
    if h < 0:  # a bad row: stamped before the step it follows
        return "时间有误（早于前一环节）"
    if h < 1:
        return f"{round(h * 60)} 分钟"
    if h < 48:
        return f"{h:.1f} 小时"
    days, rest = divmod(round(h), 24)
    return f"{days:,} 天" + (f" {rest} 小时" if rest else "")


def index(v) -> str:
    return NO_DATA if missing(v) else f"{v:.1f}"


WRITERS = {"count": count, "rate": pct, "hours": hours, "index": index}


def value(kind: str, v) -> str:
    return WRITERS[kind](v)
