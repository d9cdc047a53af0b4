"""The statistical terms the pages use, each in one short Chinese sentence a district leader reads
without a statistics course (shown as help text behind the ⓘ and in the line under the figures).
One place, so 群众满意度, 总览 and 周报 explain a term in the same words."""
from __future__ import annotations

TERMS = {
    "pp": "pp 即百分点，是两个百分比直接相减的差：满意率从 90% 升到 92%，是上升 2 个百分点（+2.0pp），不是上升 2%。",
    "95% 置信区间": "95% 置信区间：按评价条数估算的真实满意率所在范围。评价越少，区间越宽；两期区间大幅重叠时，差别可能只是抽样波动。",
    "p 值": "p 值：假如两期其实一样，单凭偶然出现这么大差别的可能性。p 越小越不像偶然；p < 0.05 记为“显著”。",
    "z 检验": "两比例 z 检验：判断两期满意率的差别是否超出抽样波动的常用统计方法，p 值由它算出。",
}
SIGNIFICANT = "“显著”表示差别大到不太可能是偶然波动（p < 0.05）；“不显著”表示这点差别可能只是评价样本不同造成的。"


def explain(*terms: str) -> str:
    """The explanations of `terms`, one after another (for a help text)."""
    return "\n\n".join(TERMS[t] for t in terms)


def reading_note() -> str:
    """One line for under the satisfaction figures: how to read pp, the interval and 显著."""
    return ("怎么看：pp 为百分点（两个百分比之差）；阴影和横线为 95% 置信区间，即真实满意率的大致范围，评价越少越宽；"
            "“显著”指差别不太可能是偶然波动（两比例 z 检验 p < 0.05）")
