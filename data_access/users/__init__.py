"""The dashboard's own accounts: roles, areas and password hashes in a small SQLite file.

The file lives at `settings.users_path` (default `data/users.sqlite`), never in the shared platform
database, which the dashboard only reads. The audit log (`data_access.audit`) shares the file.

Roles (README: Login, roles and personal data): 市/区领导 see the whole city, 区域干部 one or more subtrees, the 指挥大屏 exactly one
area without personal data or export, 管理员 everything including unmasked details when granted.
Passwords are hashed with scrypt (standard library) into a self-describing string
`scrypt$16384$8$1$<salt b64>$<hash b64>`; plaintext is never stored or logged.

Command line (`python -m data_access.users --help`):

    list [--json] | add NAME --role ROLE [--areas A,B] [--display-name X] [--unmask] [--password-stdin]
    passwd NAME [--password-stdin] | disable NAME | enable NAME        (--config PATH, --path FILE)
    wall-token NAME [--revoke] | locks [--json] | unlock NAME | unlock --address ADDRESS

A wall display (指挥大屏) runs unattended for days, so it cannot type a password after a restart:
`wall-token NAME` issues a long random token for a wall-role account, printed once; the display
opens `/wall?token=<token>`. Only a SHA-256 digest is stored. A token signs in nothing but an
active wall account (one area, no personal data, no export), and `--revoke` withdraws them all.

Password sign-ins from clients go through `UserStore.sign_in`, which limits them per account and
client address (`throttle`, counts kept in this file); `locks` lists the limits in force and
`unlock` lifts them.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator

from data_access.users import throttle

ROLES = {"leader": "市/区领导", "official": "区域干部", "wall": "指挥大屏", "admin": "管理员"}
MIN_PASSWORD_LENGTH = 8

# scrypt parameters for new hashes: 16 MiB of memory and ~50 ms per hash.
SCRYPT_N, SCRYPT_R, SCRYPT_P, SALT_BYTES, KEY_BYTES = 2 ** 14, 8, 1, 16, 32
_MAX_MEMORY = 64 * 1024 * 1024  # refuse absurd parameters read back from a tampered file

# One account per role for the embedded demo city (documented in README).
DEMO_USERS = (
    # name, password, role, areas, display name, can_unmask
    ("leader", "leader-demo", "leader", (), "演示·市领导", False),
    ("official", "official-demo", "official", ("370704002",), "演示·凤凰街道干部", False),
    ("wall", "wall-demo", "wall", ("370704",), "演示·指挥大屏", False),
    ("admin", "admin-demo", "admin", (), "演示·管理员", True),
)
DEMO_PASSWORDS = frozenset(user[1] for user in DEMO_USERS)  # published: never a real account's password


@dataclass(frozen=True)
class Scope:
    """Area codes of the subtrees a user may see; `None` means the whole city (default-deny: an
    empty tuple sees nothing). metrics.scope turns it into the bound roots of every query."""
    area_codes: tuple[str, ...] | None = ()

    @classmethod
    def everywhere(cls) -> "Scope":
        return cls(None)


@dataclass(frozen=True)
class User:
    name: str
    role: str
    areas: tuple[str, ...]
    display_name: str
    can_unmask: bool
    active: bool

    def scope(self) -> Scope:
        """What this account may see: default-deny for a disabled account or an unknown role."""
        if not self.active:
            return Scope(())
        if self.role in ("leader", "admin"):
            return Scope.everywhere()
        if self.role in ("official", "wall"):
            return Scope(tuple(self.areas))
        return Scope(())

    @property
    def role_name(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def may_export(self) -> bool:
        return self.active and self.role != "wall"

    @property
    def sees_personal_data(self) -> bool:
        """Whether masked personal data (张*明, 138****5678) may be shown at all."""
        return self.active and self.role != "wall"

    @property
    def may_unmask(self) -> bool:
        """Whether this account may reveal unmasked personal data (each reveal is audited)."""
        return self.can_unmask and self.sees_personal_data


# ---------------------------------------------------------------- password hashing

def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=dklen,
                          maxmem=_MAX_MEMORY + 1024 * 1024)


def hash_password(password: str) -> str:
    """`scrypt$N$r$p$<salt b64>$<hash b64>` with a fresh random salt: the same password twice differs."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def check_password(password: str, stored: str) -> bool:
    """Constant-time comparison against a stored hash; a malformed hash never matches."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        n, r, p = int(n), int(r), int(p)
        salt, key = base64.b64decode(salt, validate=True), base64.b64decode(key, validate=True)
    except (ValueError, AttributeError):
        return False
    if scheme != "scrypt" or not (n >= 2 and n & (n - 1) == 0 and 1 <= r and 1 <= p <= 16
                                  and 128 * r * n <= _MAX_MEMORY) or not salt or not 16 <= len(key) <= 64:
        return False
    return hmac.compare_digest(_scrypt(password, salt, n, r, p, len(key)), key)


_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    """A hash to check against for unknown names, so the time taken does not reveal which names exist."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASH


# ---------------------------------------------------------------- the file

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name          TEXT PRIMARY KEY COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    areas         TEXT NOT NULL DEFAULT '[]',   -- JSON list of area codes
    display_name  TEXT NOT NULL,
    can_unmask    INTEGER NOT NULL DEFAULT 0,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS wall_tokens (
    token_hash    TEXT PRIMARY KEY,              -- SHA-256 (hex) of the token; the token is shown once
    name          TEXT NOT NULL COLLATE NOCASE,  -- the wall account it signs in
    created_at    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS web_sessions (        -- browsers signed in by password (users/sessions.py)
    sid_hash      TEXT PRIMARY KEY,              -- SHA-256 (hex) of the session id inside the cookie
    name          TEXT NOT NULL COLLATE NOCASE,
    created_at    TEXT NOT NULL,
    expires_at    REAL NOT NULL                  -- Unix time; rows past it are deleted on the next sign-in
);
"""
WALL_TOKEN_BYTES = 32  # 256 random bits, URL-safe base64: 43 characters
_TOKEN_TEXT = re.compile(r"^[A-Za-z0-9_-]{32,128}$")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def connect(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed, readable by its owner only) the dashboard's own SQLite file.

    Autocommit mode: callers group writes with `transaction()`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:  # created meanwhile by another session
            pass
    conn = sqlite3.connect(path, timeout=15, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 15000")
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error: a failed change leaves the file as it was."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def clean_name(name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError("用户名不能为空")
    name = name.strip()
    if any(ch.isspace() or not ch.isprintable() for ch in name):
        raise ValueError(f"用户名 {name!r} 不能包含空格或控制字符")
    if len(name) > 128:
        raise ValueError("用户名过长（最多 128 个字符）")
    return name


def _clean_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符")
    if password in DEMO_PASSWORDS:
        raise ValueError("该密码是文档中公开的演示密码，不能使用")
    return password


def clean_areas(role: str, areas: Iterable[str], can_unmask: bool = False) -> tuple[str, ...]:
    if role not in ROLES:
        raise ValueError(f"未知角色 {role!r}，应为 " + "、".join(f"{k}（{v}）" for k, v in ROLES.items()))
    if isinstance(areas, str):
        areas = areas.split(",")
    cleaned: list[str] = []
    for code in areas:
        code = str(code).strip()
        if not code:
            continue
        if any(ch.isspace() or not ch.isprintable() for ch in code):
            raise ValueError(f"区域编码 {code!r} 无效")
        if code not in cleaned:
            cleaned.append(code)
    label = ROLES[role]
    if role in ("leader", "admin") and cleaned:
        raise ValueError(f"角色 {label} 可查看全部区域，不应指定区域")
    if role == "official" and not cleaned:
        raise ValueError(f"角色 {label} 至少需要指定一个区域编码")
    if role == "wall" and len(cleaned) != 1:
        raise ValueError(f"角色 {label} 必须恰好指定一个区域编码")
    if role == "wall" and can_unmask:
        raise ValueError(f"角色 {label} 不显示个人信息，不能授予查看未脱敏信息的权限")
    return tuple(cleaned)


def _user(row: sqlite3.Row) -> User:
    return User(name=row["name"], role=row["role"], areas=tuple(json.loads(row["areas"])),
                display_name=row["display_name"], can_unmask=bool(row["can_unmask"]), active=bool(row["active"]))


@dataclass(frozen=True)
class SignIn:
    """The outcome of UserStore.sign_in: the account, or None with `retry_after` > 0 seconds when a
    limit refused the attempt without checking the password (0 for a wrong name or password)."""
    user: User | None
    retry_after: float = 0.0


class UserStore:
    """Accounts in the SQLite file at `path`; the table is created on first open.

    Every method opens its own short connection, so one store may be shared by all sessions
    (threads) of the Streamlit server. Errors are ValueError with a Chinese message. `clock` gives
    Unix time for the sign-in limits (wall-clock time: the counts outlive the process)."""

    def __init__(self, path: str | Path, clock: Callable[[], float] = time.time):
        self.path = Path(path)
        self.clock = clock
        with self._conn() as conn:
            conn.executescript(_SCHEMA + throttle.SCHEMA)
        _dummy_hash()  # ready before the first login, so even that one takes the usual time

    @contextmanager
    def _conn(self) -> Iterator[sqlite3.Connection]:
        conn = connect(self.path)
        try:
            yield conn
        finally:
            conn.close()

    def _row(self, conn: sqlite3.Connection, name: str) -> sqlite3.Row | None:
        return conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()

    def _update(self, name: str, *, sign_out: bool = False, **values) -> None:
        name = clean_name(name)
        sets = ", ".join(f"{col} = ?" for col in values) + ", updated_at = ?"
        with self._conn() as conn, transaction(conn):
            done = conn.execute(f"UPDATE users SET {sets} WHERE name = ?", (*values.values(), _now(), name))
            if done.rowcount == 0:
                raise ValueError(f"用户 {name} 不存在")
            if sign_out:  # in the same transaction: no browser stays signed in on the old password or state
                conn.execute("DELETE FROM web_sessions WHERE name = ?", (name,))

    def add(self, name: str, password: str, role: str, areas: Iterable[str] = (), display_name: str | None = None,
            can_unmask: bool = False) -> User:
        name, password = clean_name(name), _clean_password(password)
        areas = clean_areas(role, areas, can_unmask)
        display = (display_name or "").strip() or name
        digest = hash_password(password)
        now = _now()
        with self._conn() as conn, transaction(conn):
            if self._row(conn, name) is not None:
                raise ValueError(f"用户名 {name} 已存在")
            conn.execute("INSERT INTO users (name, password_hash, role, areas, display_name, can_unmask, active,"
                         " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
                         (name, digest, role, json.dumps(list(areas)), display, int(bool(can_unmask)), now, now))
        return User(name, role, areas, display, bool(can_unmask), True)

    def set_password(self, name: str, password: str) -> None:
        self._update(name, sign_out=True, password_hash=hash_password(_clean_password(password)))

    def disable(self, name: str) -> None:
        # Ends the account's browser sign-ins for good: enabling it again does not bring them back.
        self._update(name, sign_out=True, active=0)

    def enable(self, name: str) -> None:
        self._update(name, active=1)

    def set_areas(self, name: str, areas: Iterable[str]) -> User:
        user = self.get(name)
        if user is None:
            raise ValueError(f"用户 {clean_name(name)} 不存在")
        cleaned = clean_areas(user.role, areas, user.can_unmask)
        self._update(user.name, areas=json.dumps(list(cleaned)))
        return User(user.name, user.role, cleaned, user.display_name, user.can_unmask, user.active)

    def get(self, name: str) -> User | None:
        """The account (names compare case-insensitively), or None."""
        if not isinstance(name, str) or not name.strip():
            return None
        with self._conn() as conn:
            row = self._row(conn, name.strip())
        return _user(row) if row else None

    def list(self) -> list[User]:
        with self._conn() as conn:
            return [_user(r) for r in conn.execute("SELECT * FROM users ORDER BY name")]

    def is_empty(self) -> bool:
        with self._conn() as conn:
            return conn.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0

    def verify(self, name: str, password: str) -> User | None:
        """The active account whose password matches, else None (unknown name, wrong password, disabled).

        The scrypt work is done in every case so the response time does not reveal which names exist.
        No limit applies here: whatever a client drives goes through sign_in()."""
        row = None
        if isinstance(name, str) and name.strip():
            with self._conn() as conn:
                row = self._row(conn, name.strip())
        ok = check_password(password if isinstance(password, str) else "",
                            row["password_hash"] if row else _dummy_hash())
        if row is None or not ok or not row["active"]:
            return None
        return _user(row)

    # -- sign-in from a client: verify() within the limits of `throttle` --

    def sign_in(self, name: str, password: str, address: str | None) -> SignIn:
        """verify() for a client at `address` (as Streamlit reports it; None for this machine), within
        the limits per account and address. A refused attempt checks no password."""
        account, where = throttle.account_key(name), throttle.address_key(address)
        with self._conn() as conn:
            with transaction(conn):  # check and count in one write transaction: parallel tries queue here
                wait = throttle.admit(conn, account, where, self.clock())
            if wait > 0:
                return SignIn(None, wait)
            user = self.verify(name, password)
            if user is not None:
                with transaction(conn):
                    throttle.succeeded(conn, account, where)
        return SignIn(user, 0.0)

    def sign_in_blocks(self) -> list[throttle.Block]:
        with self._conn() as conn:
            return throttle.blocks(conn, self.clock())

    def unlock(self, name: str | None = None, *, address: str | None = None) -> int:
        """Forget the failed sign-ins of an account (from every address) or of an address; returns
        how many counts (one per account and address) were deleted."""
        if (name is None) == (address is None):
            raise ValueError("请指定账号或地址之一")
        with self._conn() as conn, transaction(conn):
            return throttle.forget_account(conn, name) if name is not None else throttle.forget_address(conn, address)

    # -- wall display tokens --

    def issue_wall_token(self, name: str) -> str:
        """A new token for an active wall-role account (earlier tokens stay valid until revoked).
        Returned once; only its digest is kept."""
        user = self.get(name)
        if user is None:
            raise ValueError(f"用户 {clean_name(name)} 不存在")
        if user.role != "wall":
            raise ValueError(f"只有指挥大屏（wall）账号可以使用大屏令牌，{user.name} 的角色是 {user.role_name}")
        if not user.active:
            raise ValueError(f"账号 {user.name} 已停用")
        token = secrets.token_urlsafe(WALL_TOKEN_BYTES)
        with self._conn() as conn, transaction(conn):
            conn.execute("INSERT INTO wall_tokens (token_hash, name, created_at) VALUES (?, ?, ?)",
                         (_token_hash(token), user.name, _now()))
        return token

    def revoke_wall_tokens(self, name: str) -> int:
        """Withdraw every token of the account; returns how many there were."""
        with self._conn() as conn, transaction(conn):
            return conn.execute("DELETE FROM wall_tokens WHERE name = ?", (clean_name(name),)).rowcount

    def wall_tokens(self, name: str) -> int:
        with self._conn() as conn:
            return conn.execute("SELECT COUNT(*) FROM wall_tokens WHERE name = ?", (name.strip(),)).fetchone()[0]

    def wall_token_user(self, token) -> User | None:
        """The active wall-role account a token signs in, else None (malformed, unknown or revoked
        token; account disabled or no longer a wall account)."""
        if not isinstance(token, str) or not _TOKEN_TEXT.match(token):
            return None
        with self._conn() as conn:
            row = conn.execute("SELECT u.* FROM wall_tokens t JOIN users u ON u.name = t.name "
                               "WHERE t.token_hash = ?", (_token_hash(token),)).fetchone()
        if row is None or row["role"] != "wall" or not row["active"]:
            return None
        return _user(row)


def ensure_demo_users(store: UserStore) -> list[User]:
    """When the store has no account at all, create DEMO_USERS (one per role); return those created.

    Check and inserts are one transaction, so two sessions starting together create them once."""
    if not store.is_empty():
        return []
    rows = []
    for name, password, role, areas, display, unmask in DEMO_USERS:
        rows.append((name, hash_password(password), role, json.dumps(list(areas)), display, int(unmask)))
    with store._conn() as conn, transaction(conn):
        if conn.execute("SELECT COUNT(*) FROM users").fetchone()[0]:
            return []
        now = _now()
        conn.executemany("INSERT INTO users (name, password_hash, role, areas, display_name, can_unmask, active,"
                         " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
                         [(*r, now, now) for r in rows])
    return [User(n, role, tuple(a), d, u, True) for n, _, role, a, d, u in DEMO_USERS]


def remove_demo_users(store: UserStore) -> list[str]:
    """Beside any database but the embedded demo city: delete the demo accounts that still have their
    published password (with their wall tokens and sign-in counts); return their names.

    An account an administrator took over by giving it a password of their own stays."""
    removed = []
    with store._conn() as conn:
        for name, password, *_ in DEMO_USERS:
            row = store._row(conn, name)
            if row is None or not check_password(password, row["password_hash"]):
                continue
            with transaction(conn):
                conn.execute("DELETE FROM users WHERE name = ? AND password_hash = ?",
                             (row["name"], row["password_hash"]))
                conn.execute("DELETE FROM wall_tokens WHERE name = ?", (row["name"],))
                throttle.forget_account(conn, row["name"])
            removed.append(row["name"])
    return removed
