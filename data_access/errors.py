"""Errors the dashboard turns into clear Chinese messages instead of stack traces."""
import re
from urllib.parse import quote, quote_plus

# A driver's message may quote what it was given: a URL with its user and password, a libpq
# connection string. Both are cut out of every line we show (a password is never shown in any form).
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^\s/?#'\"]*@")
_PASSWORD_OPTION = re.compile(r"(?i)\b(password|passwd|pwd|sslpassword)\s*=\s*('(?:[^'\\]|\\.)*'|\"[^\"]*\"|\S+)")


def redact(text: str, secret: str | None = None) -> str:
    """`text` without URL user info, password options, or `secret` as written, percent-encoded or
    quoted the ways drivers quote it. (A secret of fewer than four characters is not searched for:
    it would be found by chance in ordinary words, which would then be cut.)"""
    text = _PASSWORD_OPTION.sub(r"\1=***", _USERINFO.sub(r"\1***@", text))
    if secret and len(secret) >= 4:
        forms = {secret, quote(secret, safe=""), quote_plus(secret), repr(secret)[1:-1],
                 secret.replace("\\", "\\\\").replace("'", "\\'")}
        for form in sorted(forms, key=len, reverse=True):
            text = text.replace(form, "***")
    return text


def driver_line(exc: BaseException, secret: str | None = None) -> str:
    """A driver error's type and first line: enough to act on, without a traceback or a password."""
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    return f"{type(orig).__name__}: {redact(lines[0], secret) if lines else ''}"


class ConfigError(ValueError):
    """A config.toml setting is wrong: names the key and what was expected."""

    def __init__(self, key: str, expected: str, got: object = None):
        self.key, self.expected = key, expected
        detail = f"配置项 {key} 无效：应为 {expected}"
        if got is not None:
            detail += f"，实际为 {got!r}"
        super().__init__(detail)


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached. The message names host and database and the driver's first
    line, never the password (`secret`, the URL's, is cut out of the driver's words too)."""

    def __init__(self, target: str, cause: BaseException, secret: str | None = None):
        self.target = target
        super().__init__(f"无法连接数据库 {target}：{driver_line(cause, secret)}")


class AuditUnavailable(RuntimeError):
    """The audit log cannot be written: whatever needed the audit line must not be shown or exported."""

    def __init__(self, cause: BaseException):
        super().__init__(f"审计日志无法写入（{type(cause).__name__}: {cause}）")


class ScopeDenied(PermissionError):
    """The requested area lies outside what the user may see."""


class MappingUnusable(ValueError):
    """The schema mapping does not fit the database (a missing table or column, a failing expression):
    the checker's error lines, one per config key."""

    def __init__(self, target: str, lines: list[str]):
        self.lines = lines
        super().__init__(f"数据库映射无法使用（{target}）：" + "；".join(lines) + "。完整报告：python -m data_access.check")
