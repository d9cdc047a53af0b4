"""Errors the dashboard turns into clear Chinese messages instead of stack traces."""


class ConfigError(ValueError):
    """A config.toml setting is wrong: names the key and what was expected."""

    def __init__(self, key: str, expected: str, got: object = None):
        self.key, self.expected = key, expected
        detail = f"配置项 {key} 无效：应为 {expected}"
        if got is not None:
            detail += f"，实际为 {got!r}"
        super().__init__(detail)


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached. The message names host and database, never the password."""

    def __init__(self, target: str, cause: BaseException):
        self.target = target
        super().__init__(f"无法连接数据库 {target}：{type(cause).__name__}: {str(cause).splitlines()[0] if str(cause) else ''}")


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
