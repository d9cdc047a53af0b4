"""The sign-in limits (data_access/users/throttle.py) on an injected clock: never a sleep.

Each attack is played as an attacker would: a guess as soon as the limits let one through, the
clock moved on by the wait the refusal names."""
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import data_access.users as users
from data_access.users import UserStore, ensure_demo_users, remove_demo_users, throttle

ROOT = Path(__file__).resolve().parent.parent
ATTACKER, USER, OTHERS = "203.0.113.66", "198.51.100.7", ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"]
RIGHT = "admin-password"


class Clock:
    def __init__(self, start: float = 1_800_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, clock) -> UserStore:
    store = UserStore(tmp_path / "users.sqlite", clock=clock)
    store.add("admin", RIGHT, "admin")
    return store


def fail(store, times: int, address: str = ATTACKER, name: str = "admin") -> None:
    for _ in range(times):
        attempt = store.sign_in(name, "wrong-password", address)
        assert attempt.user is None and attempt.retry_after == 0, "refused before the password was checked"


def test_the_fifth_failure_locks_for_a_full_minute_however_late_it_comes(store, clock):
    fail(store, 4)
    clock.advance(4 * 60 + 59)  # the old lock counted five minutes from the first failure: 1 s left
    fail(store, 1)
    clock.advance(59)
    refused = store.sign_in("admin", RIGHT, ATTACKER)
    assert refused.user is None and refused.retry_after == pytest.approx(1)
    clock.advance(1)
    assert store.sign_in("admin", RIGHT, ATTACKER).user is not None


def test_delays_double_up_to_fifteen_minutes(store, clock):
    fail(store, 5)
    waits = []
    for _ in range(6):
        waits.append(store.sign_in("admin", RIGHT, ATTACKER).retry_after)
        clock.advance(waits[-1])
        fail(store, 1)
    assert waits == [60, 120, 240, 480, 900, 900]


def test_a_success_clears_the_count(store):
    fail(store, 4)
    assert store.sign_in("admin", RIGHT, ATTACKER).user is not None
    fail(store, 4)  # four more wrong passwords are answered, not refused
    assert store.sign_in("admin", RIGHT, ATTACKER).user is not None


def test_the_count_survives_a_restart(store, clock, tmp_path):
    fail(store, 5)
    restarted = UserStore(tmp_path / "users.sqlite", clock=clock)
    assert restarted.sign_in("admin", RIGHT, ATTACKER).retry_after == 60


def test_failures_are_forgotten_a_day_after_the_last_one(store, clock):
    fail(store, 4)
    clock.advance(23 * 3600)
    fail(store, 1)  # within a day of the others: the fifth
    assert store.sign_in("admin", RIGHT, ATTACKER).retry_after > 0
    clock.advance(24 * 3600 + 1)
    fail(store, 4)  # a quiet day later the count starts again
    assert store.sign_in("admin", RIGHT, ATTACKER).user is not None


def test_refused_attempts_do_not_extend_the_delay(store, clock):
    fail(store, 5)
    for _ in range(100):
        assert store.sign_in("admin", "wrong-password", ATTACKER).retry_after > 0
    clock.advance(60)
    fail(store, 1)
    assert store.sign_in("admin", RIGHT, ATTACKER).retry_after == 120  # the sixth failure's delay, no more


def test_a_clock_set_back_does_not_stretch_a_delay(store, clock):
    fail(store, 5)
    clock.advance(-24 * 3600)
    assert store.sign_in("admin", RIGHT, ATTACKER).retry_after == 60


def test_twelve_parallel_guesses_get_five_password_checks(store, monkeypatch):
    checked, real = [], users.check_password
    monkeypatch.setattr(users, "check_password", lambda password, stored: checked.append(1) or real(password, stored))
    start, results = threading.Barrier(12), []

    def guess():
        start.wait(30)
        results.append(store.sign_in("admin", "wrong-password", ATTACKER))

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(checked) == 5 and sum(r.retry_after > 0 for r in results) == 7
    assert store.sign_in("admin", RIGHT, ATTACKER).user is None


def test_one_address_cannot_keep_an_account_locked_for_anyone_else(store, clock, monkeypatch):
    """An attacker guessing admin's password from one address for two days, as fast as allowed, while
    the real admin signs in every 10 minutes from another address: never refused, though the
    attacker's tries keep the account busy for the attacker's address all the time."""
    # The limits are under test, not scrypt (its 400 checks here would take 20 s).
    monkeypatch.setattr(users, "check_password", lambda password, stored: password == RIGHT)
    checks, end = 0, clock.now + 2 * 86400
    next_real = clock.now
    while clock.now < end:
        attempt = store.sign_in("admin", "wrong-password", ATTACKER)
        checks += attempt.retry_after == 0
        step = attempt.retry_after or 1
        while next_real <= clock.now + step:  # the real user's sign-ins during this wait
            assert store.sign_in("admin", RIGHT, USER).user is not None
            next_real += 600
        clock.advance(step)
    assert checks <= 20 + 6 + 48  # the address's 20, six growing delays, then one an hour


def test_one_address_trying_many_names_is_slowed_for_every_name(store):
    for i in range(20):
        fail(store, 1, name=f"guess{i}")  # unknown names count like real ones
    assert store.sign_in("admin", RIGHT, ATTACKER).retry_after == 60
    assert store.sign_in("admin", RIGHT, USER).user is not None


def test_failures_from_four_addresses_lock_the_account_for_everyone(store):
    """The documented price of stopping a distributed guesser: each address counts at most five."""
    for address in OTHERS[:3]:
        fail(store, 5, address=address)
    assert store.sign_in("admin", RIGHT, USER).user is not None
    fail(store, 5, address=OTHERS[3])
    assert store.sign_in("admin", RIGHT, USER).retry_after == 60


@pytest.mark.parametrize("a, b", [("2001:db8:1:2::5", "2001:db8:1:2:ffff::1"), ("::ffff:203.0.113.5", "203.0.113.5"),
                                  (None, "127.0.0.1"), ("::1", "::ffff:127.0.0.1"), ("", None)])
def test_addresses_one_machine_holds_share_a_count(a, b):
    assert throttle.address_key(a) == throttle.address_key(b)
    assert throttle.address_key("2001:db8:1:2::5") != throttle.address_key("2001:db8:1:3::5")


def test_names_share_a_count_whatever_their_case_and_spaces(store):
    fail(store, 3, name="Admin")
    fail(store, 2, name=" ADMIN ")
    assert store.sign_in("admin", RIGHT, ATTACKER).retry_after == 60


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "data_access.users", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})


def test_cli_lists_the_limits_and_unlocks(tmp_path):
    """On real time: the failures are played on a clock that ends just now, so the 15-minute delay
    of the ninth failure is in force while the command line runs."""
    clock = Clock(time.time() - 910)
    store = UserStore(tmp_path / "users.sqlite", clock=clock)
    store.add("admin", RIGHT, "admin")
    fail(store, 5)
    for _ in range(4):
        clock.advance(store.sign_in("admin", RIGHT, ATTACKER).retry_after)
        fail(store, 1)
    path = str(tmp_path / "users.sqlite")
    done = cli("--path", path, "locks", "--json")
    assert done.returncode == 0, done.stderr
    assert [(b["scope"], b["account"], b["address"], b["failures"]) for b in json.loads(done.stdout)] == [
        ("pair", "admin", ATTACKER, 9)]
    assert "该地址上的该账号" in cli("--path", path, "locks").stdout
    done = cli("--path", path, "unlock", "admin")
    assert done.returncode == 0 and "1 条" in done.stdout
    assert cli("--path", path, "locks").stdout.strip() == "没有生效的登录限制"
    assert UserStore(path).sign_in("admin", RIGHT, ATTACKER).user is not None
    assert cli("--path", path, "unlock").returncode == 2


# ---------------------------------------------------------------- demo accounts beside a real database

def test_demo_accounts_with_published_passwords_are_removed(tmp_path):
    store = UserStore(tmp_path / "users.sqlite")
    ensure_demo_users(store)
    store.set_password("leader", "a-private-one")  # taken over by an administrator: stays
    store.add("real", "real-password", "leader")
    token = store.issue_wall_token("wall")
    assert sorted(remove_demo_users(store)) == ["admin", "official", "wall"]
    assert [u.name for u in store.list()] == ["leader", "real"]
    assert store.wall_token_user(token) is None and store.verify("admin", "admin-demo") is None
    assert remove_demo_users(store) == []


@pytest.mark.parametrize("password", ["admin-demo", "leader-demo", "wall-demo", "official-demo"])
def test_published_passwords_are_refused_for_any_account(tmp_path, password):
    store = UserStore(tmp_path / "users.sqlite")
    with pytest.raises(ValueError, match="公开的演示密码"):
        store.add("admin", password, "admin")
    store.add("zhang", "zhang-password", "leader")
    with pytest.raises(ValueError, match="公开的演示密码"):
        store.set_password("zhang", password)
