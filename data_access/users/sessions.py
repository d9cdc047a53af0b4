"""A sign-in that survives a reload: signed, expiring session tokens for browsers (auth.mode = builtin).

After a password sign-in the browser keeps one token in an HttpOnly cookie (ui/session_http.py sets
it), so a reload or a new tab is signed in until the token expires. A token is `<payload>.<mac>`,
both URL-safe base64 without padding:

    payload = JSON {"u": account, "s": session id (256 random bits), "i": issued, "e": expires}
    mac     = HMAC-SHA256(secret, "grid-session/1" ‖ payload ‖ the account's current password hash)

The secret (256 random bits) is made on first use and kept in the users file (`session_secret`),
never in the repository or the configuration. Every check reads the file, because a signature alone
cannot be withdrawn: the session's row must still be there (退出登录 deletes it; disabling the
account or a new password deletes all the account's rows, data_access.users), the account must be
active, the token no older than the configured lifetime, and the MAC must match the *current*
password hash, so a new password ends old tokens even where a row was left behind. The file keeps
only SHA-256 digests of session ids: a copy of it holds no usable cookie.

The page never holds the token in script: it gets a one-time grant (`grant`, GRANT_SECONDS) that
the browser trades at /_grid/session for the cookie (`redeem`).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from data_access.users import User, UserStore, connect, transaction

SESSION_HOURS = 12     # default of auth.session_hours
GRANT_SECONDS = 60     # the page trades its grant right after the sign-in; a minute covers a slow browser
SKEW_SECONDS = 60      # a token "issued" this far in the future is still accepted (the clock was set back)
_CONTEXT = b"grid-session/1"  # a MAC made for another purpose with the same secret never verifies here
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,2000}\.[A-Za-z0-9_-]{43}$")
_GRANT = re.compile(r"^[A-Za-z0-9_-]{43}$")
_CLAIMS = {"u": str, "s": str, "i": int, "e": int}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS session_secret (
    id         INTEGER PRIMARY KEY CHECK (id = 1),   -- one secret per users file
    secret     BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS session_grants (
    grant_hash TEXT PRIMARY KEY,   -- SHA-256 (hex) of the one-time code the page holds
    token      TEXT NOT NULL,      -- the cookie it is traded for; the row goes when traded
    expires_at REAL NOT NULL       -- Unix time
);
"""


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _mac(secret: bytes, payload: str, password_hash: str) -> str:
    message = b"\n".join((_CONTEXT, payload.encode("ascii"), password_hash.encode("utf-8")))
    return _b64(hmac.new(secret, message, hashlib.sha256).digest())


def _claims(token) -> tuple[str, str, dict] | None:
    """(payload, mac, claims) of a well-formed token, else None. Nothing here is trusted yet."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        return None
    payload, mac = token.split(".")
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError:  # bad base64, bad UTF-8 or bad JSON
        return None
    if not isinstance(claims, dict) or claims.keys() != _CLAIMS.keys() or any(
            type(claims[k]) is not t for k, t in _CLAIMS.items()):
        return None
    return payload, mac, claims


@dataclass(frozen=True)
class Session:
    user: User
    expires: int  # Unix time


class Sessions:
    """Session tokens of the users file at `path`, lasting `hours`. `clock` gives Unix time (tests
    pass their own). Like UserStore, every call opens its own short connection."""

    def __init__(self, path: str | Path, hours: float = SESSION_HOURS, clock: Callable[[], float] = time.time):
        if not hours > 0:
            raise ValueError("会话时长必须大于 0 小时")
        self.store = UserStore(path)
        self.lifetime = round(hours * 3600)
        self.clock = clock
        with closing(connect(self.store.path)) as conn:
            conn.executescript(_SCHEMA)

    def _secret(self, conn) -> bytes:
        row = conn.execute("SELECT secret FROM session_secret WHERE id = 1").fetchone()
        if row is None:  # first use; read first so that every check stays a read, without a write lock
            conn.execute("INSERT OR IGNORE INTO session_secret (id, secret, created_at) VALUES (1, ?, ?)",
                         (secrets.token_bytes(32), datetime.now().astimezone().isoformat(timespec="seconds")))
            row = conn.execute("SELECT secret FROM session_secret WHERE id = 1").fetchone()  # ours or a racer's
        return bytes(row[0])

    def issue(self, name: str) -> str:
        """A new token for the active account `name`, valid for `hours` from now."""
        now, sid = int(self.clock()), secrets.token_urlsafe(32)
        with closing(connect(self.store.path)) as conn, transaction(conn):
            row = conn.execute("SELECT name, password_hash, active FROM users WHERE name = ?", (name,)).fetchone()
            if row is None or not row["active"]:
                raise ValueError(f"账号 {name} 不存在或已停用")
            secret = self._secret(conn)
            conn.execute("DELETE FROM web_sessions WHERE expires_at <= ?", (now,))
            conn.execute("INSERT INTO web_sessions (sid_hash, name, created_at, expires_at) VALUES (?, ?, ?, ?)",
                         (_digest(sid), row["name"], datetime.fromtimestamp(now).astimezone().isoformat(),
                          now + self.lifetime))
        claims = {"u": row["name"], "s": sid, "i": now, "e": now + self.lifetime}
        payload = _b64(json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        return f"{payload}.{_mac(secret, payload, row['password_hash'])}"

    def check(self, token) -> Session | None:
        """The session a token names, or None: malformed, forged or altered, expired, longer than the
        lifetime now configured, signed out, account disabled, or password changed since."""
        parsed = _claims(token)
        if parsed is None:
            return None
        payload, mac, claims = parsed
        now = self.clock()
        if not claims["i"] - SKEW_SECONDS <= now < claims["e"] or claims["e"] - claims["i"] > self.lifetime:
            return None
        with closing(connect(self.store.path)) as conn:
            row = conn.execute("SELECT u.name, u.password_hash, u.active, s.expires_at FROM web_sessions s "
                               "JOIN users u ON u.name = s.name WHERE s.sid_hash = ?",
                               (_digest(claims["s"]),)).fetchone()
            secret = self._secret(conn) if row else b""
        if row is None or not row["active"] or row["name"] != claims["u"] or now >= row["expires_at"]:
            return None
        if not hmac.compare_digest(mac, _mac(secret, payload, row["password_hash"])):
            return None
        user = self.store.get(row["name"])
        return Session(user, claims["e"]) if user and user.active else None

    def user(self, token) -> User | None:
        session = self.check(token)
        return session.user if session else None

    def revoke(self, token) -> bool:
        """退出登录: the token's session ends, wherever a copy of the token is. True if it was live."""
        parsed = _claims(token)
        if parsed is None:
            return False
        with closing(connect(self.store.path)) as conn, transaction(conn):
            done = conn.execute("DELETE FROM web_sessions WHERE sid_hash = ?", (_digest(parsed[2]["s"]),))
        return done.rowcount > 0

    def grant(self, token: str) -> str:
        """A one-time code, valid GRANT_SECONDS, that `redeem` trades for `token`."""
        code, now = secrets.token_urlsafe(32), self.clock()
        with closing(connect(self.store.path)) as conn, transaction(conn):
            conn.execute("DELETE FROM session_grants WHERE expires_at <= ?", (now,))
            conn.execute("INSERT INTO session_grants (grant_hash, token, expires_at) VALUES (?, ?, ?)",
                         (_digest(code), token, now + GRANT_SECONDS))
        return code

    def pending(self, code) -> bool:
        """Whether the grant is still waiting to be traded."""
        if not isinstance(code, str) or not _GRANT.match(code):
            return False
        with closing(connect(self.store.path)) as conn:
            row = conn.execute("SELECT expires_at FROM session_grants WHERE grant_hash = ?", (_digest(code),)).fetchone()
        return row is not None and self.clock() < row["expires_at"]

    def redeem(self, code) -> tuple[str, Session] | None:
        """The token of a grant and its session, once: the grant is gone afterwards, used or not."""
        if not isinstance(code, str) or not _GRANT.match(code):
            return None
        with closing(connect(self.store.path)) as conn, transaction(conn):
            row = conn.execute("SELECT token, expires_at FROM session_grants WHERE grant_hash = ?",
                               (_digest(code),)).fetchone()
            conn.execute("DELETE FROM session_grants WHERE grant_hash = ?", (_digest(code),))
        if row is None or self.clock() >= row["expires_at"]:
            return None
        session = self.check(row["token"])
        return (row["token"], session) if session else None
