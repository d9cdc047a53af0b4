"""事件明细's record: the steps on a time line against the deadline, and the steps as a table."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ui.figures.common import layout, plain

STEP_COLORS = {"上报": "#1565c0", "受理": "#00897b", "派遣": "#f9a825", "结案": "#2e7d32"}
VERDICTS = {"on_time": "按期结案", "late": "超期 {h}结案", "open_left": "未结案，距办理期限剩余 {h}",
            "open_overdue": "未结案，已超过办理期限 {h}", "no_deadline": "平台未记录办理期限", "rejected": "已驳回，不计期限"}


def duration(hours: float) -> str:
    """40 分钟 · 5.5 小时 · 3 天 6 小时: a step's length as a reader says it."""
    if hours < 0:  # a bad row: stamped before the step it follows
        return "时间有误（早于前一环节）"
    if hours < 1:
        return f"{round(hours * 60)} 分钟"
    if hours < 48:
        return f"{hours:.1f} 小时"
    days, rest = divmod(round(hours), 24)
    return f"{days} 天" + (f" {rest} 小时" if rest else "")


def verdict_text(verdict: dict) -> str:
    hours = verdict.get("hours")
    return VERDICTS[verdict["kind"]].format(h=duration(hours) if hours is not None else "")


def timeline(record: dict, asof, title: str) -> go.Figure:
    """Each recorded step as a labelled point on one time line; the deadline and the as-of time as
    vertical lines, so a late step shows to the right of the deadline."""
    steps = record["steps"]
    fig = go.Figure(go.Scatter(
        x=[s["at"] for s in steps], y=[0] * len(steps), mode="markers+text",
        marker=dict(size=16, color=[STEP_COLORS.get(s["step"], "#616161") for s in steps]),
        text=[s["step"] for s in steps], textposition="top center", textfont=dict(size=15),
        hovertext=[f"{s['step']} {s['at']:%Y-%m-%d %H:%M}" for s in steps], hoverinfo="text", showlegend=False))
    if len(steps) > 1:
        fig.add_trace(go.Scatter(x=[steps[0]["at"], steps[-1]["at"]], y=[0, 0], mode="lines",
                                 line=dict(color="#9e9e9e", width=3), hoverinfo="skip", showlegend=False))
    for when, label, color in ((record["deadline_at"], "办理期限", "#d32f2f"), (pd.Timestamp(asof), "统计时点", "#616161")):
        if when is not None:
            fig.add_vline(x=when, line=dict(color=color, dash="dash", width=2))
            fig.add_annotation(x=when, y=-0.8, text=plain(label), showarrow=False, font=dict(color=color, size=14))
    fig.update_yaxes(visible=False, range=[-1.2, 1.2])
    fig.update_xaxes(tickformat="%m-%d %H:%M", showgrid=True)
    return layout(fig, title, height=230, hovermode="closest")


def steps_table(record: dict) -> pd.DataFrame:
    return pd.DataFrame({
        "环节": [s["step"] for s in record["steps"]],
        "时间": [f"{s['at']:%Y-%m-%d %H:%M}" for s in record["steps"]],
        "距上一环节": ["—" if s["since_previous"] is None else duration(s["since_previous"]) for s in record["steps"]],
        "距上报": [duration(s["since_report"]) for s in record["steps"]],
    })
