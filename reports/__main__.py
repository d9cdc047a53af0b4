"""Command line: `python -m reports weekly --week 2026-W10 --out DIR [--area CODE] [--user NAME] ...`.

Writes weekly-<week>.xlsx and weekly-<week>.docx into DIR. With --user the review covers exactly
what that account sees on the pages (its scope from the users store in config.toml [auth]
users_path); an area outside it, an unknown user, a bad week or an unreachable database exit 2.
Every export is written to the audit log (action "export") under the --user name, or "cli:<login>".
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import datetime
from pathlib import Path

from configuration.bootstrap import open_database
from configuration.cli import parse_datetime, user_scope
from configuration.settings import load_settings
from data_access import audit
from data_access.errors import ConfigError, DatabaseUnavailable, MappingUnusable, ScopeDenied
from metrics.weekly import parse_week, weekly_review


def _week(text: str):
    try:
        return parse_week(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc))


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m reports", description="网格治理驾驶舱 报表导出")
    sub = ap.add_subparsers(dest="command", required=True)
    w = sub.add_parser("weekly", help="周报：Excel（每表一页）与 Word 文档（含图表）")
    w.add_argument("--week", type=_week, required=True, help="ISO 周次 YYYY-Www，如 2026-W10（周一至周日）")
    w.add_argument("--out", required=True, help="输出目录（不存在则创建）")
    w.add_argument("--area", help="区域编码 code；缺省为该用户的全部辖区")
    w.add_argument("--url", help="数据库 URL；缺省取 config.toml / GRID_DB_URL")
    w.add_argument("--config", help="config.toml 路径")
    w.add_argument("--user", help="按该用户的权限范围导出（与页面相同）；缺省为全部区域")
    w.add_argument("--asof", type=parse_datetime, help="计算时点 T（本地时间）；缺省为现在")
    return ap


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        env = dict(os.environ)
        if args.url:
            env["GRID_DB_URL"] = args.url
        settings = load_settings(args.config, env)
        scope = user_scope(settings, args.user)
        now = datetime.now(settings.timezone)
        asof = args.asof or now.replace(tzinfo=None)
        if asof.date() < args.week.start:
            raise ScopeDenied(f"周次 {args.week.label()} 尚未开始（计算时点 {asof:%Y-%m-%d %H:%M}）")
        db = open_database(settings, progress=lambda f, m: print(f"[{f:4.0%}] {m}", file=sys.stderr))
        review = weekly_review(db, week=args.week, asof=asof, scope=scope, area_code=args.area, model=settings.safety)
    except (ConfigError, DatabaseUnavailable, MappingUnusable, ScopeDenied) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    from reports import file_name, to_docx, to_xlsx, weekly_charts
    from reports.charts import FontMissing

    try:
        files = {file_name(review, "xlsx"): to_xlsx(review), file_name(review, "docx"): to_docx(review, weekly_charts(review))}
    except FontMissing as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    who = args.user or f"cli:{getpass.getuser()}"
    for name, data in files.items():
        (out / name).write_bytes(data)
        audit.record(str(settings.users_path), user=who, action="export", area=args.area, period_from=review.week.start,
                     period_to=review.week.end, detail=name, at=now)
        print(out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
