"""周报 figures and tables: each street's index this week against last week; the lists as shown."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from metrics.weekly import AreaWeek
from ui.figures.common import layout as _layout, plain

PERCENT_COLUMNS = ("按期结案率", "结案率", "退单率", "多次派遣率", "群众满意率")


def index_vs_last_week(rows: tuple[AreaWeek, ...], title: str) -> go.Figure:
    """Bars: this week's index in its grade colour; a dark tick: last week's. Best on top."""
    data = sorted(rows, key=lambda r: (r.safety_index is None, -(r.safety_index or 0), r.code))[::-1]
    names = [plain(r.name) for r in data]
    labels = ["无数据" if r.safety_index is None else f"{r.safety_index:.1f} {r.safety_grade}" for r in data]
    fig = go.Figure()
    fig.add_bar(x=[r.safety_index for r in data], y=names, orientation="h", name="本周",
                marker_color=[r.safety_color for r in data], text=labels, textposition="outside", cliponaxis=False,
                customdata=[[r.code] for r in data], hovertemplate="%{y} 本周 %{x:.1f}<extra></extra>")
    fig.add_scatter(x=[r.prev_index for r in data], y=names, mode="markers", name="上周",
                    marker=dict(symbol="line-ns-open", size=26, color="#263238", line=dict(width=3, color="#263238")),
                    hovertemplate="%{y} 上周 %{x:.1f}<extra></extra>")
    fig.update_xaxes(range=[0, 112], title="平安指数", tickvals=[0, 20, 40, 60, 80, 100])
    return _layout(fig, title, height=max(300, 40 * len(data) + 110), hovermode="closest")


def for_display(table: pd.DataFrame) -> pd.DataFrame:
    """A reports.tables list or drop table as the page shows it: rates in percent, index to 0.1."""
    out = table.copy()
    for col in PERCENT_COLUMNS:
        if col in out:
            out[col] = pd.to_numeric(out[col], errors="coerce") * 100  # a column of None only: no data
    return out
