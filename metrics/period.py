"""Reporting periods: half-open local-time date ranges [start, end) and the ones they compare with."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta


# The dates a period, an as-of time or a week may fall on. A link or a command line is anyone's text,
# and a period's comparisons reach back its own length and a year further (环比, 同比): near year 1
# or 9999 that leaves the range of Python's dates and raises. No platform records lie outside this.
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2100, 12, 31)


def supported(day: date) -> date:
    """`day` itself when it lies in FIRST_DAY … LAST_DAY; else ValueError naming it and the range."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"{day.isoformat()} 超出支持的日期范围（{FIRST_DAY.isoformat()} 至 {LAST_DAY.isoformat()}）")
    return day


def _year_earlier(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive

    def __post_init__(self):
        if self.end <= self.start:
            raise ValueError(f"周期结束日期 {self.end} 必须晚于开始日期 {self.start}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def start_dt(self) -> datetime:
        return datetime.combine(self.start, datetime.min.time())

    @property
    def end_dt(self) -> datetime:
        return datetime.combine(self.end, datetime.min.time())

    def previous(self) -> "Period":
        """环比: the period of equal length just before."""
        return Period(self.start - timedelta(days=self.days), self.start)

    def last_year(self) -> "Period":
        """同比: the same dates a year earlier."""
        return Period(_year_earlier(self.start), _year_earlier(self.end))

    def label(self) -> str:
        last = self.end - timedelta(days=1)
        return f"{self.start:%Y-%m-%d}" if last == self.start else f"{self.start:%Y-%m-%d} 至 {last:%Y-%m-%d}"


@dataclass(frozen=True)
class Window:
    """A span of local time that is not a run of whole days (the wall's "today up to now"); like a
    Period to the query compiler. `inclusive_end` counts a row stamped exactly at the end."""
    start_dt: datetime
    end_dt: datetime
    inclusive_end: bool = False


def bucket_end(start: date, grain: str) -> date:
    """The day after a day / week / month bucket that starts on `start` (a trend's time bucket)."""
    if grain == "day":
        return start + timedelta(days=1)
    if grain == "week":
        return start + timedelta(days=7)
    return (start.replace(day=1) + timedelta(days=32)).replace(day=1)


def week_of(d: date) -> Period:
    monday = d - timedelta(days=d.weekday())
    return Period(monday, monday + timedelta(days=7))


def month_of(d: date) -> Period:
    first = d.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return Period(first, nxt)


def quarter_of(d: date) -> Period:
    first = date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    return Period(first, month_of(month_of(month_of(first).end).end).end)


# Period presets, by stable key (URLs and code pass the key; only the screen shows the label),
# relative to "today" in the configured time zone.
PRESETS = {
    "this_week": lambda t: Period(week_of(t).start, t + timedelta(days=1)),
    "last_week": lambda t: week_of(t - timedelta(days=7)),
    "this_month": lambda t: Period(t.replace(day=1), t + timedelta(days=1)),
    "last_month": lambda t: month_of(t.replace(day=1) - timedelta(days=1)),
    "last_30d": lambda t: Period(t - timedelta(days=29), t + timedelta(days=1)),
    "this_quarter": lambda t: Period(quarter_of(t).start, t + timedelta(days=1)),
    "this_year": lambda t: Period(date(t.year, 1, 1), t + timedelta(days=1)),
}
PRESET_LABELS = {"this_week": "本周", "last_week": "上周", "this_month": "本月", "last_month": "上月",
                 "last_30d": "近30天", "this_quarter": "本季度", "this_year": "本年"}


def preset(key: str, today: date) -> Period:
    return PRESETS[key](today)
