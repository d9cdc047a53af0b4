"""Session tokens (data_access.users.sessions): a sign-in that survives a reload, and every way one
must stop working. Each attack here is one a plain "decode the cookie, trust the name" or a
"check the signature only" implementation lets through. The clock is the test's own."""
import base64
import json
import sqlite3

import pytest

from configuration.settings import load_settings
from data_access.errors import ConfigError
from data_access.users import UserStore
from data_access.users.sessions import GRANT_SECONDS, Sessions

HOUR = 3600
T0 = 1_800_000_000.0  # 2027-01-15: any fixed instant will do


class Clock:
    def __init__(self, now: float = T0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def path(tmp_path):
    store = UserStore(tmp_path / "users.sqlite")
    store.add("zhang", "zhang-password", "official", ["S1"])
    store.add("boss", "boss-password", "admin", can_unmask=True)
    return store.path


@pytest.fixture
def sessions(path, clock) -> Sessions:
    return Sessions(path, hours=12, clock=clock)


def claims(token: str) -> dict:
    payload = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def encode(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_a_token_names_its_account_until_it_expires(sessions, clock):
    token = sessions.issue("ZHANG")  # names are case-insensitive; the token carries the stored spelling
    assert claims(token)["u"] == "zhang" and claims(token)["e"] - claims(token)["i"] == 12 * HOUR
    user = sessions.user(token)
    assert (user.name, user.role, user.areas) == ("zhang", "official", ("S1",))
    clock.now += 12 * HOUR - 1
    assert sessions.user(token).name == "zhang"
    clock.now += 1
    assert sessions.user(token) is None  # expired, although signature and row are fine


def test_the_lifetime_now_configured_wins(path, clock):
    token = Sessions(path, hours=12, clock=clock).issue("zhang")
    clock.now += 2 * HOUR
    assert Sessions(path, hours=12, clock=clock).user(token).name == "zhang"
    assert Sessions(path, hours=1, clock=clock).user(token) is None  # auth.session_hours lowered to 1


def test_each_sign_in_is_its_own_session(sessions):
    first, second = sessions.issue("zhang"), sessions.issue("zhang")
    assert first != second and claims(first)["s"] != claims(second)["s"]
    assert sessions.revoke(first)
    assert sessions.user(first) is None and sessions.user(second).name == "zhang"  # another browser stays in


def test_the_file_keeps_digests_and_a_secret_never_the_token(sessions, path):
    token = sessions.issue("zhang")
    with sqlite3.connect(path) as conn:
        (secret,), = conn.execute("SELECT secret FROM session_secret").fetchall()
        (sid_hash, name), = conn.execute("SELECT sid_hash, name FROM web_sessions").fetchall()
    assert len(secret) == 32 and name == "zhang" and len(sid_hash) == 64
    dump = "\n".join(sqlite3.connect(path).iterdump())
    assert claims(token)["s"] not in dump and token.split(".")[1] not in dump


def test_the_secret_is_made_once_and_outlives_a_restart(path, clock):
    token = Sessions(path, clock=clock).issue("zhang")
    assert Sessions(path, clock=clock).user(token).name == "zhang"  # a new server process, same file


# ---------------------------------------------------------------- attacks


def test_forged_token_signed_with_another_secret_is_refused(sessions, tmp_path, clock):
    other = UserStore(tmp_path / "elsewhere.sqlite")
    other.add("boss", "boss-password", "admin")
    forged = Sessions(other.path, clock=clock).issue("boss")  # well-formed, but not signed with our secret
    mine = sessions.issue("zhang")
    # even with a live session id of ours inside, the signature gives it away
    forged_with_our_sid = encode({**claims(forged), "s": claims(mine)["s"], "u": "zhang"}) + "." + forged.split(".")[1]
    assert sessions.user(forged) is None and sessions.user(forged_with_our_sid) is None


@pytest.mark.parametrize("change", [{"u": "boss"}, {"e": int(T0) + 1000 * HOUR}, {"i": int(T0) + HOUR}])
def test_altered_claims_are_refused(sessions, change):
    token = sessions.issue("zhang")
    altered = encode({**claims(token), **change}) + "." + token.split(".")[1]
    assert sessions.user(altered) is None


def test_altered_signature_is_refused(sessions):
    token = sessions.issue("zhang")
    payload, mac = token.split(".")
    flipped = mac[:-2] + ("A" if mac[-2] != "A" else "B") + mac[-1]
    assert sessions.user(f"{payload}.{flipped}") is None


@pytest.mark.parametrize("bad", [None, "", "x", 12, "a.b", "." * 60, "eyJ1Ijoiemhhbmci" + "." + "A" * 43,
                                 encode({"u": "zhang"}) + "." + "A" * 43,
                                 encode({"u": "zhang", "s": "x", "i": True, "e": 2 ** 40}) + "." + "A" * 43,
                                 "../../etc/passwd." + "A" * 43, "' OR 1=1 --." + "A" * 43, "A" * 5000])
def test_malformed_tokens_sign_in_nobody(sessions, bad):
    sessions.issue("zhang")
    assert sessions.user(bad) is None
    assert sessions.revoke(bad) is False


def test_replay_after_logout_is_refused(sessions):
    token = sessions.issue("zhang")
    copy = str(token)  # what someone who copied the cookie still has
    assert sessions.revoke(token)
    assert sessions.user(copy) is None
    assert sessions.revoke(copy) is False  # nothing left to end


def test_token_of_a_disabled_account_is_refused_and_stays_so(sessions, path):
    token = sessions.issue("zhang")
    store = UserStore(path)
    store.disable("zhang")
    assert sessions.user(token) is None
    store.enable("zhang")
    assert sessions.user(token) is None  # disabling ended the session; enabling starts none
    store.disable("zhang")
    with pytest.raises(ValueError, match="不存在或已停用"):
        sessions.issue("zhang")  # nor a new one while disabled


def test_token_after_password_change_is_refused(sessions, path):
    token, other = sessions.issue("zhang"), sessions.issue("boss")
    UserStore(path).set_password("zhang", "new-password-1")
    assert sessions.user(token) is None
    assert sessions.user(other).name == "boss"  # someone else's password change signs nobody else out


def test_password_change_behind_the_store_still_ends_the_token(sessions, path):
    """Even where a new password hash arrives without the sign-out (another tool writing the file),
    the signature covers the hash the token was made with."""
    from data_access.users import hash_password

    token = sessions.issue("zhang")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE users SET password_hash = ? WHERE name = 'zhang'", (hash_password("changed-pass"),))
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM web_sessions WHERE name = 'zhang'").fetchone()[0] == 1
    assert sessions.user(token) is None


def test_a_new_secret_signs_everybody_out(sessions, path):
    token = sessions.issue("zhang")
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM session_secret")
    assert sessions.user(token) is None


def test_no_token_for_unknown_accounts(sessions):
    with pytest.raises(ValueError, match="不存在或已停用"):
        sessions.issue("ghost")


# ---------------------------------------------------------------- grants


def test_a_grant_is_traded_once_for_its_token(sessions):
    token = sessions.issue("zhang")
    code = sessions.grant(token)
    assert len(code) == 43 and sessions.pending(code)
    traded, session = sessions.redeem(code)
    assert traded == token and session.user.name == "zhang" and session.expires == claims(token)["e"]
    assert not sessions.pending(code) and sessions.redeem(code) is None  # a replayed grant gets nothing


def test_a_grant_expires_and_dies_with_its_session(sessions, clock):
    late = sessions.grant(sessions.issue("zhang"))
    clock.now += GRANT_SECONDS
    assert not sessions.pending(late) and sessions.redeem(late) is None
    token = sessions.issue("zhang")
    code = sessions.grant(token)
    sessions.revoke(token)
    assert sessions.redeem(code) is None


@pytest.mark.parametrize("bad", [None, "", "short", "A" * 44, "' OR 1=1 --" + "A" * 32])
def test_malformed_grants_trade_nothing(sessions, bad):
    sessions.grant(sessions.issue("zhang"))
    assert sessions.redeem(bad) is None and not sessions.pending(bad)


# ---------------------------------------------------------------- the setting


def test_session_hours_default_and_override(tmp_path):
    assert load_settings(tmp_path / "absent.toml", env={}).session_hours == 12
    config = tmp_path / "config.toml"
    config.write_text("[auth]\nsession_hours = 0.5\n", encoding="utf-8")
    assert load_settings(config, env={}).session_hours == 0.5


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "'12'", "true"])
def test_invalid_session_hours_names_the_key(tmp_path, value):
    config = tmp_path / "config.toml"
    config.write_text(f"[auth]\nsession_hours = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(config, env={})
    assert err.value.key == "auth.session_hours"


def test_sessions_need_a_positive_lifetime(path):
    with pytest.raises(ValueError):
        Sessions(path, hours=0)
