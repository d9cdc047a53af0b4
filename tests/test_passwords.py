"""The database password appears in no message, log line or page, in any form, whatever the URL.

Each test gives the dashboard (or a command line) a URL with a password in it, malformed as people
write them — an unencoded @ : / or %, a typo in the port (postgresql://grid:secret@127.0.0.1:59x9/x
was echoed before sign-in), a password in the query — and reads everything it showed or logged for
the password, its percent-encoded and decoded forms and every run of four or more of its letters.
"""
from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from configuration.settings import load_settings
from data_access.errors import ConfigError, DatabaseUnavailable
from tests.apptest import page_text

ROOT = Path(__file__).resolve().parent.parent
PASSWORDS = ["secret", "kiwi@mango", "guava:lychee/papaya", "melon%40berry", "quince@grape:durian/lemon%2Fpeach"]


def urls(pw: str) -> list[str]:
    return [f"postgresql://grid:{pw}@127.0.0.1:59x9/x",                      # a typo in the port
            f"postgresql://grid:{pw}@127.0.0.1:1/platform",                   # as typed, unencoded
            f"mysql://grid:{pw}@127.0.0.1:1/platform",
            f"postgresql://grid:{quote(pw, safe='')}@127.0.0.1:1/platform",   # encoded: a good URL, no server
            f"postgresql://grid@127.0.0.1:1/platform?password={quote(pw, safe='')}"]


CASES = [pytest.param(pw, url, id=f"{pw}-{i}") for pw in PASSWORDS for i, url in enumerate(urls(pw))]


def parts(pw: str) -> set[str]:
    """The password and what would give it away: its encoded and decoded forms, runs of ≥ 4 letters."""
    forms = {pw, quote(pw, safe=""), unquote(pw)}
    return forms | {run for form in forms for run in re.findall(r"[A-Za-z0-9]{4,}", form)}


def leaks(text: str, pw: str) -> list[str]:
    return sorted(p for p in parts(pw) if p in text)


@pytest.mark.parametrize("pw, url", CASES)
def test_settings_refuse_a_bad_url_without_repeating_it(tmp_path, pw, url):
    try:
        settings = load_settings(tmp_path / "absent.toml", env={"GRID_DB_URL": url})
    except ConfigError as exc:
        assert "database.url" in str(exc) and "GRID_DB_URL" in str(exc)  # where to look …
        assert leaks(str(exc), pw) == []                                 # … and nothing of the URL
    else:
        assert leaks(repr(settings), pw) == []
        assert "@" not in pw or quote(pw, safe="") in url  # an unencoded @ never passes: it would be misread


def test_a_url_of_the_wrong_type_is_not_repeated(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[database]\nurl = ["postgresql://grid:kiwimango@127.0.0.1/platform"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(config, env={})
    assert "database.url" in str(err.value) and "kiwimango" not in str(err.value)


@pytest.mark.parametrize("pw, url", CASES)
@pytest.mark.parametrize("user", [None, "s1"])  # before sign-in (the login screen) and signed in
def test_the_pages_and_logs_never_show_the_password(open_page, caplog, capfd, pw, url, user):
    caplog.set_level(logging.DEBUG)
    at = open_page(url=url, user=user, login=True, check=False)
    assert not at.exception
    text = page_text(at)
    assert at.error or "登录" in text  # a config error; else the sign-in screen or the unreachable message
    out, err = capfd.readouterr()
    assert leaks("\n".join([text, caplog.text, out, err]), pw) == []


@pytest.mark.parametrize("argv", [["data_access.check"], ["metrics", "summary", "--from", "2026-03-02", "--to", "2026-03-09"],
                                  ["reports", "weekly", "--week", "2026-W10", "--out", "unused"]])
@pytest.mark.parametrize("url", urls("quince@grape:durian/lemon%2Fpeach")[:3])
def test_the_command_lines_never_print_the_password(tmp_path, argv, url):
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "GRID_CONFIG": str(config), "GRID_DB_URL": url}
    done = subprocess.run([sys.executable, "-m", *argv], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert leaks(done.stdout + done.stderr, "quince@grape:durian/lemon%2Fpeach") == []


@pytest.mark.parametrize("words", [
    "could not connect to postgresql://grid:kiwi@mango@10.0.0.5/platform",
    "invalid connection string: host=10.0.0.5 password='kiwi@mango' dbname=platform",
    "authentication failed (password=kiwi%40mango)",
    "role grid with kiwi@mango rejected",
])
def test_a_driver_that_quotes_the_password_is_cut(words):
    """Defence in depth: no driver we ship was seen to quote a password, but a message that does
    (a URL, a libpq connection string, the bare password) loses it in every line we show."""
    from data_access.errors import driver_line  # what the mapping checker's lines use too

    message = str(DatabaseUnavailable("postgresql://10.0.0.5/platform", ConnectionError(words), "kiwi@mango"))
    assert message.startswith("无法连接数据库 postgresql://10.0.0.5/platform：ConnectionError: ")
    assert leaks(message, "kiwi@mango") == [] and leaks(driver_line(ConnectionError(words), "kiwi@mango"), "kiwi@mango") == []
