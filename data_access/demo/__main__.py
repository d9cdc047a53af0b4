"""python -m data_access.demo --url URL [--events N] [--seed S] [--end "YYYY-MM-DD HH:MM"] [--bad-rows N]"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from data_access.db import normalize_url
from data_access.demo import DEFAULT_EVENTS, DEFAULT_SEED, build_and_count
from data_access.errors import DatabaseUnavailable


def database_url(text: str) -> str:
    try:
        make_url(normalize_url(text)).get_dialect()
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ValueError) as exc:
        raise argparse.ArgumentTypeError(f"无效的数据库 URL：{exc}") from exc
    return text


def positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正整数：{text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数：{text!r}")
    return value


def non_negative_int(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为非负整数：{text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"应为非负整数：{text!r}")
    return value


def end_time(text: str) -> datetime:
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(f"应为 \"YYYY-MM-DD HH:MM\"：{text!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data_access.demo", description="生成示范城市数据并写入数据库")
    parser.add_argument("--url", required=True, type=database_url,
                        help="duckdb:///path.duckdb、postgresql://user@host:5432/db 或 mysql://user@host:3306/db")
    parser.add_argument("--events", type=positive_int, default=DEFAULT_EVENTS, help="事件总数（默认 300000）")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子")
    parser.add_argument("--end", type=end_time, default=None, help="数据截至时间（本地时间，默认当前整点）")
    parser.add_argument("--bad-rows", type=non_negative_int, default=0,
                        help="每类问题数据注入的行数，供数据质量页演示（默认 0：数据干净）")
    args = parser.parse_args(argv)

    started = time.perf_counter()

    def show(fraction: float, message: str) -> None:
        print(f"[{fraction * 100:5.1f}%] {message}", flush=True)

    try:
        counts = build_and_count(args.url, events=args.events, seed=args.seed, end=args.end, progress=show,
                                 bad_rows=args.bad_rows)
    except DatabaseUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 2
    summary = "，".join(f"{table} {rows:,} 行" for table, rows in counts.items())
    print(f"完成：{summary}；用时 {time.perf_counter() - started:.1f} 秒")
    return 0


if __name__ == "__main__":
    sys.exit(main())
