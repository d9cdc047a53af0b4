"""The dashboard's own accounts: hashing, verification, roles and scopes, demo accounts, the CLI, auth settings."""
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from configuration.settings import load_settings
from data_access.errors import ConfigError
from data_access.users import (DEMO_USERS, ROLES, User, UserStore, check_password, ensure_demo_users,
                               hash_password)
from metrics.scope import Scope

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path) -> UserStore:
    return UserStore(tmp_path / "users.sqlite")


def rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT * FROM users ORDER BY name").fetchall()


# ---------------------------------------------------------------- hashing

def test_hash_is_self_describing_scrypt():
    stored = hash_password("correct horse")
    scheme, n, r, p, salt, key = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    import base64
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(key)) == 32
    assert "correct horse" not in stored


def test_same_password_twice_gives_different_hashes():
    a, b = hash_password("same-password"), hash_password("same-password")
    assert a != b and a.split("$")[4] != b.split("$")[4]
    assert check_password("same-password", a) and check_password("same-password", b)


@pytest.mark.parametrize("stored", ["", "plain", "scrypt$16384$8$1$AAAA", "bcrypt$16384$8$1$AAAA$AAAA",
                                    "scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,
                                    "scrypt$16384$8$1$!!$!!"])
def test_malformed_hash_never_matches(stored):
    assert check_password("anything", stored) is False


def test_plaintext_is_never_stored(store):
    store.add("zhang", "s3cret-pass", "leader")
    dump = "\n".join(sqlite3.connect(store.path).iterdump())
    assert "s3cret-pass" not in dump and "scrypt$16384$8$1$" in dump


# ---------------------------------------------------------------- verify

def test_verify_right_wrong_unknown_disabled(store):
    added = store.add("li", "right-password", "official", areas=["370704002"], display_name="李干部")
    assert store.verify("li", "right-password") == added
    assert added == User("li", "official", ("370704002",), "李干部", False, True)
    assert store.verify("li", "wrong-password") is None
    assert store.verify("nobody", "right-password") is None
    assert store.verify("", "right-password") is None
    store.disable("li")
    assert store.verify("li", "right-password") is None
    assert store.get("li").active is False
    store.enable("li")
    assert store.verify("li", "right-password") is not None


def test_unknown_name_still_does_the_kdf_work(store, monkeypatch):
    import data_access.users as users
    calls = []
    real = users._scrypt
    monkeypatch.setattr(users, "_scrypt", lambda *a: calls.append(1) or real(*a))
    store.verify("nobody", "whatever-pass")
    assert calls, "verify of an unknown name must hash too"


def test_set_password(store):
    store.add("wang", "old-password", "admin")
    store.set_password("wang", "new-password")
    assert store.verify("wang", "old-password") is None and store.verify("wang", "new-password")
    with pytest.raises(ValueError, match="不存在"):
        store.set_password("ghost", "new-password")
    with pytest.raises(ValueError, match="密码至少"):
        store.set_password("wang", "short")


def test_names_are_unique_case_insensitively_and_lookup_follows(store):
    store.add("Zhao", "password-1", "leader")
    with pytest.raises(ValueError, match="已存在"):
        store.add("zhao", "password-2", "leader")
    assert store.get("ZHAO").name == "Zhao"
    assert [u.name for u in store.list()] == ["Zhao"]


# ---------------------------------------------------------------- validation

@pytest.mark.parametrize("kwargs, message", [
    (dict(name="a", role="boss"), "未知角色"),
    (dict(name="a", role="official"), "至少需要指定一个区域"),
    (dict(name="a", role="wall"), "恰好指定一个区域"),
    (dict(name="a", role="wall", areas=("370704", "370704002")), "恰好指定一个区域"),
    (dict(name="a", role="wall", areas=("370704",), can_unmask=True), "不能授予"),
    (dict(name="a", role="leader", areas=("370704",)), "不应指定区域"),
    (dict(name="", role="leader"), "用户名不能为空"),
    (dict(name="   ", role="leader"), "用户名不能为空"),
    (dict(name="two words", role="leader"), "空格"),
    (dict(name="a", role="leader", password="short"), "密码至少"),
])
def test_invalid_accounts_are_refused_and_nothing_is_stored(store, kwargs, message):
    kwargs = {"password": "good-password", **kwargs}
    with pytest.raises(ValueError, match=message):
        store.add(**kwargs)
    assert store.list() == []


def test_duplicate_add_leaves_the_first_account_unchanged(store):
    store.add("chen", "first-password", "official", areas=["370704002"])
    before = rows(store.path)
    with pytest.raises(ValueError, match="用户名 chen 已存在"):
        store.add("chen", "second-password", "leader")
    assert rows(store.path) == before
    assert store.verify("chen", "first-password") is not None


def test_set_areas_validates_against_the_role(store):
    store.add("sun", "good-password", "official", areas=["370704002"])
    assert store.set_areas("sun", ["370704001", "370704002", "370704001"]).areas == ("370704001", "370704002")
    assert store.get("sun").areas == ("370704001", "370704002")
    with pytest.raises(ValueError, match="至少需要"):
        store.set_areas("sun", [])
    assert store.get("sun").areas == ("370704001", "370704002")
    with pytest.raises(ValueError, match="不存在"):
        store.set_areas("ghost", ["370704"])


def test_disable_unknown_account_is_an_error(store):
    with pytest.raises(ValueError, match="用户 ghost 不存在"):
        store.disable("ghost")


# ---------------------------------------------------------------- roles and scope

def test_scope_per_role():
    def user(role, areas=(), active=True):
        return User("u", role, tuple(areas), "u", False, active)
    assert user("leader").scope() == Scope.everywhere()
    assert user("admin").scope() == Scope.everywhere()
    assert user("official", ["370704002", "370704003"]).scope() == Scope(("370704002", "370704003"))
    assert user("wall", ["370704"]).scope() == Scope(("370704",))
    assert user("leader", active=False).scope() == Scope(())
    assert user("official", ["370704002"], active=False).scope() == Scope(())
    assert user("intruder").scope() == Scope(())  # an unknown role read from a tampered file sees nothing


def test_wall_has_no_export_and_no_personal_data():
    wall = User("w", "wall", ("370704",), "w", False, True)
    official = User("o", "official", ("370704002",), "o", False, True)
    admin = User("a", "admin", (), "a", True, True)
    assert (wall.may_export, wall.sees_personal_data, wall.may_unmask) == (False, False, False)
    assert (official.may_export, official.sees_personal_data, official.may_unmask) == (True, True, False)
    assert admin.may_unmask is True
    assert set(ROLES) == {"leader", "official", "wall", "admin"}


# ---------------------------------------------------------------- demo accounts

EXPECTED_DEMO = [
    ("admin", "admin", (), True),
    ("leader", "leader", (), False),
    ("official", "official", ("370704002",), False),
    ("wall", "wall", ("370704",), False),
]


def test_demo_users_created_when_empty(store):
    created = ensure_demo_users(store)
    assert sorted((u.name, u.role, u.areas, u.can_unmask) for u in created) == EXPECTED_DEMO
    assert [(u.name, u.role, u.areas, u.can_unmask) for u in store.list()] == EXPECTED_DEMO
    for name, password in [("leader", "leader-demo"), ("official", "official-demo"), ("wall", "wall-demo"),
                           ("admin", "admin-demo")]:
        assert store.verify(name, password) is not None, name
    assert {d[0]: d[1] for d in DEMO_USERS} == {"leader": "leader-demo", "official": "official-demo",
                                                "wall": "wall-demo", "admin": "admin-demo"}
    assert ensure_demo_users(store) == []  # second call: already there
    assert len(store.list()) == 4


def test_demo_users_not_created_when_any_account_exists(store):
    store.add("real", "real-password", "leader")
    store.disable("real")
    assert ensure_demo_users(store) == []
    assert [u.name for u in store.list()] == ["real"]
    assert store.verify("admin", "admin-demo") is None


# ---------------------------------------------------------------- command line

def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "data_access.users", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})


def test_cli_list_json_shape(tmp_path):
    path = tmp_path / "users.sqlite"
    ensure_demo_users(UserStore(path))
    done = cli("--path", str(path), "list", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert isinstance(out, list) and len(out) == 4
    for entry in out:
        assert set(entry) == {"name", "role", "areas", "display_name", "active", "can_unmask"}
        assert isinstance(entry["areas"], list)
    assert {e["name"]: e["areas"] for e in out} == {"admin": [], "leader": [], "official": ["370704002"],
                                                    "wall": ["370704"]}
    assert "password" not in done.stdout and "scrypt" not in done.stdout


def test_cli_add_with_password_stdin_then_verify(tmp_path):
    path = tmp_path / "users.sqlite"
    done = cli("--path", str(path), "add", "zhou", "--role", "official", "--areas", "370704002,370704003",
               "--display-name", "周干部", "--password-stdin", stdin="zhou-password\n")
    assert done.returncode == 0, done.stderr
    assert "zhou-password" not in done.stdout + done.stderr
    store = UserStore(path)
    assert store.verify("zhou", "zhou-password") == User("zhou", "official", ("370704002", "370704003"),
                                                         "周干部", False, True)
    assert cli("--path", str(path), "disable", "zhou").returncode == 0
    assert store.verify("zhou", "zhou-password") is None
    assert cli("--path", str(path), "enable", "zhou").returncode == 0
    assert cli("--path", str(path), "passwd", "zhou", "--password-stdin", stdin="newer-password\n").returncode == 0
    assert store.verify("zhou", "newer-password") is not None and store.verify("zhou", "zhou-password") is None


@pytest.mark.parametrize("args", [
    ("add", "x", "--role", "boss", "--password-stdin"),
    ("add", "x", "--role", "wall", "--password-stdin"),
    ("add", "admin", "--role", "admin", "--password-stdin"),  # exists already
    ("add", "y", "--role", "leader", "--password-stdin"),  # stdin gives a too-short password
    ("passwd", "ghost", "--password-stdin"),
    ("disable", "ghost"),
    ("frobnicate",),
])
def test_cli_errors_exit_2_with_one_line_and_lose_nothing(tmp_path, args):
    path = tmp_path / "users.sqlite"
    ensure_demo_users(UserStore(path))
    before = rows(path)
    done = cli("--path", str(path), *args, stdin="short\n")
    assert done.returncode == 2, done
    assert done.stderr.startswith("错误：") and len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
    assert rows(path) == before


def test_cli_reads_users_path_from_config(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'[auth]\nusers_path = "{tmp_path / "elsewhere.sqlite"}"\n', encoding="utf-8")
    done = cli("--config", str(config), "add", "qian", "--role", "leader", "--password-stdin", stdin="qian-password\n")
    assert done.returncode == 0, done.stderr
    assert UserStore(tmp_path / "elsewhere.sqlite").get("qian").role == "leader"
    bad = tmp_path / "bad.toml"
    bad.write_text('[auth]\nmode = "ldap"\n', encoding="utf-8")
    done = cli("--config", str(bad), "list")
    assert done.returncode == 2 and "auth.mode" in done.stderr


# ---------------------------------------------------------------- settings [auth]

def write(tmp_path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_auth_defaults():
    s = load_settings(ROOT / "config.toml", env={})
    assert (s.auth_mode, s.proxy_header, s.oidc_provider) == ("builtin", "X-Forwarded-User", "")
    assert s.users_path == ROOT / "data" / "users.sqlite"
    s = load_settings(Path("/nonexistent/config.toml"), env={})
    assert s.auth_mode == "builtin" and s.users_path == ROOT / "data" / "users.sqlite"


def test_auth_values_and_environment_override(tmp_path):
    path = write(tmp_path, '[auth]\nmode = "proxy"\nproxy_header = "X-Remote-User"\n'
                           'users_path = "/srv/grid/users.sqlite"\noidc_provider = "corp_sso"\n')
    s = load_settings(path, env={})
    assert (s.auth_mode, s.proxy_header, s.users_path, s.oidc_provider) == (
        "proxy", "X-Remote-User", Path("/srv/grid/users.sqlite"), "corp_sso")
    assert load_settings(path, env={"GRID_AUTH_MODE": "oidc"}).auth_mode == "oidc"
    assert load_settings(write(tmp_path, '[auth]\nusers_path = "var/u.sqlite"\n'), env={}).users_path == \
        ROOT / "var" / "u.sqlite"


@pytest.mark.parametrize("text, env, key", [
    ('[auth]\nmode = "ldap"\n', {}, "auth.mode"),
    ('[auth]\nmode = true\n', {}, "auth.mode"),
    ('', {"GRID_AUTH_MODE": "everyone"}, "auth.mode"),
    ('[auth]\nproxy_header = "X Forwarded User"\n', {}, "auth.proxy_header"),
    ('[auth]\nproxy_header = ""\n', {}, "auth.proxy_header"),
    ('[auth]\nusers_path = " "\n', {}, "auth.users_path"),
    ('[auth]\noidc_provider = "corp sso"\n', {}, "auth.oidc_provider"),
    ('[auth]\nmodes = "none"\n', {}, "auth.modes"),
])
def test_invalid_auth_setting_names_the_key(tmp_path, text, env, key):
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, text), env=env)
    assert err.value.key == key and "应为" in str(err.value)
