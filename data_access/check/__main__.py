"""`python -m data_access.check [--config PATH] [--json]`: is this platform database usable, as mapped?

Connects read-only with config.toml's database and [schema], and reports in Chinese: tables and
columns (found with their type, or missing, by config key), expressions, unmapped codes with counts,
empty columns, the area tree, and the metrics and pages that will show 无数据. Exit 0 when the
dashboard can run on it, 2 when it cannot (a config error, an unreachable database, an error finding).
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from configuration.settings import load_settings
from data_access.check import ERROR, LEVEL_NAMES, OK, WARNING, Finding, usable
from data_access.db import Database
from data_access.errors import ConfigError, DatabaseUnavailable
from metrics.mapping_report import SECTIONS, full_report

def print_report(findings: list[Finding], verbose: bool) -> None:
    for section in SECTIONS:
        shown = [f for f in findings if f.section == section and (verbose or f.level != OK)]
        if shown:
            print(f"\n== {section} ==")
            for f in shown:
                print(f"  {f.line()}")
    errors = sum(f.level == ERROR for f in findings)
    warnings = sum(f.level == WARNING for f in findings)
    print(f"\n{'可以使用' if not errors else '不能使用'}：{errors} 个错误，{warnings} 个注意事项"
          + ("" if verbose else "（--all 同时列出正常项）"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m data_access.check", description="网格治理驾驶舱 数据库映射检查")
    ap.add_argument("--config", help="config.toml 路径（缺省：GRID_CONFIG 或项目目录下的 config.toml）")
    ap.add_argument("--all", action="store_true", help="同时列出正常项（找到的表、字段及其类型）")
    ap.add_argument("--json", action="store_true", help="输出 JSON")
    args = ap.parse_args(argv)
    try:
        settings = load_settings(args.config)
        db = Database.connect(settings.db_url, settings.schema)
        db.ping()
        print(f"检查 {db.target}", file=sys.stderr, flush=True)
        findings = full_report(db)
    except (ConfigError, DatabaseUnavailable) as exc:
        print(f"{LEVEL_NAMES[ERROR]}：{exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([asdict(f) for f in findings], ensure_ascii=False, indent=1))
    else:
        print_report(findings, args.all)
    return 0 if usable(findings) else 2


if __name__ == "__main__":
    sys.exit(main())
