"""The whole mapping report: the database checks (data_access.check), the area tree and the metrics
this platform cannot compute. The command line prints it; 数据质量 shows it to administrators."""
from __future__ import annotations

from data_access.check import ERROR, OK, WARNING, Finding, contents, structure, usable
from data_access.db import Database
from metrics.area_checks import TITLES, check_area_tree
from metrics.availability import affected_metrics, affected_pages

SECTIONS = ("表与字段", "代码映射", "数据内容", "区域树", "指标")


def metric_findings(db: Database) -> list[Finding]:
    out = [Finding(WARNING, "指标", label, f"将显示无数据：{why}") for label, why in affected_metrics(db.schema)]
    out += [Finding(WARNING, "指标", f"{page}页", f"只显示说明：{why}") for page, why in affected_pages(db.schema)]
    return out or [Finding(OK, "指标", "全部指标", "所需数据齐全")]


def tree_findings(db: Database) -> list[Finding]:
    """The area tree's faults as checker findings. Only a tree without any root is unusable: every other
    fault leaves figures to show, and the message says which are missing or misplaced."""
    out = []
    for f in check_area_tree(db):
        examples = f"（例：{'；'.join(f.examples)}）" if f.examples else ""
        out.append(Finding(ERROR if f.kind == "no_root" else WARNING, "区域树", TITLES[f.kind], f.message + examples,
                           f.count))
    return out or [Finding(OK, "区域树", "区域树", "只有一个顶级区域，上下级完整，事件都在已知网格和类别上")]


def full_report(db: Database, *, tree: bool = True) -> list[Finding]:
    """Every finding; what reads the data waits until the structure is known to be usable."""
    found = structure(db)
    if usable(found):
        found += contents(db) + (tree_findings(db) if tree else []) + metric_findings(db)
    return found


def mapping_findings(db: Database) -> list[Finding]:
    """What needs attention in the mapping and the data, area tree aside (数据质量 shows that on its own)."""
    return [f for f in full_report(db, tree=False) if f.level != OK]
