"""指挥大屏: the command center's wall display — dark, full screen, refreshing itself.

The header (area and a clock that ticks in the browser) is drawn once; everything with data lives
in one fragment that reruns every `refresh.wall_seconds` (or `refresh.wall_rotate_seconds` when the
centre panel rotates), so a refresh redraws only the figures, never the page. While the database is
down the fragment keeps the last good figures with a warning in its status strip, and its own next
run is the retry. No personal data: case lists carry category, grid, time and status only.
"""
import time
from dataclasses import replace

import streamlit as st

from data_access.errors import DatabaseUnavailable
from metrics import geo
from metrics import wall as wall_metrics
from ui import access, cache_hygiene, resilience
from ui.alerts_panel import current_alerts
from ui.context import current
from ui.figures import maps
from ui.figures import wall as fig

ctx = current()
settings = ctx.settings
st.html(fig.page_css())
with st.container(key="wall-header", horizontal=True, vertical_alignment="center"):
    with st.container(key="wall-title"):
        st.markdown(f"# {ctx.area_name} · 指挥大屏")  # area_name is escaped Markdown
    st.html(fig.clock_html(settings.timezone.key), unsafe_allow_javascript=True, width="content")

every = fig.run_every(settings.wall_seconds, settings.wall_rotate_seconds)


def _safe(compute):
    """One figure, or None when the database is down and nothing is kept for it."""
    try:
        return compute()
    except DatabaseUnavailable:
        return None


@st.fragment(run_every=every)
def live() -> None:
    base = current()
    user = access.current_user(base.settings, access.user_store(str(settings.users_path), settings.embedded))
    if user != base.user:  # signed out, disabled, token revoked, or the account changed: start over
        st.rerun()
    resilience.current().retry_seconds = every
    cache_hygiene.prune_value_locks()  # at most every 10 minutes: Streamlit keeps a lock per key ever cached
    asof = fig.wall_asof(base.view, settings.timezone, settings.wall_seconds)
    day = replace(base, view=fig.today_view(base.view, asof))
    period = replace(base, view=fig.period_view(base.view, asof))
    centre = fig.rotation(time.time(), settings.wall_rotate_seconds)

    with st.container(key="wall-strip", horizontal=True, vertical_alignment="center", wrap=False):
        # Fetched here so that a stale warning lands in this strip, not between the figures.
        counts = _safe(lambda: day.metric(wall_metrics.day_counts))
        summary = _safe(period.summary)
        hot_grids = _safe(lambda: day.metric(wall_metrics.hot_spots, by="grid"))
        hot_cats = _safe(lambda: day.metric(wall_metrics.hot_spots, by="category"))
        newest = _safe(lambda: day.metric(wall_metrics.newest_list))
        overdue = _safe(lambda: day.metric(wall_metrics.overdue_list))
        found = _safe(lambda: current_alerts(day))
        if centre == "map":
            children = _safe(period.children)
            shapes = _safe(lambda: period.metric(geo.area_shapes))
        else:
            hours = _safe(lambda: day.metric(wall_metrics.hourly))
            trend = _safe(lambda: period.trend("day"))
        if not resilience.stale():
            st.caption(fig.status_line(asof, settings.wall_seconds, period.view)
                       + (" · :orange[登录已关闭]" if settings.auth_mode == "none" else ""))
        elif resilience.current().banner is None:  # down, and nothing kept could stand in
            st.warning(f"无法连接数据库（{resilience.current().target}），系统每 {every} 秒自动重试。",
                       icon=":material/cloud_off:")
        # else: the stale warning (drawn above by the first kept figure) says which time is shown

    with st.container(key="wall-kpis", horizontal=True, gap="small"):
        for tile in fig.kpi_tiles(counts or {}, summary or {}, fig.period_name(period.view)):
            st.metric(tile.label, tile.value, delta=tile.delta, delta_description=tile.description,
                      delta_color="off" if tile.unchanged else tile.delta_color, delta_arrow=tile.delta_arrow)

    left, middle, right = st.columns(fig.COLUMNS, gap="small")
    with left, st.container(key="wall-panel-hot"):
        st.markdown("### 热点网格 · 近24小时")
        st.image(fig.bars_svg(hot_grids), width=fig.LEFT_WIDTH)
        st.markdown("### 热点类别 · 近24小时")
        st.image(fig.bars_svg(hot_cats, color=fig.WARN), width=fig.LEFT_WIDTH)
    with middle, st.container(key="wall-panel-centre"):
        st.markdown(f"### {fig.VIEW_TITLES[centre]}")
        if centre == "map":
            areas = None if shapes is None or children is None else fig.map_areas(shapes, children)
            placed = None if areas is None else maps.placement(areas, settings.map)
            if placed is None:
                st.markdown(fig.UNAVAILABLE)
            elif not placed.drawn:  # no outline and no coordinates: say so rather than show an empty box
                st.markdown(maps.placement_note(placed))
            else:
                st.pydeck_chart(fig.wall_map(areas, settings.map), width=fig.MAP_WIDTH,
                                height=fig.MAP_HEIGHT, key="wall_map")
                st.image(fig.legend_svg(maps.grade_legend(settings.safety.grades),
                                                    alpha=maps.fill_alpha(settings.map)), width=fig.CENTRE_WIDTH)
        else:
            st.image(fig.hourly_svg(hours), width=fig.CENTRE_WIDTH)
            st.image(fig.trend_svg(trend, title=f"每日上报与结案 · {fig.period_name(period.view)}"),
                     width=fig.CENTRE_WIDTH)
    with right:
        with st.container(key="wall-panel-alerts"):
            st.markdown("### 预警")
            lines = fig.alert_lines(found, settings.alerts.due_hours)
            for line in lines or [fig.UNAVAILABLE]:
                st.markdown(line)  # one line each, cut with … when long
        with st.container(key="wall-panel-newest"):
            st.markdown("### 最新上报")
            st.markdown(fig.case_markdown(fig.case_table(newest, "newest", asof), "近72小时没有上报事件"))
        with st.container(key="wall-panel-overdue"):
            st.markdown("### 超期最久")
            st.markdown(fig.case_markdown(fig.case_table(overdue, "overdue", asof), "没有超期未结的事件"))


live()
