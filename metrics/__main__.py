"""Command line: `python -m metrics summary --from 2026-03-02 --to 2026-03-09 [--area CODE] [--json]`, and
`python -m metrics alerts [--asof "YYYY-MM-DD HH:MM"] [--area CODE] [--user NAME] [--json]` (预警, one
JSON object per line, for a notifier to run on a schedule)."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta

from configuration.bootstrap import open_database
from configuration.cli import parse_date, parse_datetime, user_scope
from configuration.settings import load_settings
from data_access.errors import ConfigError, DatabaseUnavailable, MappingUnusable, ScopeDenied
from metrics.definitions import LABELS
from metrics.summary import SUMMARY_KEYS, summarize


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m metrics", description="网格治理驾驶舱 指标命令行")
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("summary", help="一个周期的核心指标，含环比与同比")
    s.add_argument("--from", dest="start", type=parse_date, required=True, help="开始日期（含）YYYY-MM-DD")
    s.add_argument("--to", dest="end", type=parse_date, required=True, help="结束日期（不含）YYYY-MM-DD")
    s.add_argument("--area", help="区域编码 code；缺省为全部")
    s.add_argument("--url", help="数据库 URL；缺省取 config.toml / GRID_DB_URL")
    s.add_argument("--asof", type=parse_datetime, help="计算时点 T（本地时间）；缺省为现在")
    s.add_argument("--config", help="config.toml 路径")
    s.add_argument("--user", help="按该用户的权限范围计算（与页面相同）；缺省为全部区域")
    s.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
    a = sub.add_parser("alerts", help="预警：异常增多、超期未结陡增与临期事件")
    for flag, what in (("--area", "区域编码 code；缺省为全部"), ("--url", "数据库 URL；缺省取 config.toml / GRID_DB_URL"),
                       ("--config", "config.toml 路径"), ("--user", "按该用户的权限范围计算（与页面相同）；缺省为全部区域")):
        a.add_argument(flag, help=what)
    a.add_argument("--asof", type=parse_datetime, help="计算时点 T（本地时间）；缺省为现在")
    a.add_argument("--json", action="store_true", help="每条预警输出一行 JSON")
    return ap


ALERT_KEYS = ("kind", "area_code", "area_name", "level", "category_code", "category_name", "dimension", "window_hours",
              "observed", "expected", "p_value", "since", "words")


def _alert_line(alert: dict) -> dict:
    out = {k: alert.get(k) for k in ALERT_KEYS}
    out["since"] = out["since"].isoformat(timespec="minutes") if out["since"] is not None else None
    return out


def _print_table(result: dict) -> None:
    for key in SUMMARY_KEYS:
        cur, prev, last = result[key], result["previous"][key], result["last_year"][key]
        print(f"{LABELS.get(key, key):<14}{key:<22}{_fmt(cur):>12}{_fmt(prev):>12}{_fmt(last):>12}")


def _fmt(v) -> str:
    if v is None:
        return "无数据"
    return f"{v:.4f}" if isinstance(v, float) else str(v)


def _open(args):
    """(settings, database, scope, T) for a command; ConfigError and the like propagate."""
    env = dict(__import__("os").environ)
    if args.url:
        env["GRID_DB_URL"] = args.url
    settings = load_settings(args.config, env)
    scope = user_scope(settings, args.user)
    db = open_database(settings, progress=lambda f, m: print(f"[{f:4.0%}] {m}", file=sys.stderr))
    return settings, db, scope, args.asof or datetime.now(settings.timezone).replace(tzinfo=None)


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    if args.command == "summary" and args.end <= args.start:
        print("错误：--to 必须晚于 --from（--to 不含当天）", file=sys.stderr)
        return 2
    try:
        settings, db, scope, asof = _open(args)
        if args.command == "alerts":
            from metrics.alerts import alerts
            found = alerts(db, start=asof.date(), end=asof.date() + timedelta(days=1), asof=asof, scope=scope,
                           area_code=args.area, model=settings.alerts)
        else:
            result = summarize(db, start=args.start, end=args.end, asof=asof, scope=scope,
                               area_code=args.area, model=settings.safety)
    except (ConfigError, DatabaseUnavailable, MappingUnusable, ScopeDenied) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    if args.command == "alerts":
        for alert in found:
            print(json.dumps(_alert_line(alert), ensure_ascii=False) if args.json
                  else f"{alert['area_name']}：{alert['words']}")
        return 0
    result = {"period": {"from": str(args.start), "to": str(args.end)}, "area": args.area,
              "asof": asof.isoformat(timespec="seconds"), **result}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        _print_table(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
