"""Chinese names of canonical codes, for tables and chart axes."""
import pandas as pd

DIMENSION_NAMES = {"public_security": "治安警情", "dispute": "矛盾纠纷", "safety_hazard": "安全隐患", "fire": "消防",
                   "city_management": "城市管理", "public_service": "民生服务", "other": "其他"}
SOURCE_NAMES = {"worker_app": "网格员上报", "hotline_12345": "12345热线", "video": "视频监控", "resident": "群众上报",
                "department": "部门移交"}
STATUS_NAMES = {"reported": "已上报", "accepted": "已受理", "dispatched": "已派遣", "processing": "处置中",
                "closed": "已结案", "rejected": "已驳回"}
ROLE_NAMES = {"grid_worker": "网格员", "instructor": "网格指导员", "chief": "网格长"}
EMPLOYMENT_NAMES = {"full_time": "专职", "part_time": "兼职"}
WEEKDAY_NAMES = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}
LEVEL_NAMES = {"grid": "网格", "community": "社区", "street": "街道", "district": "区"}
NOT_RECORDED = "未记录"  # NULL in a column the platform fills only sometimes
NO_CATEGORY = "无关联事件"  # a survey not tied to a case
UNKNOWN_CATEGORY = "未知类别"  # a case whose category code is not in event_categories


def other(code) -> str:
    """A platform code that the schema mapping gives no meaning: shown as itself, never dropped or charted as a number."""
    if isinstance(code, float) and code.is_integer():
        code = int(code)
    return f"其他（原值 {code}）"


def name_of(names: dict, value, missing: str) -> str:
    """The Chinese name of a canonical value; `missing` for NULL; 其他（原值 …） for a code standing for none."""
    if pd.isna(value):
        return missing
    return names.get(value) or other(value)
