"""Command line of the audit log: `python -m data_access.audit [--limit N] [--json] [--config PATH] [--path FILE]`."""
from __future__ import annotations

import argparse
import json
import sqlite3
import sys

from configuration.settings import users_path
from data_access.audit import ACTIONS, recent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m data_access.audit", description="网格治理驾驶舱 审计日志")
    ap.add_argument("--limit", type=int, default=100, help="最多显示多少条（最新的在前），缺省 100")
    ap.add_argument("--json", action="store_true", help="输出 JSON 数组")
    ap.add_argument("--config", help="config.toml 路径（取其中的 auth.users_path）")
    ap.add_argument("--path", help="账号与审计文件路径；缺省取 config.toml 的 auth.users_path")
    args = ap.parse_args(argv)
    try:
        entries = recent(users_path(args.config, args.path), args.limit)
    except (ValueError, OSError, sqlite3.Error) as exc:  # ConfigError is a ValueError
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(entries, ensure_ascii=False))
    else:
        for e in entries:
            period = f"{e['period_from'] or ''}～{e['period_to'] or ''}"
            print(f"{e['ts']}\t{e['user']}\t{ACTIONS.get(e['action'], e['action'])}\t{e['area'] or '全部'}\t"
                  f"{period}\t{e['detail']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
