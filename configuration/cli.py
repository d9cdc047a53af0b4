"""What the command lines (`python -m metrics`, `python -m reports`) share: argument types and the
scope of `--user`, applied exactly as the pages apply it."""
from __future__ import annotations

import argparse
from datetime import date, datetime

from configuration.settings import Settings
from data_access.errors import ScopeDenied
from data_access.users import Scope, UserStore
from metrics.period import supported


def parse_date(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD：{text!r}")
    return _supported(day)


def parse_datetime(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"时间应为 YYYY-MM-DD HH:MM：{text!r}")
    _supported(moment.date())
    return moment


def _supported(day):
    """A date the metrics can compare (metrics.period.supported), else argparse's usage error."""
    try:
        return supported(day)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc))


def user_scope(settings: Settings, name: str | None) -> Scope:
    """The named user's scope, exactly as the pages apply it; no --user means the whole city."""
    if name is None:
        return Scope.everywhere()
    user = UserStore(str(settings.users_path)).get(name)
    if user is None or not user.active:
        raise ScopeDenied(f"用户 {name} 不存在或已停用")
    return user.scope()
