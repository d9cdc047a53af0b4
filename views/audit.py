"""审计日志 (admin only): who saw personal data unmasked or exported, when, for which area and period."""
import pandas as pd
import streamlit as st

from data_access import audit
from ui.context import current

ctx = current()
st.title("审计日志")
entries = audit.recent(str(ctx.settings.users_path), limit=500)
if not entries:
    st.info("还没有查看明文个人信息或导出的记录。")
else:
    st.dataframe(pd.DataFrame(entries).rename(columns={
        "ts": "时间", "user": "用户", "action": "操作", "area": "区域", "period_from": "周期开始",
        "period_to": "周期结束", "detail": "页面/文件"}), hide_index=True)
st.caption("最近 500 条；日志只追加，不可修改。操作：unmask = 查看明文个人信息，export = 导出")
