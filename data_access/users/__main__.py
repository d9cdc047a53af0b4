"""Command line of the accounts store: `python -m data_access.users --help` (see the package's docstring)."""
from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from datetime import datetime

from configuration.settings import users_path
from data_access.users import ROLES, User, UserStore, clean_areas, clean_name


class _ArgumentError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one Chinese line and status 2 instead of argparse's usage dump
        raise _ArgumentError(message)


def _parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="python -m data_access.users", description="网格治理驾驶舱 账号管理")
    ap.add_argument("--config", help="config.toml 路径（取其中的 auth.users_path）")
    ap.add_argument("--path", help="账号文件路径；缺省取 config.toml 的 auth.users_path")
    sub = ap.add_subparsers(dest="command", required=True)
    ls = sub.add_parser("list", help="列出账号")
    ls.add_argument("--json", action="store_true", help="输出 JSON 数组")
    add = sub.add_parser("add", help="新建账号")
    add.add_argument("name")
    add.add_argument("--role", required=True, help="角色：" + "、".join(f"{k}（{v}）" for k, v in ROLES.items()))
    add.add_argument("--areas", default="", help="区域编码，逗号分隔（区域干部至少一个，指挥大屏恰好一个）")
    add.add_argument("--display-name", help="显示名称；缺省同用户名")
    add.add_argument("--unmask", action="store_true", help="允许查看未脱敏的个人信息（每次查看记入审计日志）")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（一行）")
    pw = sub.add_parser("passwd", help="修改密码")
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（一行）")
    for command, text in (("disable", "停用账号"), ("enable", "启用账号")):
        sub.add_parser(command, help=text).add_argument("name")
    tok = sub.add_parser("wall-token", help="为指挥大屏账号生成访问令牌（大屏打开 /wall?token=… 无需输入密码）")
    tok.add_argument("name")
    tok.add_argument("--revoke", action="store_true", help="作废该账号的全部令牌")
    locks = sub.add_parser("locks", help="列出因登录失败次数过多而生效的限制（账号、地址，或某地址上的某账号）")
    locks.add_argument("--json", action="store_true", help="输出 JSON 数组")
    unlock = sub.add_parser("unlock", help="清除账号（来自所有地址）或某地址的登录失败记录，立即解除限制")
    target = unlock.add_mutually_exclusive_group(required=True)
    target.add_argument("name", nargs="?", help="账号")
    target.add_argument("--address", help="客户端地址（IPv6 按所在 /64 网段）")
    return ap


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    import getpass
    first = getpass.getpass("密码：")
    if first != getpass.getpass("再次输入密码："):
        raise ValueError("两次输入的密码不一致")
    return first


def _as_json(user: User) -> dict:
    return {"name": user.name, "role": user.role, "areas": list(user.areas), "display_name": user.display_name,
            "active": user.active, "can_unmask": user.can_unmask}


SCOPES = {"pair": "该地址上的该账号", "address": "该地址上的所有账号", "account": "所有地址上的该账号"}


def _print_locks(store: UserStore, as_json: bool) -> None:
    blocks = store.sign_in_blocks()
    if as_json:
        print(json.dumps([{"scope": b.scope, "account": b.account, "address": b.address, "failures": b.failures,
                           "until": datetime.fromtimestamp(b.until).astimezone().isoformat(timespec="seconds")}
                          for b in blocks], ensure_ascii=False))
        return
    for b in blocks:
        until = datetime.fromtimestamp(b.until).astimezone().strftime("%Y-%m-%d %H:%M:%S")
        print(f"{b.account or '*'}\t{b.address or '*'}\t{SCOPES[b.scope]}\t失败 {b.failures} 次\t限制至 {until}")
    if not blocks:
        print("没有生效的登录限制")


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except _ArgumentError as exc:
        print(f"错误：参数无效：{exc}（用 --help 查看用法）", file=sys.stderr)
        return 2
    try:
        store = UserStore(users_path(args.config, args.path))
        if args.command == "list":
            users = store.list()
            if args.json:
                print(json.dumps([_as_json(u) for u in users], ensure_ascii=False))
            else:
                for u in users:
                    state = "" if u.active else "（已停用）"
                    unmask = "，可查看未脱敏信息" if u.can_unmask else ""
                    print(f"{u.name}\t{u.role_name}\t{','.join(u.areas) or '全部区域'}\t{u.display_name}{unmask}{state}")
        elif args.command == "add":
            clean_name(args.name)
            clean_areas(args.role, args.areas, args.unmask)  # before asking for a password
            if store.get(args.name) is not None:
                raise ValueError(f"用户名 {args.name.strip()} 已存在")
            user = store.add(args.name, _read_password(args.password_stdin), args.role, args.areas,
                             args.display_name, args.unmask)
            print(f"已创建账号 {user.name}（{user.role_name}）")
        elif args.command == "passwd":
            if store.get(args.name) is None:
                raise ValueError(f"用户 {args.name.strip()} 不存在")
            store.set_password(args.name, _read_password(args.password_stdin))
            print(f"已修改 {args.name.strip()} 的密码")
        elif args.command == "wall-token":
            if args.revoke:
                print(f"已作废 {args.name.strip()} 的 {store.revoke_wall_tokens(args.name)} 个大屏令牌")
            else:
                token = store.issue_wall_token(args.name)
                print(token)
                print(f"大屏地址：http://<驾驶舱地址>/wall?token={token}（令牌只显示这一次，请妥善保存）",
                      file=sys.stderr)
        elif args.command == "locks":
            _print_locks(store, args.json)
        elif args.command == "unlock":
            count = store.unlock(args.name, address=args.address)
            print(f"已清除 {args.name or args.address} 的 {count} 条登录失败记录")
        elif args.command in ("disable", "enable"):
            getattr(store, args.command)(args.name)
            print(f"已{'停用' if args.command == 'disable' else '启用'}账号 {args.name.strip()}")
    except (ValueError, OSError, sqlite3.Error) as exc:  # ConfigError is a ValueError
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, EOFError):
        print("错误：已取消", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
