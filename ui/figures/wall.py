"""指挥大屏 (wall display) builders: pure functions from computed numbers to what the wall draws.

The wall is laid out once for a 1920×1080 "design" screen; `page_css` scales the whole page for
other 16:9 sizes (3840×2160 doubles everything), so every pixel size here is a design pixel.

Safety rules kept here: the only HTML the wall sends is `page_css` and `clock_html`, both written
by us (the clock gets the configured time-zone name, checked against a strict pattern). Names from
the database reach the screen as escaped Markdown (`case_markdown`), as Plotly text with its
pseudo-HTML escaped (`plain`), or as WebGL text in the map. Case lists keep only category, grid,
time and status: no name, phone, address or description, not even masked.
"""
from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
import pydeck as pdk

from configuration.settings import MapSettings
from metrics.period import Period, preset
from metrics import alerts as alert_metrics, formats
from metrics.definitions import METRICS
from ui import format as fmt
from ui.figures import maps
from ui.figures.common import partial_rows, partial_text
from ui.state import PRESETS, View, now_local

# ---- look ----

BACKGROUND = "#06101f"
PANEL = "#0d1b2f"
BORDER = "#1f3553"
TEXT = "#e3ecf8"
MUTED = "#8fa6c4"
ACCENT = "#4fc3f7"
WARN = "#ffb74d"
FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
DESIGN_WIDTH, DESIGN_HEIGHT = 1920, 1080
# Page scale for bigger (or smaller) 16:9 screens: the largest step whose scaled design still fits.
ZOOM_STEPS = (0.5, 0.625, 0.75, 0.875, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)

# Design-pixel sizes of the parts (see page_css for the boxes around them).
# Inner widths of the three columns' panels (columns 27 : 43 : 30 of the 1884 px between the page's
# paddings, small gaps, panel padding and border). Charts get them as fixed sizes: a chart that
# measured its box itself would measure the zoomed box and then be zoomed again.
COLUMNS = (27, 43, 30)
LEFT_WIDTH, CENTRE_WIDTH = 466, 767
MAP_WIDTH, MAP_HEIGHT = CENTRE_WIDTH, 600
BAR_HEIGHT = 300
TREND_HEIGHT = 310
LEGEND_HEIGHT = 40
CASE_ROWS = {"newest": 4, "overdue": 6}  # the right column also holds the 预警 panel
ALERT_LINES = 2  # surges and 超期未结 jumps in the 预警 panel; one more line counts the rest and 临期

VIEWS = ("map", "trend")  # what the centre panel rotates through
VIEW_TITLES = {"map": "平安指数分布", "trend": "今日事件态势"}


# Shares of a case list's width (time or time overdue, category, grid, status). The table's layout is
# fixed to them, so a long category or grid name is cut short with "…" instead of widening the table
# and pushing the status column out of its panel.
CASE_COLUMN_SHARES = (19, 32, 32, 17)


def _case_column_widths() -> str:
    return "\n".join(f'[class*="st-key-wall-panel"] th:nth-child({i}) {{ width: {share}%; }}'
                     for i, share in enumerate(CASE_COLUMN_SHARES, start=1))


def page_css() -> str:
    """The wall's own static stylesheet: dark, no sidebar/header/toolbar, design-size boxes, and a
    zoom per screen size so 1920×1080 and 3840×2160 show the same layout (the largest step of
    ZOOM_STEPS whose scaled design fits the window wins; later rules override earlier ones)."""
    block = '[data-testid="stMainBlockContainer"]'
    rules = [f"{block} {{ zoom: {ZOOM_STEPS[0]}; }}"]
    for z in ZOOM_STEPS[1:]:
        w, h = math.floor(DESIGN_WIDTH * z), math.floor(DESIGN_HEIGHT * z)
        rules.append(f"@media (min-width: {w}px) and (min-height: {h}px) {{ {block} {{ zoom: {z}; }} }}")
    return "<style>\n" + _BASE_CSS + "\n".join(rules) + "\n</style>"


_BASE_CSS = f"""
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
[data-testid="stBottom"], footer {{ display: none !important; }}
html, body, [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"] {{
  background: {BACKGROUND} !important; color: {TEXT};
}}
[data-testid="stMainBlockContainer"] {{
  padding: 10px 18px 0 18px !important; max-width: none !important; margin: 0 auto;
  width: {DESIGN_WIDTH}px; height: {DESIGN_HEIGHT}px; box-sizing: border-box; overflow: hidden;
}}
[data-testid="stMainBlockContainer"] > div > [data-testid="stVerticalBlock"] {{ gap: 8px; }}
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] h1, [data-testid="stMain"] h2,
[data-testid="stMain"] h3, [data-testid="stMain"] td, [data-testid="stMain"] th {{ color: {TEXT}; font-family: {FONT}; }}
.st-key-wall-header, .st-key-wall-strip, .st-key-wall-kpis, [class*="st-key-wall-panel"] {{
  flex: 0 0 auto !important;
}}
.st-key-wall-header {{ border-bottom: 2px solid {BORDER}; padding-bottom: 4px; }}
.st-key-wall-title {{ min-width: 0; flex: 1 1 0 !important; }}
.st-key-wall-title h1 {{ font-size: 38px; font-weight: 700; padding: 0; margin: 0; line-height: 52px;
  letter-spacing: 2px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
.st-key-wall-strip {{ height: 46px !important; }}
.st-key-wall-strip p {{ font-size: 20px; color: {MUTED}; margin: 0; }}
.st-key-wall-strip [data-testid="stCaptionContainer"] p {{ font-size: 20px; color: {MUTED}; }}
.st-key-wall-strip [data-testid="stAlert"] {{ padding: 2px 10px; }}
.st-key-wall-strip [data-testid="stAlert"] p {{ font-size: 20px; color: #3a2600; }}
.wall-clock {{ font-family: {FONT}; color: {TEXT}; text-align: right; white-space: nowrap; }}
.wall-clock .t {{ font-size: 40px; font-weight: 700; letter-spacing: 2px; font-variant-numeric: tabular-nums; }}
.wall-clock .d {{ font-size: 20px; color: {MUTED}; margin-right: 14px; }}
.st-key-wall-kpis [data-testid="stMetric"] {{
  background: {PANEL}; border: 1px solid {BORDER}; border-radius: 10px; padding: 8px 16px; height: 160px;
  box-sizing: border-box;
}}
.st-key-wall-kpis [data-testid="stMetricLabel"] p {{ font-size: 24px; color: {MUTED}; }}
.st-key-wall-kpis [data-testid="stMetricValue"] {{
  font-size: 60px; font-weight: 700; color: {TEXT}; line-height: 1.15; font-variant-numeric: tabular-nums;
}}
.st-key-wall-kpis [data-testid="stMetricDelta"] {{ font-size: 22px; background: rgba(255,255,255,0.06);
  filter: brightness(1.9) saturate(1.3); }}
.st-key-wall-kpis [data-testid="stMetricDelta"] p, .st-key-wall-kpis [data-testid="stMetricDelta"] span {{
  color: inherit;
}}
.st-key-wall-kpis [data-testid="stMetricDelta"] svg {{ width: 22px; height: 22px; }}
[class*="st-key-wall-panel"] {{
  background: {PANEL}; border: 1px solid {BORDER}; border-radius: 10px; padding: 8px 14px 20px 14px;
}}
[class*="st-key-wall-panel"] h3 {{ font-size: 24px; padding: 0 0 4px 0; color: {ACCENT}; }}
.st-key-wall-panel-alerts p {{ font-size: 21px; line-height: 1.35; margin: 0; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }}
.st-key-wall-panel-alerts [data-testid="stVerticalBlock"] {{ gap: 2px; }}
[class*="st-key-wall-panel"] table {{ width: 100%; border-collapse: collapse; font-size: 22px; line-height: 1.35;
  margin: 0; table-layout: fixed; }}
[class*="st-key-wall-panel"] th {{ color: {MUTED}; font-weight: 400; border: none;
  border-bottom: 1px solid {BORDER}; padding: 2px 6px; background: transparent; }}
[class*="st-key-wall-panel"] td {{ border: none; border-bottom: 1px solid #15263d; padding: 3px 6px;
  background: transparent; }}
[class*="st-key-wall-panel"] th, [class*="st-key-wall-panel"] td {{
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
{_case_column_widths()}
[class*="st-key-wall-panel"] tr {{ background: transparent !important; }}
[class*="st-key-wall-panel"] [data-testid="stCaptionContainer"] p {{ font-size: 17px; color: {MUTED}; }}
[class*="st-key-wall-panel"] [data-testid="stMarkdownContainer"] > p {{ font-size: 21px; }}
"""


_TZ_NAME = re.compile(r"^[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*$")
WEEKDAYS = "一二三四五六日"


def clock_html(timezone: str) -> str:
    """A clock that ticks every second in the browser (no Python rerun), in the configured zone.

    Only our own text: the zone name must look like an IANA key (else Asia/Shanghai is used), and
    is written into the script as a JSON string. One timer per page, even if the element is
    mounted again."""
    tz = timezone if _TZ_NAME.match(timezone or "") else "Asia/Shanghai"
    return ("<div class=\"wall-clock\"><span class=\"d\" id=\"wall-clock-date\"></span>"
            "<span class=\"t\" id=\"wall-clock-time\"></span></div>\n<script>\n(() => {\n"
            f"  const tz = {json.dumps(tz)};\n"
            f"  const days = {json.dumps(WEEKDAYS)};\n"
            "  const parts = new Intl.DateTimeFormat('en-CA', {timeZone: tz, year: 'numeric', month: '2-digit',\n"
            "    day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short',\n"
            "    hourCycle: 'h23'});\n"
            "  const wd = {Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6};\n"
            "  function tick() {\n"
            "    const p = Object.fromEntries(parts.formatToParts(new Date()).map(x => [x.type, x.value]));\n"
            "    const d = document.getElementById('wall-clock-date');\n"
            "    const t = document.getElementById('wall-clock-time');\n"
            "    if (d) d.textContent = `${p.year}-${p.month}-${p.day} 星期${days[wd[p.weekday]]}`;\n"
            "    if (t) t.textContent = `${p.hour}:${p.minute}:${p.second}`;\n"
            "  }\n"
            "  if (window.__gridWallClock) clearInterval(window.__gridWallClock);\n"
            "  window.__gridWallClock = setInterval(tick, 1000);\n"
            "  tick();\n"
            "})();\n</script>")


# ---- which moment and which periods ----

def wall_asof(view: View, tz, step_seconds: int) -> datetime:
    """The as-of time of this refresh: the link's pinned time, else now floored to the refresh step."""
    return view.asof if view.pinned else now_local(tz, max(1, step_seconds))


def today_view(view: View, asof: datetime) -> View:
    """The calendar day of the as-of time (for 今日 counts and the hot spots)."""
    day = asof.date()
    return View(view.area_code, Period(day, day + timedelta(days=1)), "custom", asof, view.pinned)


def period_view(view: View, asof: datetime) -> View:
    """The period of the rate tiles: the URL's (default 近30天), re-anchored on the as-of day so a
    wall running past midnight rolls on; a custom range stays as given."""
    if view.preset == "custom":
        return View(view.area_code, view.period, "custom", asof, view.pinned)
    return View(view.area_code, preset(view.preset, asof.date()), view.preset, asof, view.pinned)


def rotation(now_seconds: float, rotate_seconds: int, views: tuple = VIEWS) -> str:
    """Which centre view to show at this moment: always the map without rotation."""
    if rotate_seconds <= 0:
        return views[0]
    return views[int(now_seconds // rotate_seconds) % len(views)]


def run_every(wall_seconds: int, rotate_seconds: int) -> int:
    """The fragment's rerun interval: the refresh interval, or the rotation's when that is shorter
    (the data's as-of step stays the refresh interval, so a rotation-only rerun hits the cache)."""
    return min(wall_seconds, rotate_seconds) if rotate_seconds > 0 else wall_seconds


# ---- KPI tiles ----

@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: str
    delta: str | None
    delta_color: str  # st.metric: "normal" (up is good), "inverse" (down is good), "off"
    description: str | None
    help: str

    @property
    def delta_arrow(self) -> str:
        """No arrow, and no colour, for no change at all (+0, +0.0pp)."""
        return "off" if self.unchanged else "auto"

    @property
    def unchanged(self) -> bool:
        return fmt.unchanged(self.delta)


def _count_delta(cur, prev) -> str | None:
    if fmt.missing(cur) or fmt.missing(prev):
        return None
    return f"{int(cur) - int(prev):+,d}"


TODAY_TILES = ("reported", "closed_in_p", "overdue_open")  # declared measures over today's window (metrics.wall)
PERIOD_TILES = ("on_time_rate", "satisfaction_rate", "safety_index")
TODAY_KEYS = {"closed_in_p": "closed"}  # metrics.wall.day_counts names 今日结案 "closed"


def kpi_tiles(today: dict, summary: dict, period_name: str) -> list[Tile]:
    """今日上报 / 今日结案 / 超期未结 against the same time yesterday, and 按期结案率 / 群众满意率 /
    平安指数 of the period against the previous period of equal length (环比). Labels, formats,
    directions and help come from the metrics' declarations."""
    prev = today.get("previous", {})
    before = summary.get("previous", {})
    tiles = []
    for name in TODAY_TILES:
        m, key = METRICS[name], TODAY_KEYS.get(name, name)
        label = m.label if name == "overdue_open" else f"今日{m.shortest}"  # 超期未结 is a state, not today's count
        tiles.append(Tile(key, label, fmt.count(today.get(key)), _count_delta(today.get(key), prev.get(key)),
                          fmt.DELTA_COLOR[m.better], "较昨日同时", m.help.replace("周期内", "今日 0 时至数据截至时刻")))
    for key in PERIOD_TILES:
        m = METRICS[key]
        value = formats.value(m.kind, summary.get(key))
        if key == "safety_index" and summary.get("safety_grade"):
            value = f"{value} {summary['safety_grade']}"
        delta = fmt.delta(summary.get(key), before.get(key), formats.CHANGE[m.kind])
        tiles.append(Tile(key, f"{m.label}·{period_name}", value, delta, fmt.DELTA_COLOR[m.better],
                          "环比" if delta else None, f"{period_name}内的{m.label}，与前一个等长周期相比"))
    return tiles


def period_name(view: View) -> str:
    """Short name of the rate tiles' period: 近30天, 本月 … or the dates of a custom range."""
    if view.preset != "custom":
        return PRESETS[view.preset]
    last = view.period.end - timedelta(days=1)
    return f"{view.period.start:%m-%d}至{last:%m-%d}" if last != view.period.start else f"{view.period.start:%m-%d}"


def status_line(asof: datetime, refresh_seconds: int, view: View) -> str:
    """数据截至 hh:mm, the refresh interval and the rate tiles' period (Markdown, no database text).
    While the database is down the stale warning takes this place and names the time shown."""
    note = "（链接指定时点）" if view.pinned else ""
    when = f"{asof:%H:%M}" if not view.pinned else f"{asof:%Y-%m-%d %H:%M}"
    return (f"数据截至 **{when}**{note} · 每 {refresh_seconds} 秒自动刷新 · "
            f"周期指标：{PRESETS[view.preset] if view.preset != 'custom' else '自定义'}（{view.period.label()}）")


def alert_lines(found: list[dict] | None, due_hours: int) -> list[str] | None:
    """The 预警 panel: the strongest surges and 超期未结 jumps (the kinds taking turns), each one line
    in short form, then a line with how many more and the 临期 cases (Markdown, database names
    escaped). None when the alerts could not be computed."""
    if found is None:
        return None
    loud = [a for a in found if a["kind"] != "due_soon"]
    shown = alert_metrics.in_turns(loud, ALERT_LINES)
    lines = [f":red[●] **{fmt.md_escape(a['area_name'])}** {fmt.md_escape(_short(a))}" for a in shown]
    if not loud:
        lines.append(":green[●] 没有异常增多或超期未结陡增")
    due = sum(a["observed"] for a in found if a["kind"] == "due_soon")
    tail = [f"另 {len(loud) - len(shown)} 条预警"] if len(loud) > len(shown) else []
    tail += [f"临期 {due:,} 件（{due_hours} 小时内到期）"] if due else []
    return lines + ([" · ".join(tail)] if tail else [])


def _short(alert: dict) -> str:
    if alert["kind"] != "surge":
        return alert["words"]
    window = "近24小时" if alert["window_hours"] == 24 else "近7天"  # most first: the line is cut at its end
    return f"{alert['category_name']} {alert['observed']:,} 件，常态约 {alert['expected']:.1f}（{window}）"


# ---- charts: small SVG pictures ----
#
# The wall's charts are SVG drawn here and shown with st.image (an <img>, so nothing in them can
# run). Interactive chart widgets measure their box in screen pixels and then get zoomed again by
# page_css; an SVG of a fixed design size is simply scaled, and stays sharp on a 4K screen.

def xml_text(text) -> str:
    """Database (or config) text for SVG: escaped, so it is shown as written and never parsed."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return html.escape(str(text), quote=True)


def _svg(width: int, height: int, body: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="{FONT}">{body}</svg>')


def _text(x: float, y: float, text: str, size: int = 20, color: str = TEXT, anchor: str = "start",
          weight: int = 400) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{color}" text-anchor="{anchor}" '
            f'dominant-baseline="central" font-weight="{weight}">{xml_text(text)}</text>')


def text_width(text: str, size: int) -> float:
    """Rough width of a label: CJK characters are square, Latin and digits about half as wide."""
    return sum(size if ord(c) > 0x2E80 else size * 0.56 for c in str(text))


def _clip(text: str, size: int, room: float) -> str:
    text = str(text)
    while len(text) > 1 and text_width(text, size) > room:
        text = text[:-2] + "…"
    return text


UNAVAILABLE = "暂无数据（数据库连接中断）"


def _empty_svg(width: int, height: int, text: str) -> str:
    return _svg(width, height, _text(width / 2, height / 2, text, 22, MUTED, "middle"))


def bars_svg(frame: pd.DataFrame | None, *, width: int = LEFT_WIDTH, height: int = BAR_HEIGHT,
             color: str = ACCENT, empty: str = "近24小时无上报事件", rows: int = 5) -> str:
    """Hot spots as horizontal bars, most first: name, bar, count. None: the figure is unavailable."""
    if frame is None or frame.empty:
        return _empty_svg(width, height, UNAVAILABLE if frame is None else empty)
    data = frame.head(rows)
    step = height / rows
    label_room, count_room = width * 0.42, 64
    top = max(1, int(data["events"].max()))
    body = []
    for i, (label, n) in enumerate(zip(data["label"], data["events"])):
        y = step * (i + 0.5)
        bar = max(4.0, (width - label_room - count_room - 12) * int(n) / top)
        body.append(_text(label_room - 10, y, _clip(label, 20, label_room - 12), 20, TEXT, "end"))
        body.append(f'<rect x="{label_room:.1f}" y="{y - step * 0.3:.1f}" width="{bar:.1f}" '
                    f'height="{step * 0.6:.1f}" rx="3" fill="{color}"/>')
        body.append(_text(label_room + bar + 8, y, f"{int(n):,}", 22, TEXT, "start", 700))
    return _svg(width, height, "".join(body))


def _nice_max(value: float) -> float:
    """1, 2, 5 × 10^k at or above value (at least 1)."""
    value = max(1.0, float(value))
    exp = 10 ** math.floor(math.log10(value))
    return next(m * exp for m in (1, 2, 5, 10) if m * exp >= value)


def _plot_frame(width: int, height: int, top: float, left: int = 56, bottom: int = 34, up: int = 34) -> tuple:
    """Axes box and horizontal grid lines with their values; returns (svg parts, x0, x1, y(v))."""
    x0, x1, y0, y1 = left, width - 12, up, height - bottom
    y = lambda v: y1 - (y1 - y0) * v / top  # noqa: E731
    parts = []
    for v in (0, top / 2, top):
        parts.append(f'<line x1="{x0}" x2="{x1}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="{BORDER}" stroke-width="1"/>')
        parts.append(_text(x0 - 8, y(v), f"{v:,.0f}", 17, MUTED, "end"))
    return parts, x0, x1, y


def _series_legend(width: int, items: list[tuple[str, str, bool]]) -> list[str]:
    """Names of the series at the top right: (name, colour, dashed line instead of a block)."""
    parts, x = [], width - 12
    for name, color, dashed in reversed(items):
        x -= text_width(name, 18)
        parts.append(_text(x, 14, name, 18, TEXT))
        x -= 30
        if dashed:
            parts.append(f'<line x1="{x}" x2="{x + 24}" y1="14" y2="14" stroke="{color}" stroke-width="3" '
                         f'stroke-dasharray="5 4"/>')
        else:
            parts.append(f'<rect x="{x}" y="6" width="24" height="16" rx="2" fill="{color}"/>')
        x -= 18
    return parts


def hourly_svg(frame: pd.DataFrame | None, *, width: int = CENTRE_WIDTH, height: int = TREND_HEIGHT,
               title: str = "今日逐时上报（对比昨日）") -> str:
    """Events per hour: today as bars (hours still to come have none), yesterday as a dotted line."""
    if frame is None or frame.empty:
        return _empty_svg(width, height, UNAVAILABLE if frame is None else "无数据")
    today = pd.to_numeric(frame["today"], errors="coerce")
    yesterday = pd.to_numeric(frame["yesterday"], errors="coerce").fillna(0)
    top = _nice_max(max(today.max(skipna=True) if today.notna().any() else 0, yesterday.max()))
    parts, x0, x1, y = _plot_frame(width, height, top)
    slot = (x1 - x0) / 24
    for h, v in zip(frame["hour"], today):
        if pd.notna(v) and v > 0:
            parts.append(f'<rect x="{x0 + slot * (h + 0.15):.1f}" y="{y(v):.1f}" width="{slot * 0.7:.1f}" '
                         f'height="{y(0) - y(v):.1f}" fill="{ACCENT}"/>')
    points = " ".join(f"{x0 + slot * (h + 0.5):.1f},{y(v):.1f}" for h, v in zip(frame["hour"], yesterday))
    parts.append(f'<polyline points="{points}" fill="none" stroke="{WARN}" stroke-width="3" stroke-dasharray="6 5"/>')
    for h in range(0, 24, 3):
        parts.append(_text(x0 + slot * (h + 0.5), height - 14, f"{h:02d}时", 17, MUTED, "middle"))
    parts += _series_legend(width, [("今日", ACCENT, False), ("昨日", WARN, True)])
    parts.append(_text(0, 14, title, 20, TEXT))
    return _svg(width, height, "".join(parts))


def trend_svg(trend: pd.DataFrame | None, *, width: int = CENTRE_WIDTH, height: int = TREND_HEIGHT,
              title: str = "每日上报与结案") -> str:
    """The period's daily volume: 上报 as bars, 结案 as a line. Today, still running (metrics/buckets.py),
    is an outlined bar and a dashed segment to an open circle, under "截至 hh:mm，未完"."""
    if trend is None or trend.empty:
        return _empty_svg(width, height, UNAVAILABLE if trend is None else "无数据")
    days = pd.to_datetime(trend["period_start"])
    reported = pd.to_numeric(trend["reported"], errors="coerce").fillna(0)
    closed = pd.to_numeric(trend["closed"], errors="coerce").fillna(0)
    partial = partial_rows(trend).tolist()
    top = _nice_max(max(reported.max(), closed.max()))
    parts, x0, x1, y = _plot_frame(width, height, top)
    n = len(trend)
    slot = (x1 - x0) / n
    for i, v in enumerate(reported):
        look = 'fill="none" stroke="#6d9ccf" stroke-width="2" stroke-dasharray="5 3"' if partial[i] else 'fill="#3d6a99"'
        parts.append(f'<rect x="{x0 + slot * (i + 0.15):.1f}" y="{y(v):.1f}" width="{slot * 0.7:.1f}" '
                     f'height="{y(0) - y(v):.1f}" {look}/>')
    xy = [(x0 + slot * (i + 0.5), y(v)) for i, v in enumerate(closed)]
    done = [p for p, part in zip(xy, partial) if not part]
    parts.append(f'<polyline points="{" ".join(f"{a:.1f},{b:.1f}" for a, b in done)}" fill="none" '
                 f'stroke="#81c784" stroke-width="3"/>')
    if any(partial):
        tail = done[-1:] + [p for p, part in zip(xy, partial) if part]
        parts.append(f'<polyline points="{" ".join(f"{a:.1f},{b:.1f}" for a, b in tail)}" fill="none" '
                     f'stroke="#81c784" stroke-width="3" stroke-dasharray="6 5"/>')
        a, b = tail[-1]
        parts.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="6" fill="{PANEL}" stroke="#81c784" stroke-width="3"/>')
        parts.append(_text(min(a, width - 12), 48, partial_text(trend, rates=False), 17, MUTED, "end"))
    every = max(1, math.ceil(n / 8))
    for i in range(0, n, every):
        parts.append(_text(x0 + slot * (i + 0.5), height - 14, f"{days.iloc[i]:%m-%d}", 17, MUTED, "middle"))
    parts += _series_legend(width, [("上报", "#3d6a99", False), ("结案", "#81c784", False)])
    parts.append(_text(0, 14, title, 20, TEXT))
    return _svg(width, height, "".join(parts))


def legend_svg(items, *, width: int = CENTRE_WIDTH, height: int = LEGEND_HEIGHT, alpha: int = maps.FILL_ALPHA) -> str:
    """The grade colours in one centred line (names and colours come from config.toml), each swatch
    the very colour the map fills its areas with (`alpha`: maps.fill_alpha of the map's settings)."""
    labels = [(f"{item.name} {item.range}".rstrip(), maps.swatch(item.color, alpha)) for item in items]
    total = sum(30 + text_width(t, 19) + 26 for t, _ in labels) - 26
    k = min(1.0, width / total) if total else 1.0  # too many bands for one line at 19 px: shrink, never cut off
    x, parts = max(0.0, (width - total * k) / 2), []
    for text, color in labels:
        parts.append(f'<rect x="{x:.1f}" y="{height / 2 - 10 * k:.1f}" width="{20 * k:.1f}" height="{20 * k:.1f}" '
                     f'rx="3" fill="{color}"/>')
        parts.append(_text(x + 28 * k, height / 2, text, round(19 * k, 1), TEXT))
        x += (30 + text_width(text, 19) + 26) * k
    return _svg(width, height, "".join(parts))


# ---- the map ----

WALL_LABELS = maps.LabelStyle(color=[255, 255, 255, 255], outline=[6, 16, 31, 255], size=20, weight=700,
                              outline_width=3)


def map_areas(shapes: pd.DataFrame, children: pd.DataFrame) -> pd.DataFrame:
    """The children's outlines with their index, grade and colour (a grid has no children: its own
    outline, uncoloured)."""
    if children.empty:
        return shapes
    return shapes.merge(children[["area_id", "safety_index", "safety_grade", "safety_color"]], on="area_id", how="left")


def wall_map(areas: pd.DataFrame, settings: MapSettings | None = None, *, width: int = MAP_WIDTH,
             height: int = MAP_HEIGHT) -> pdk.Deck:
    """maps.safety_map for the dark wall: no density layer, no mouse control, no tooltip, each area's
    name and index written on it in big white letters (WebGL text, never HTML), all inside the panel."""
    deck = maps.safety_map(areas, None, settings, show_density=False, height=height, width=width,
                           labels=WALL_LABELS)
    deck.views = [pdk.View(type="MapView", controller=False)]
    deck._tooltip = False
    return deck


# ---- case lists ----

def _when(t, asof: datetime) -> str:
    if t is None or pd.isna(t):
        return ""
    t = pd.Timestamp(t)
    return f"{t:%H:%M}" if t.date() == asof.date() else f"{t:%m-%d %H:%M}"


def _overdue(hours) -> str:
    return "" if hours is None or pd.isna(hours) else fmt.overdue(hours)


CASE_COLUMNS = {"newest": ("时间", "类别", "网格", "状态"), "overdue": ("超期", "类别", "网格", "状态")}


def case_table(frame: pd.DataFrame | None, kind: str, asof: datetime, rows: int | None = None) -> pd.DataFrame | None:
    """The wall's case list: ONLY time (or time overdue), category, grid and status — whatever else
    the frame carries is dropped here."""
    cols = CASE_COLUMNS[kind]
    if frame is None:
        return None
    if frame.empty:
        return pd.DataFrame(columns=list(cols))
    data = frame.head(rows or CASE_ROWS[kind])
    first = [_when(t, asof) for t in data["reported_at"]] if kind == "newest" else \
        [_overdue(h) for h in data["overdue_hours"]]
    cat = [fmt.NO_DATA if v is None or pd.isna(v) else str(v) for v in data["category"]]
    return pd.DataFrame({cols[0]: first, cols[1]: cat, cols[2]: [str(v) for v in data["grid"]],
                         cols[3]: [str(v) for v in data["status"]]})


def case_markdown(table: pd.DataFrame | None, empty: str) -> str:
    """A Markdown table with every cell escaped (database text never becomes a link or markup)."""
    if table is None:
        return UNAVAILABLE
    if table.empty:
        return empty
    head = "| " + " | ".join(table.columns) + " |\n|" + "---|" * len(table.columns) + "\n"
    cells = lambda v: fmt.md_escape(v).replace("\n", " ")  # noqa: E731
    return head + "\n".join("| " + " | ".join(cells(v) for v in row) + " |" for row in table.itertuples(index=False))


