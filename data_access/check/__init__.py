"""Checking a schema mapping against the real database, before anyone opens a page.

`structure(db)` is cheap (the catalogue and one `LIMIT 0` statement per table): every mapped table and
column found, with its type, or missing, naming the config key; every `{ sql = … }` expression that
fails. The dashboard runs it at start-up. `contents(db)` reads the data (one scan per table): enum
codes present but mapped to nothing, with counts, and columns that are empty throughout. Both return
`Finding`s; a mapping is usable when none is an error. Area-tree and metric findings are added by the
command line (`python -m data_access.check`) and the 数据质量 page, which see the layers above.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from data_access.db import Database
from data_access.errors import driver_line
from data_access.schema import CANONICAL, ENUMS, REQUIRED, REQUIRED_TABLES, TABLE_LABELS, column_label

ERROR, WARNING, OK = "error", "warning", "ok"
LEVEL_NAMES = {ERROR: "错误", WARNING: "注意", OK: "正常"}
# What kind of value a canonical type needs from the real column (a text column holding dates would
# compare as text, so 2026-3-9 sorts after 2026-10-1).
KINDS = {sa.DateTime: "time", sa.Date: "time", sa.BigInteger: "number", sa.Integer: "number", sa.Double: "number"}
KIND_NAMES = {"time": "日期时间", "number": "数值"}
REAL_KINDS = {"time": ("DATE", "TIME"), "number": ("INT", "NUMERIC", "DECIMAL", "DOUBLE", "FLOAT", "REAL", "SERIAL")}


@dataclass(frozen=True)
class Finding:
    level: str      # error: the dashboard cannot start | warning: figures will be 无数据 or incomplete |
                    # ok: found as mapped, or declared absent on purpose
    section: str    # 表与字段 / 代码映射 / 数据内容 / 区域树 / 指标
    key: str        # the config key (schema.columns.events.deadline_at) or the object it is about
    message: str    # one Chinese line
    count: int | None = None

    def line(self) -> str:
        return f"[{LEVEL_NAMES[self.level]}] {self.key}：{self.message}"


def usable(findings: list[Finding]) -> bool:
    return not any(f.level == ERROR for f in findings)


def error_lines(findings: list[Finding]) -> list[str]:
    """The lines that make a mapping unusable, as the checker prints them."""
    return [f.line() for f in findings if f.level == ERROR]


def _wanted(canonical_type) -> str | None:
    return next((k for t, k in KINDS.items() if canonical_type is t or isinstance(canonical_type, t)), None)


def _kind_ok(canonical_type, real_type) -> bool:
    want = _wanted(canonical_type)
    return want is None or any(word in str(real_type).upper() for word in REAL_KINDS[want])


def _columns(db: Database, real: str) -> dict[str, str] | None:
    """The real table's (or view's) columns and types, from information_schema, which all three engines
    keep (and which lists views too); None when there is no such table in the current schema."""
    here = "DATABASE()" if db.dialect in ("mysql", "mariadb") else "current_schema()"
    frame = db.query(sa.text("SELECT column_name AS name, data_type AS type FROM information_schema.columns "
                             f"WHERE table_name = :t AND table_schema = {here} ORDER BY ordinal_position"), {"t": real})
    frame.columns = [c.lower() for c in frame.columns]  # MySQL answers in capitals
    return dict(zip(frame["name"], frame["type"])) if len(frame) else None


def _table_structure(db: Database, table: str) -> list[Finding]:
    smap = db.schema.map
    label = TABLE_LABELS[table]
    if smap.absent(table):
        return [Finding(OK, "表与字段", f"schema.tables.{table}", f"已声明平台没有{label}数据（其影响见“指标”）")]
    real = smap.table_name(table)
    columns = _columns(db, real)
    if columns is None:
        hint = "驾驶舱离不开此表" if table in REQUIRED_TABLES else "如平台没有此类数据，可设为 false"
        return [Finding(ERROR, "表与字段", f"schema.tables.{table}", f"数据库中没有表或视图 {real}（{label}；{hint}）")]
    lowered = {name.lower(): name for name in columns}
    out = [Finding(OK, "表与字段", f"schema.tables.{table}", f"{label}：{real}（{len(columns)} 列）")]
    for col, typ in CANONICAL[table]:
        key = f"schema.columns.{table}.{col}"
        entry = smap.column_entry(table, col)
        what = column_label(table, col)
        if entry is False:
            out.append(Finding(OK, "表与字段", key, f"已声明平台不记录{what}（其影响见“指标”）"))
        elif isinstance(entry, str):
            found = entry if entry in columns else lowered.get(entry.lower())
            if found is None:
                hint = "必需字段" if col in REQUIRED[table] else "如平台不记录，可设为 false"
                out.append(Finding(ERROR, "表与字段", key, f"{real} 中没有列 {entry}（{what}；{hint}）"))
            elif not _kind_ok(typ, columns[found]):
                out.append(Finding(WARNING, "表与字段", key, f"{real}.{found} 的类型是 {columns[found]}，"
                                   f"{what}应为{KIND_NAMES[_wanted(typ)]}类型"))
            else:
                out.append(Finding(OK, "表与字段", key, f"{real}.{found}（{columns[found]}）"))
        else:
            out.append(_expression(db, table, col, real, entry["sql"]))
    return out


def _expression(db: Database, table: str, col: str, real: str, sql: str) -> Finding:
    key = f"schema.columns.{table}.{col}"
    t = sa.table(real)
    stmt = sa.select(sa.literal_column(f"({sql.strip()})").label(col)).select_from(t).limit(0)
    try:
        db.query(stmt)
    except sa.exc.DBAPIError as exc:
        return Finding(ERROR, "表与字段", key, f"表达式无法执行：{driver_line(exc, db.engine.url.password)}")
    return Finding(OK, "表与字段", key, f"表达式：{sql.strip()}")


def _readable(db: Database, table: str) -> Finding | None:
    """The whole mapped table, read once with LIMIT 0: what the metrics will send, compiled as they compile it."""
    try:
        db.query(sa.select(db.schema.table(table)).limit(0))
    except sa.exc.DBAPIError as exc:
        return Finding(ERROR, "表与字段", f"schema.tables.{table}",
                       f"按映射读取失败：{driver_line(exc, db.engine.url.password)}")
    return None


def structure(db: Database) -> list[Finding]:
    """Tables, columns, types and expressions: cheap enough for every start-up."""
    out: list[Finding] = []
    for table in CANONICAL:
        found = _table_structure(db, table)
        out += found
        if usable(found) and not db.schema.absent(table):
            out += [f for f in [_readable(db, table)] if f]
    return out


def _codes(db: Database, table: str, column: str) -> list[Finding]:
    """Codes in the data that the mapping gives no canonical meaning, with how many rows carry each."""
    t = db.schema.table(table)
    frame = db.query(sa.select(t.c[column].label("code"), sa.func.count().label("n"))
                     .group_by(t.c[column]).order_by(sa.func.count().desc()))
    canon = ENUMS[(table, column)]
    key = f"schema.values.{table}.{column}"
    out = []
    for code, n in zip(frame["code"], frame["n"]):
        if code is None or code != code:
            continue
        if db.schema.map.canonical_value(table, column, code) not in canon:
            out.append(Finding(WARNING, "代码映射", key, f"代码 {code} 出现 {int(n):,} 次，未映射到任何取值"
                               f"（{column_label(table, column)}可取：{'、'.join(canon)}），页面上显示为“其他（原值 {code}）”",
                               int(n)))
    if not out:
        out.append(Finding(OK, "代码映射", key, f"{column_label(table, column)}的 {len(frame)} 种代码都已映射"))
    return out


def _empty_columns(db: Database, table: str) -> list[Finding]:
    """Columns mapped to a real column or expression that hold no value in any row: 无数据 wherever they are needed."""
    t = db.schema.table(table)
    cols = [c for c, _ in CANONICAL[table] if not db.schema.absent(table, c) and c not in REQUIRED[table]]
    if not cols:
        return []
    row = db.query(sa.select(sa.func.count().label("__rows"), *[sa.func.count(t.c[c]).label(c) for c in cols])).iloc[0]
    if not row["__rows"]:
        return [Finding(WARNING, "数据内容", f"schema.tables.{table}", f"{TABLE_LABELS[table]}表没有任何记录", 0)]
    return [Finding(WARNING, "数据内容", f"schema.columns.{table}.{c}",
                    f"{column_label(table, c)}在全部 {int(row['__rows']):,} 行中都为空；需要它的指标将显示无数据", 0)
            for c in cols if not row[c]]


def contents(db: Database) -> list[Finding]:
    """What the data holds: unmapped codes and empty columns (one scan per table; for the checker and 数据质量)."""
    out: list[Finding] = []
    for table in CANONICAL:
        if db.schema.absent(table):
            continue
        for (t, column) in ENUMS:
            if t == table and not db.schema.absent(t, column):
                out += _codes(db, t, column)
        out += _empty_columns(db, table)
    return out
