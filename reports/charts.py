"""The review's charts as PNG images, drawn offline with matplotlib (no browser, no network).

Chinese text needs a CJK font: Noto Sans CJK SC from Debian's fonts-noto-cjk (installed by
`make test`; `apt-get install fonts-noto-cjk` elsewhere), or any of the usual Chinese fonts the
machine has. Rendering holds a lock: matplotlib's settings are process-wide, and the page renders
its downloads in Streamlit's worker threads.
"""
from __future__ import annotations

import io
import threading
from datetime import timedelta

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from metrics.safety_index import NO_DATA_COLOR
from metrics.weekly import AreaWeek, WeeklyReview

CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
                "Microsoft YaHei", "SimHei", "PingFang SC")
CJK_FILES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
             "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
COLORS = {"now": "#1565c0", "previous": "#90a4ae", "last_year": "#ffb74d"}
DPI = 150
_LOCK = threading.Lock()


class FontMissing(RuntimeError):
    pass


def cjk_family() -> str:
    """The first Chinese font family matplotlib can use; registers Debian's Noto CJK file if needed."""
    for attempt in range(2):
        for family in CJK_FAMILIES:
            try:
                font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
                return family
            except ValueError:
                continue
        if attempt == 0:
            for path in CJK_FILES:
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError):
                    continue
    raise FontMissing("未找到中文字体，图表无法显示中文：请安装 fonts-noto-cjk（apt-get install fonts-noto-cjk）")


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    return out.getvalue()


def _style(ax, title: str) -> None:
    ax.set_title(title, fontsize=12, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x" if ax.get_xlabel() == "平安指数" else "y", color="#e0e0e0", linewidth=0.8)
    ax.set_axisbelow(True)


def daily_chart(review: WeeklyReview) -> bytes:
    """Events reported per weekday: this week, the week before, the same week last year."""
    fig = Figure(figsize=(7.2, 3.2))
    ax = fig.add_subplot()
    labels = {"now": f"本周 {review.label}", "previous": "上周", "last_year": "去年同期"}
    for i, key in enumerate(("now", "previous", "last_year")):
        ax.plot(range(7), [d[i] for d in review.daily] or [0] * 7, marker="o", color=COLORS[key], label=labels[key],
                linewidth=2.4 if key == "now" else 1.6)
    ax.set_xticks(range(7), [f"{w}\n{review.week.start + timedelta(days=i):%m-%d}" for i, w in enumerate(WEEKDAYS)])
    ax.set_ylabel("上报事件数")
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, ncols=3, loc="lower center", bbox_to_anchor=(0.5, -0.42))
    _style(ax, f"{review.area_name} 每日上报事件")
    return _png(fig)


def rates_chart(review: WeeklyReview) -> bytes:
    """Closure, on-time and satisfaction rates: this week, the week before, the same week last year."""
    keys = (("closure_rate", "结案率"), ("on_time_rate", "按期结案率"), ("satisfaction_rate", "群众满意率"))
    k = review.kpis
    sets = (("now", "本周", k), ("previous", "上周", k["previous"]), ("last_year", "去年同期", k["last_year"]))
    fig = Figure(figsize=(7.2, 3.0))
    ax = fig.add_subplot()
    width = 0.26
    for j, (color, label, data) in enumerate(sets):
        xs = [i + (j - 1) * width for i in range(len(keys))]
        values = [data[key] for key, _ in keys]
        bars = ax.bar(xs, [0 if v is None else v * 100 for v in values], width, color=COLORS[color], label=label)
        for bar, v in zip(bars, values):
            ax.annotate("无数据" if v is None else f"{v * 100:.1f}", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                        ha="center", va="bottom", fontsize=7, xytext=(0, 2), textcoords="offset points")
    ax.set_xticks(range(len(keys)), [name for _, name in keys])
    ax.set_ylim(0, 110)
    ax.set_ylabel("%")
    ax.legend(frameon=False, ncols=3, loc="lower center", bbox_to_anchor=(0.5, -0.3))
    _style(ax, f"{review.area_name} 结案、按期与满意率")
    return _png(fig)


def _index_bars(ax, rows: list[AreaWeek], title: str, with_previous: bool) -> None:
    names = [r.name for r in rows]
    ys = range(len(rows))
    ax.barh(ys, [r.safety_index or 0 for r in rows], color=[r.safety_color or NO_DATA_COLOR for r in rows],
            height=0.6, label="本周")
    for y, r in zip(ys, rows):
        text = "无数据" if r.safety_index is None else f"{r.safety_index:.1f} {r.safety_grade}"
        ax.annotate(text, (r.safety_index or 0, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    if with_previous:
        ax.scatter([r.prev_index for r in rows if r.prev_index is not None],
                   [y for y, r in zip(ys, rows) if r.prev_index is not None], marker="|", s=260, color="#263238",
                   linewidths=2, label="上周", zorder=3)
        ax.legend(frameon=False, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, fontsize=8)
    ax.set_yticks(list(ys), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 112)
    ax.set_xlabel("平安指数")
    _style(ax, title)


def streets_chart(review: WeeklyReview) -> bytes:
    """Each street's safety index this week (bars in grade colours) and last week (a tick)."""
    rows = sorted(review.streets, key=lambda r: (-(r.safety_index or -1), r.code))
    fig = Figure(figsize=(7.2, 0.42 * len(rows) + 1.3))
    _index_bars(fig.add_subplot(), rows, "各街道平安指数（条为本周，竖线为上周）", with_previous=True)
    return _png(fig)


def grids_chart(review: WeeklyReview) -> bytes:
    """The grids' red and black lists by safety index."""
    red, black = review.grid_lists["index_red"], review.grid_lists["index_black"]
    fig = Figure(figsize=(7.2, 0.36 * (len(red) + len(black)) + 1.8))
    top, bottom = fig.subplots(2, 1, height_ratios=[max(1, len(red)), max(1, len(black))])
    _index_bars(top, list(red), "网格红榜：平安指数最高", with_previous=True)
    _index_bars(bottom, list(black), "网格黑榜：平安指数最低", with_previous=True)
    fig.tight_layout()
    return _png(fig)


def weekly_charts(review: WeeklyReview) -> list[tuple[str, bytes]]:
    """(caption, PNG) of every chart the document shows, in order."""
    # Names are text: matplotlib would read "$…$" in an area's name as mathtext (drawn as a formula,
    # or failing the whole document when it does not parse).
    rc = {"font.family": [cjk_family(), "DejaVu Sans"], "axes.unicode_minus": False, "text.parse_math": False}
    with _LOCK, matplotlib.rc_context(rc):
        out = [("图1 每日上报事件：本周、上周与去年同期", daily_chart(review)),
               ("图2 结案率、按期结案率与群众满意率", rates_chart(review))]
        if review.streets:
            out.append((f"图{len(out) + 1} 各街道平安指数", streets_chart(review)))
        if review.grid_lists["index_red"]:
            out.append((f"图{len(out) + 1} 网格红黑榜（平安指数）", grids_chart(review)))
    return out
