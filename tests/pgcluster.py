"""A throwaway PostgreSQL cluster that a test may stop and start under the dashboard.

Built with Debian's server binaries (`/usr/lib/postgresql/<version>/bin`, the newest installed;
GRID_TEST_PG_BIN names another folder) in a temporary folder, on a free localhost port, with
trust authentication. As root the server runs as the `postgres` system user (PostgreSQL refuses to
run as root) through `runuser`. Every wait is bounded, and `destroy()` stops the server and
removes the folder whatever happened.

    with PgCluster.create() as pg:
        pg.start()
        pg.execute("CREATE DATABASE demo")
        pg.url("demo")      # postgresql://postgres@127.0.0.1:<port>/demo
        pg.stop()

The `cluster` fixture (shared through tests/conftest.py) is such a cluster holding a small demo city.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import time
from datetime import datetime

import pytest
import sqlalchemy as sa

from data_access.db import normalize_url

TIMEOUT = 60  # seconds, for every server command
PASSWORD = "secret"  # of the role `grid` in the `cluster` fixture's demo database


class ClusterError(RuntimeError):
    """The cluster cannot be created, started or stopped; the message says why and how to fix it."""


def server_bin() -> Path:
    """Folder holding initdb and pg_ctl: GRID_TEST_PG_BIN, else the newest /usr/lib/postgresql/*/bin."""
    if os.environ.get("GRID_TEST_PG_BIN"):
        candidates = [Path(os.environ["GRID_TEST_PG_BIN"])]
    else:
        def version(p: str) -> tuple:
            return tuple(int(x) for x in Path(p).parent.parent.name.split(".") if x.isdigit())
        candidates = [Path(p).parent for p in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version,
                                                     reverse=True)]
    for folder in candidates:
        if all(os.access(folder / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return folder
    raise ClusterError(
        "PostgreSQL server tools (initdb, pg_ctl, postgres) not found in "
        + (str(candidates[0]) if os.environ.get("GRID_TEST_PG_BIN") else "/usr/lib/postgresql/*/bin")
        + ". Install them (Debian: apt-get install postgresql) or set GRID_TEST_PG_BIN to their folder.")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgCluster:
    def __init__(self, root: Path, bindir: Path, port: int, run_as: str | None):
        self.root, self.bindir, self.port, self.run_as = root, bindir, port, run_as
        self.data, self.sockets, self.log = root / "data", root / "sockets", root / "server.log"
        self.running = False

    # ---- life cycle ----

    @classmethod
    def create(cls, port: int | None = None) -> "PgCluster":
        bindir = server_bin()
        run_as = None
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                raise ClusterError("running as root needs `runuser` (util-linux) to start PostgreSQL as another user")
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                raise ClusterError("running as root needs the `postgres` system user "
                                   "(Debian's postgresql package creates it)") from None
            run_as = "postgres"
        # /tmp, not $TMPDIR: the server user must reach the folder, and socket paths must stay short
        root = Path(tempfile.mkdtemp(prefix="grid-pg-", dir="/tmp" if os.path.isdir("/tmp") else None))
        cluster = cls(root, bindir, port or free_port(), run_as)
        try:
            cluster.sockets.mkdir()
            if run_as:
                ids = pwd.getpwnam(run_as)
                for p in (root, cluster.sockets):
                    os.chown(p, ids.pw_uid, ids.pw_gid)
            cluster._run("initdb", "-D", str(cluster.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                         "--no-locale", "--no-sync")
        except BaseException:
            cluster.destroy()
            raise
        return cluster

    def start(self) -> None:
        if self.running:
            return
        options = (f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=40")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", str(TIMEOUT),
                  "start")
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        if not self.running:
            return
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", str(TIMEOUT), "stop")
        self.running = False

    def destroy(self) -> None:
        """Stop the server (fast, else immediate) and remove its folder; never raises."""
        try:
            if self.data.joinpath("postmaster.pid").exists():
                for mode in ("fast", "immediate"):
                    try:
                        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")
                        break
                    except ClusterError:
                        continue
            self.running = False
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "PgCluster":
        return self

    def __exit__(self, *exc) -> None:
        self.destroy()

    # ---- using it ----

    def url(self, database: str = "postgres", user: str = "postgres", password: str | None = None) -> str:
        auth = f"{user}:{password}" if password else user
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{database}"

    def execute(self, *statements: str, database: str = "postgres") -> None:
        """Run statements as the superuser, each in its own transaction (CREATE DATABASE needs that)."""
        engine = sa.create_engine(normalize_url(self.url(database)), isolation_level="AUTOCOMMIT",
                                  connect_args={"connect_timeout": 5})
        try:
            with engine.connect() as conn:
                for sql in statements:
                    conn.execute(sa.text(sql))
        finally:
            engine.dispose()

    def _run(self, tool: str, *args: str) -> None:
        cmd = [str(self.bindir / tool), *args]
        if self.run_as:
            cmd = ["runuser", "-u", self.run_as, "--", *cmd]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C"
        try:
            done = subprocess.run(cmd, cwd=self.root, env=env, capture_output=True, text=True, timeout=TIMEOUT + 30)
        except subprocess.TimeoutExpired as exc:
            raise ClusterError(f"{tool} {' '.join(args[-1:])} did not finish within {TIMEOUT + 30} s"
                               f"{self._log_tail()}") from exc
        if done.returncode != 0:
            raise ClusterError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
                               f"{self._log_tail()}")

    def _log_tail(self) -> str:
        try:
            return "\nserver log:\n" + "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return ""


@pytest.fixture(scope="module")
def cluster():
    """A running throwaway cluster whose database `demo` (owner `grid`, password PASSWORD) holds a
    small demo city (5,000 events ending 2026-11-16 10:00); destroyed after the test module.
    Missing server tools are a failure, never a skip: CI has PostgreSQL 15 installed."""
    from data_access import demo

    started = time.monotonic()
    try:
        pg = PgCluster.create()
    except ClusterError as exc:
        pytest.fail(f"cannot create a throwaway PostgreSQL cluster: {exc}", pytrace=False)
    try:
        pg.start()
        pg.execute(f"CREATE ROLE grid LOGIN PASSWORD '{PASSWORD}'", "CREATE DATABASE demo OWNER grid")
        demo.build(pg.url("demo", "grid", PASSWORD), events=5000, seed=3, end=datetime(2026, 11, 16, 10))
        print(f"throwaway cluster with demo city ready in {time.monotonic() - started:.1f} s")
        yield pg
    finally:
        pg.destroy()
