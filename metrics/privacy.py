"""Masking of personal data (docs/metrics.md, README: Login, roles and personal data): names as 张*明, phones as 138****5678, addresses cut short."""
from __future__ import annotations

import math
import re


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def mask_name(value) -> str:
    if _blank(value):
        return ""
    s = str(value).strip()
    if len(s) == 1:
        return "*"
    if len(s) == 2:
        return s[0] + "*"
    return s[0] + "*" * (len(s) - 2) + s[-1]


def mask_phone(value) -> str:
    if _blank(value):
        return ""
    digits = str(value).strip()
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "*" * len(digits)


# Where a Chinese address may be cut: after one of its units (省 … 街道, 社区/小区, 路/街/巷), never
# inside a name. Longer units first, so 街道 is one unit rather than 街 followed by 道.
ADDRESS_UNITS = re.compile(r"(?:自治区|自治州|街道|社区|小区|新村|大道|胡同|开发区|[省市区县旗镇乡村屯路街巷弄里])")
HOUSE_NUMBER = re.compile(r"[0-9０-９一二三四五六七八九十百零〇]+(?:号|栋|幢|座|单元|楼|室|层|弄)|[0-9０-９]")


def mask_address(value, keep: int = 6) -> str:
    """Keep the start up to the last whole address unit before the house number (street, community
    and road are enough to locate a case: "坊子区凤凰街道富泉社区****"), hide the rest. Without any unit
    to cut after: what precedes the number, else the first `keep` characters (at most half), so a house
    number is never shown."""
    if _blank(value):
        return ""
    s = str(value).strip()
    number = HOUSE_NUMBER.search(s)
    head = s[:number.start()] if number else s
    cuts = [m.end() for m in ADDRESS_UNITS.finditer(head) if m.end() < len(s)]
    if cuts:
        return s[:cuts[-1]] + "****"
    if number and head:  # a name then its number ("幸福家园3栋"): the name stays whole
        return head + "****"
    return s[:min(keep, max(1, len(s) // 2))] + "****"  # a short address still loses its house number


MASKS = {"reporter_name": mask_name, "name": mask_name, "reporter_phone": mask_phone, "phone": mask_phone,
         "address": mask_address}


def mask_frame(frame, columns=None):
    """A copy with every personal column present masked."""
    out = frame.copy()
    for col, fn in MASKS.items():
        if col in out and (columns is None or col in columns):
            out[col] = [fn(v) for v in out[col]]
    return out
