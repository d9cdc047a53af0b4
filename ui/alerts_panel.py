"""预警 where people look: 总览's section for the user's scope (each alert opens its cases in 事件明细)."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from metrics import alerts as alert_metrics
from ui import format as fmt
from ui.case_links import open_alert
from ui.context import AppContext
from ui.state import floor_to

SHOWN = 6  # surges and jumps listed; the rest are counted
# Alerts are judged at T floored to this step: a 24-hour window hardly moves in ten minutes, and a wall
# refreshing every minute would otherwise recount nine weeks of cases each time (seconds at 10M events).
STEP_SECONDS = 600
ICONS = {"surge": ":material/trending_up:", "overdue_jump": ":material/running_with_errors:",
         "due_soon": ":material/schedule:"}


def method_note(model: alert_metrics.AlertModel) -> str:
    return (f"异常增多：与本区域、本类别前 {model.baseline_weeks} 周同一时段相比（近24小时、近7天），"
            f"至少 {model.min_count} 件且按检验次数校正后仍显著偏高；临期：{model.due_hours} 小时内到期的未结案件")


def alert_time(ctx: AppContext):
    """T floored to STEP_SECONDS: when the view's alerts are judged (and their links' windows end)."""
    return floor_to(ctx.view.asof, STEP_SECONDS)


def current_alerts(ctx: AppContext) -> list[dict]:
    """The view's alerts at alert_time (one computation per step for every viewer)."""
    return replace(ctx, view=replace(ctx.view, asof=alert_time(ctx))).metric(alert_metrics.alerts,
                                                                             model=ctx.settings.alerts)


def alerts_section(ctx: AppContext) -> None:
    st.subheader("预警")
    found, at = current_alerts(ctx), alert_time(ctx)
    loud = [a for a in found if a["kind"] != "due_soon"]
    due = [a for a in found if a["kind"] == "due_soon"]
    if not loud and not due:
        st.success(f"截至 {at:%Y-%m-%d %H:%M}，没有异常增多、超期未结陡增或临期的事件。",
                   icon=":material/check_circle:")
    for i, alert in enumerate(alert_metrics.in_turns(loud, SHOWN)):
        row = st.container(horizontal=True, vertical_alignment="center")
        row.markdown(f"{ICONS[alert['kind']]} **{fmt.md_escape(alert['area_name'])}**　{fmt.md_escape(alert['words'])}")
        if row.button("查看事件", key=f"alert_{i}_{alert['kind']}_{alert['area_code']}", type="tertiary"):
            open_alert(alert, at)
    if len(loud) > SHOWN:
        st.caption(f"另有 {len(loud) - SHOWN} 条预警未列出（按显著程度排列）；可下钻到街道或网格查看。")
    if due:
        n, areas = sum(a["observed"] for a in due), len({a["area_code"] for a in due})
        row = st.container(horizontal=True, vertical_alignment="center")
        row.markdown(f"{ICONS['due_soon']} **临期**　{fmt.count(n)} 件未结案件将在 {ctx.settings.alerts.due_hours} 小时内到期"
                     f"（{fmt.count(areas)} 个网格）")
        if row.button("查看临期事件", key="alert_due_soon", type="tertiary"):
            open_alert({"kind": "due_soon", "area_code": ctx.view.area_code}, at)
    st.caption(f"{ctx.caption()} · 预警按 {at:%H:%M} 计，每 {STEP_SECONDS // 60} 分钟更新 · {method_note(ctx.settings.alerts)}")
