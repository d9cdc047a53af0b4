"""Attacks on the sign-in form, run through the dashboard itself (AppTest): a lockout lifted by
emptying Streamlit's caches (what a client's `clear_cache` message does), parallel guesses racing
the lock, and the published demo passwords on a configured database."""
import sqlite3
import threading

import pytest
import streamlit as st

import data_access.users as users
from data_access.users import UserStore, ensure_demo_users
from tests.apptest import USERS

WRONG, LOCKED = "用户名或密码错误", "登录失败次数过多"


@pytest.fixture
def users_file(tmp_path) -> str:
    """A store of this test's own: the session's shared one must not be left locked."""
    path = str(tmp_path / "users.sqlite")
    store = UserStore(path)
    for name, role, areas, unmask in USERS:
        store.add(name, f"{name}-password", role, areas, can_unmask=unmask)
    return path


def submit(at, name: str, password: str):
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    at.button[0].click().run()
    return at


def outcome(at) -> str:
    assert not at.exception, [e.value for e in at.exception]
    if "user_name" in at.session_state:
        return "signed in"
    assert at.error, "neither signed in nor refused"
    return next(text for text in (WRONG, LOCKED) if text in at.error[0].value)


def test_lock_holds_after_the_caches_are_cleared_and_after_a_restart(open_page, users_file):
    at = open_page(login=True, check=False)
    for _ in range(5):
        assert outcome(submit(at, "s1", "wrong-password")) == WRONG
    st.cache_resource.clear()  # what Streamlit does for any client's clear_cache message
    assert outcome(submit(at, "s1", "s1-password")) == LOCKED
    fresh = open_page(login=True, check=False)  # a new session after the caches are gone
    assert outcome(submit(fresh, "s1", "s1-password")) == LOCKED
    restarted = UserStore(users_file)  # another server process on the same file
    assert restarted.sign_in("s1", "s1-password", None).retry_after > 0


def test_parallel_guesses_cannot_slip_past_the_lock(open_page, monkeypatch):
    """11 wrong passwords in flight at once, then the right one while those are still being checked:
    the right one must be refused, as the limit is reached by the guesses already admitted."""
    sessions = [open_page(login=True, check=False) for _ in range(12)]
    real_check, state = users.check_password, threading.Condition()
    counts = {"checking": 0, "answered": 0}
    release = threading.Event()

    def slow_check(password, stored):  # holds each wrong guess inside its password check
        ok = real_check(password, stored)
        if password == "wrong-password":
            with state:
                counts["checking"] += 1
                state.notify_all()
            release.wait(60)
        return ok

    monkeypatch.setattr(users, "check_password", slow_check)

    def guess(at):
        submit(at, "s1", "wrong-password")
        with state:
            counts["answered"] += 1
            state.notify_all()

    threads = [threading.Thread(target=guess, args=(at,)) for at in sessions[:11]]
    for started, thread in enumerate(threads, 1):
        # One at a time into the form, all in progress together: each guess is inside its password
        # check or already answered before the next starts (AppTest compiles app.py on every run,
        # and Python 3.11's compiler breaks when threads compile at once).
        thread.start()
        with state:
            assert state.wait_for(lambda: counts["checking"] + counts["answered"] == started, timeout=60)
    right = outcome(submit(sessions[11], "s1", "s1-password"))
    release.set()
    for thread in threads:
        thread.join(60)
    assert right == LOCKED
    answers = [outcome(at) for at in sessions[:11]]
    assert answers.count(WRONG) == 5 and answers.count(LOCKED) == 6


def test_demo_accounts_do_not_sign_in_on_a_configured_database(open_page, users_file):
    """A first start on the demo city created the demo accounts (and a real one was added); the same
    file beside a configured database (here the fixture city) must not let their published passwords in."""
    with sqlite3.connect(users_file) as conn:
        conn.execute("DELETE FROM users")
    store = UserStore(users_file)
    ensure_demo_users(store)
    store.add("s1", "s1-password", "official", ("S1",))
    token = store.issue_wall_token("wall")
    at = open_page(login=True, check=False)
    for name, password in (("admin", "admin-demo"), ("leader", "leader-demo")):
        assert outcome(submit(at, name, password)) == WRONG, name
    assert outcome(submit(at, "s1", "s1-password")) == "signed in"
    assert [u.name for u in store.list()] == ["s1"] and store.wall_token_user(token) is None
