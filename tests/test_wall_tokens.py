"""Wall display tokens (data_access.users): how an unattended 指挥大屏 signs in without a password."""
import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from data_access.users import UserStore, ensure_demo_users

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path) -> UserStore:
    store = UserStore(tmp_path / "users.sqlite")
    ensure_demo_users(store)  # leader, official, wall (370704), admin
    return store


def test_a_token_signs_in_the_wall_account_only(store):
    token = store.issue_wall_token("wall")
    assert len(token) == 43 and token.replace("-", "").replace("_", "").isalnum()
    user = store.wall_token_user(token)
    assert (user.name, user.role, user.areas) == ("wall", "wall", ("370704",))
    assert not user.sees_personal_data and not user.may_export
    assert store.wall_tokens("wall") == 1 and store.wall_tokens("WALL") == 1


def test_only_a_digest_is_kept(store):
    token = store.issue_wall_token("wall")
    with sqlite3.connect(store.path) as conn:
        kept = conn.execute("SELECT token_hash, name FROM wall_tokens").fetchall()
    assert kept == [(hashlib.sha256(token.encode()).hexdigest(), "wall")]
    assert token not in store.path.read_bytes().decode("latin-1")


def test_each_token_is_new_and_revoking_withdraws_all(store):
    first, second = store.issue_wall_token("wall"), store.issue_wall_token("wall")
    assert first != second and store.wall_token_user(first) and store.wall_token_user(second)
    assert store.revoke_wall_tokens("wall") == 2
    assert store.wall_token_user(first) is None and store.wall_token_user(second) is None


@pytest.mark.parametrize("name", ["leader", "official", "admin"])
def test_no_token_for_other_roles(store, name):
    with pytest.raises(ValueError, match="只有指挥大屏"):
        store.issue_wall_token(name)


def test_no_token_for_unknown_or_disabled_accounts(store):
    with pytest.raises(ValueError, match="不存在"):
        store.issue_wall_token("ghost")
    token = store.issue_wall_token("wall")
    store.disable("wall")
    assert store.wall_token_user(token) is None
    with pytest.raises(ValueError, match="已停用"):
        store.issue_wall_token("wall")
    store.enable("wall")
    assert store.wall_token_user(token).name == "wall"


@pytest.mark.parametrize("bad", [None, "", "short", "x" * 43, "' OR 1=1 --" + "a" * 40, "a" * 129, 12345,
                                 "../../../etc/passwd" + "a" * 30])
def test_malformed_or_unknown_tokens_sign_in_nobody(store, bad):
    store.issue_wall_token("wall")
    assert store.wall_token_user(bad) is None


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "data_access.users", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})


def test_cli_issues_prints_once_and_revokes(store):
    done = cli("--path", str(store.path), "wall-token", "wall")
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    assert store.wall_token_user(token).name == "wall"
    assert f"/wall?token={token}" in done.stderr  # the address to open on the display
    assert cli("--path", str(store.path), "wall-token", "leader").returncode == 2
    revoked = cli("--path", str(store.path), "wall-token", "wall", "--revoke")
    assert revoked.returncode == 0 and "1 个" in revoked.stdout
    assert store.wall_token_user(token) is None
