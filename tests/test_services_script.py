"""scripts/test-services.sh against fake commands: what it would run on a machine without the servers.

The script finds every command on PATH and every file under GRID_TEST_SERVICES_ROOT. Here PATH is
a temp dir holding small shell scripts in place of apt-get, id, sudo, pg_ctlcluster, pg_isready,
psql, mariadb, start-stop-daemon and the rest, each appending its command line to a log, plus
links to the harmless real tools the script uses (sed, grep, awk, tee…), which touch only the temp
root. The fakes keep a little state, so a server "installed" by the fake apt-get answers once the
fake pg_ctlcluster has started it. Nothing here reaches apt or the machine's real servers.
"""
from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "test-services.sh"
REAL_TOOLS = ("awk", "sed", "grep", "sort", "tail", "tee", "chmod", "rm", "env", "sleep", "mkdir",
              "cat", "tr", "touch", "cp", "true", "basename")

PSQL = "psql -h 127.0.0.1 -p 5432 -U postgres -w -X -A -t -q"
APT_PG = "apt-get install -y --no-install-recommends postgresql"
APT_MY = "apt-get install -y --no-install-recommends mariadb-server mariadb-client"
APT_BOTH = "apt-get install -y --no-install-recommends postgresql mariadb-server mariadb-client"
PG_START = "pg_ctlcluster --skip-systemctl-redirect 15 main start"
DENIED = "policy-rc.d during apt-get install: 101"

# Sourced by every fake: log the command line (marked when it came through sudo), refuse
# privileged work unless "root", and know where the state lives.
PRELUDE = r"""#!/bin/bash
set -u
log() { printf '%s\n' "${FAKE_SUDO:+sudo }$*" >> "$FAKE_LOG"; }
need_root() { [ "${FAKE_UID:-0}" = 0 ] || { echo "$(basename "$0"): permission denied" >&2; exit 4; }; }
S=$FAKE_STATE
R=$GRID_TEST_SERVICES_ROOT
"""

DEBIAN_HBA = """\
# PostgreSQL Client Authentication Configuration File
local   all             postgres                                peer
local   all             all                                     peer
host    all             all             127.0.0.1/32            scram-sha-256
host    all             all             ::1/128                 scram-sha-256
"""

FAKES = {
    # Always on PATH.
    "id": r"""
[ "${1:-}" = -u ] || exit 1
echo "${FAKE_UID:-0}"
""",
    "sudo": r"""
[ "${1:-}" = -n ] || { echo "sudo: called without -n, would prompt" >&2; exit 1; }
shift
[ -z "${FAKE_SUDO_NEEDS_PASSWORD:-}" ] || { echo "sudo: a password is required" >&2; exit 1; }
FAKE_UID=0 FAKE_SUDO=1 exec "$@"
""",
    "apt-get": r"""
log "apt-get $*"
need_root
[ "${DEBIAN_FRONTEND:-}" = noninteractive ] || { echo "apt-get: would ask questions" >&2; exit 1; }
case $1 in
  update) [ "${FAKE_APT_FAIL:-}" != update ] || { echo "E: fake update failure" >&2; exit 100; } ;;
  install)
    [ "${FAKE_APT_FAIL:-}" != install ] || { echo "E: fake install failure" >&2; exit 100; }
    # What a postinst's invoke-rc.d would be told.
    if [ -x "$R/usr/sbin/policy-rc.d" ]; then "$R/usr/sbin/policy-rc.d" mariadb start; rc=$?; else rc=none; fi
    log "policy-rc.d during apt-get install: $rc"
    shift
    for arg; do "$FAKE_PKGS/install-package" "$arg"; done ;;
esac
""",
    "install": r"""
log "install $*"
need_root
mkdir -p "${!#}"
""",
    "start-stop-daemon": r"""
log "start-stop-daemon $*"
need_root
[ -n "${FAKE_NEVER_ANSWERS:-}" ] || touch "$S/my-running"
""",
}

# Put on PATH by the fake package install.
PG_FAKES = {
    "pg_lsclusters": r"""
log "pg_lsclusters $*"
[ -e "$S/pg-cluster" ] || exit 0
status=down; [ -e "$S/pg-running" ] && status=online
echo "15  main    5432 $status postgres /var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log"
""",
    "pg_createcluster": r"""
log "pg_createcluster $*"
need_root
touch "$S/pg-cluster"
mkdir -p "$R/etc/postgresql/15/main"
cp "$FAKE_PKGS/pg_hba.conf" "$R/etc/postgresql/15/main/pg_hba.conf"
""",
    "pg_ctlcluster": r"""
log "pg_ctlcluster $*"
need_root
[ -e "$S/pg-cluster" ] || exit 1
case $4 in
  start) [ -n "${FAKE_NEVER_ANSWERS:-}" ] || touch "$S/pg-running" ;;
  reload) [ -e "$S/pg-running" ] || exit 1 ;;
esac
""",
    "pg_isready": r"""
log "pg_isready $*"
[ -e "$S/pg-running" ]
""",
    "psql": r"""
log "psql $*"
db= sql=
while [ $# -gt 0 ]; do
  case $1 in -d) db=$2; shift ;; -c) sql=$2; shift ;; esac
  shift
done
[ -e "$S/pg-running" ] || { echo "psql: connection refused" >&2; exit 2; }
grep -Eq '^host +all +all +127\.0\.0\.1/32 +trust' "$R/etc/postgresql/15/main/pg_hba.conf" \
  || { echo "psql: fe_sendauth: no password supplied" >&2; exit 2; }
[ "$db" != test ] || [ -e "$S/pg-db-test" ] || { echo 'psql: database "test" does not exist' >&2; exit 2; }
case $sql in
  "CREATE DATABASE test") touch "$S/pg-db-test" ;;
  *"datname = 'test'"*) [ -e "$S/pg-db-test" ] && echo 1 ;;
  *) echo 1 ;;
esac
exit 0
""",
}

MY_FAKES = {
    "mariadb-admin": r"""
log "mariadb-admin $*"
[ -e "$S/my-running" ]
""",
    "mariadb": r"""
case " $* " in
  *" -e "*) log "mariadb $*" ;;
  *) sql=$(tr '\n' ' '); log "mariadb $* < ${sql% }" ;;
esac
[ -e "$S/my-running" ] || { echo "ERROR 2002: Can't connect" >&2; exit 1; }
case " $* " in
  *" --protocol=tcp "*)
    [ -e "$S/my-root-tcp" ] || { echo "ERROR 1698: Access denied for user 'root'@'localhost'" >&2; exit 1; }
    case " $* " in *" -D test "*) [ -e "$S/my-db-test" ] || { echo "ERROR 1049: Unknown database 'test'" >&2; exit 1; } ;; esac
    exit 0 ;;
esac
need_root  # Debian's root@localhost: unix_socket as the system's root
case " $* " in
  *"SHOW CREATE USER"*) echo "CREATE USER \`root\`@\`localhost\` IDENTIFIED VIA ${FAKE_ROOT_AUTH:-mysql_native_password USING 'invalid' OR unix_socket}" ;;
  *) case $sql in *"ALTER USER 'root'@'localhost'"*) touch "$S/my-root-tcp" ;; esac
     case $sql in *"CREATE DATABASE IF NOT EXISTS test"*) touch "$S/my-db-test" ;; esac ;;
esac
""",
}

INSTALL_PACKAGE = r"""
# What Debian's packages leave behind, as far as the script can tell.
case $1 in
  postgresql)
    cp "$FAKE_PKGS"/pg/* "$FAKE_BIN/"
    mkdir -p "$R/usr/lib/postgresql/15/bin" && touch "$R/usr/lib/postgresql/15/bin/postgres"
    if [ -z "${FAKE_NO_POSTINST_CLUSTER:-}" ]; then
      mkdir -p "$R/etc/postgresql/15/main" && cp "$FAKE_PKGS/pg_hba.conf" "$R/etc/postgresql/15/main/"
      touch "$S/pg-cluster"
    fi ;;
  mariadb-server)
    cp "$FAKE_PKGS"/my/* "$FAKE_BIN/"
    mkdir -p "$R/usr/sbin" && touch "$R/usr/sbin/mariadbd" && chmod +x "$R/usr/sbin/mariadbd" ;;
esac
"""


def write_script(path: Path, body: str) -> None:
    path.write_text(PRELUDE + body.lstrip("\n"))
    path.chmod(0o755)


class Machine:
    """A temp dir standing in for the machine: fake commands, a root for files, the fakes' state."""

    def __init__(self, tmp: Path):
        self.bin, self.root, self.state, self.pkgs = (tmp / "bin", tmp / "root", tmp / "state", tmp / "pkgs")
        self.log = tmp / "commands.log"
        for folder in (self.bin, self.root / "usr" / "sbin", self.state, self.pkgs / "pg", self.pkgs / "my"):
            folder.mkdir(parents=True)
        self.log.touch()
        for tool in REAL_TOOLS:
            real = shutil.which(tool, path="/usr/bin:/bin")
            assert real, tool
            (self.bin / tool).symlink_to(real)
        for name, body in FAKES.items():
            write_script(self.bin / name, body)
        for name, body in PG_FAKES.items():
            write_script(self.pkgs / "pg" / name, body)
        for name, body in MY_FAKES.items():
            write_script(self.pkgs / "my" / name, body)
        write_script(self.pkgs / "install-package", INSTALL_PACKAGE)
        (self.pkgs / "pg_hba.conf").write_text(DEBIAN_HBA)
        self.env = {"PATH": str(self.bin), "HOME": str(tmp), "GRID_TEST_SERVICES_ROOT": str(self.root),
                    "GRID_TEST_SERVICES_WAIT": "1", "FAKE_LOG": str(self.log), "FAKE_STATE": str(self.state),
                    "FAKE_BIN": str(self.bin), "FAKE_PKGS": str(self.pkgs), "FAKE_UID": "0"}

    def install(self, package: str) -> None:
        subprocess.run([str(self.pkgs / "install-package"), package], env=self.env, check=True)

    def set_up(self, *what: str) -> None:
        """State of a machine where the servers already are: 'pg-running', 'my-db-test', ..."""
        for flag in what:
            (self.state / flag).touch()

    def all_there_and_running(self) -> None:
        self.install("postgresql")
        self.install("mariadb-server")
        self.set_up("pg-running", "pg-db-test", "my-running", "my-root-tcp", "my-db-test")
        trust = "host    all             all             127.0.0.1/32            trust\n"
        self.hba.write_text(trust + DEBIAN_HBA)

    @property
    def hba(self) -> Path:
        return self.root / "etc" / "postgresql" / "15" / "main" / "pg_hba.conf"

    @property
    def policy(self) -> Path:
        return self.root / "usr" / "sbin" / "policy-rc.d"

    def run(self, **env: str) -> subprocess.CompletedProcess:
        self.log.write_text("")
        return subprocess.run(["/bin/bash", str(SCRIPT)], env={**self.env, **env}, capture_output=True,
                              text=True, timeout=60)

    def commands(self) -> list[str]:
        return self.log.read_text().splitlines()

    def actions(self) -> list[str]:
        """The commands that change something, in order: the probes (pg_isready, ping, SELECT …) left out."""
        probes = ("id ", "pg_isready", "pg_lsclusters", "mariadb-admin")

        def is_probe(line: str) -> bool:
            line = line.removeprefix("sudo ")
            return (line.startswith(probes) or (line.startswith(("psql", "mariadb")) and " -c SELECT" in line)
                    or (line.startswith("mariadb") and (" -e SELECT" in line or " -e SHOW" in line)))

        return [line for line in self.commands() if not is_probe(line)]


@pytest.fixture
def machine(tmp_path) -> Machine:
    return Machine(tmp_path)


def mariadb_actions(root: Path, sudo: str = "") -> list[str]:
    return [
        f"{sudo}install -d -o mysql -g mysql -m 755 {root}/run/mysqld",
        f"{sudo}start-stop-daemon --start --oknodo --background --output "
        f"{root}/var/log/mariadbd-test-services.log --exec {root}/usr/sbin/mariadbd -- --user=mysql",
        f"{sudo}mariadb -uroot < ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR "
        "mysql_native_password USING PASSWORD(''); CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; "
        "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION; "
        "CREATE DATABASE IF NOT EXISTS test CHARACTER SET utf8mb4;",
    ]


def test_all_there_and_running_prints_nothing_and_changes_nothing(machine):
    machine.all_there_and_running()
    hba_before = machine.hba.read_text()
    result = machine.run()
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert machine.actions() == []
    assert machine.commands() == [
        "pg_isready -h 127.0.0.1 -p 5432 -q",
        f"{PSQL} -d test -c SELECT 1",
        "mariadb-admin --no-defaults -h 127.0.0.1 -P 3306 --protocol=tcp -uroot ping",
        "mariadb --no-defaults -h 127.0.0.1 -P 3306 --protocol=tcp -uroot -D test -e SELECT 1",
    ]
    assert machine.hba.read_text() == hba_before
    assert not machine.policy.exists()


def test_postgresql_missing(machine):
    machine.install("mariadb-server")
    machine.set_up("my-running", "my-root-tcp", "my-db-test")
    result = machine.run()
    assert result.returncode == 0, result.stderr
    assert machine.actions() == [
        "apt-get update", APT_PG, DENIED, PG_START, f"{PSQL} -d postgres -c CREATE DATABASE test"]
    assert "Installing the database servers the tests need: postgresql (apt-get" in result.stderr
    assert "PostgreSQL 15/main ready on 127.0.0.1:5432" in result.stderr
    assert result.stdout == ""
    # Trust goes above the package's scram lines, which stay as they were.
    hba = machine.hba.read_text().splitlines()
    assert hba[0].startswith("# scripts/test-services.sh")
    assert hba[1].split() == ["host", "all", "all", "127.0.0.1/32", "trust"]
    assert hba[2].split() == ["host", "all", "all", "::1/128", "trust"]
    assert "\n".join(hba[3:]) + "\n" == DEBIAN_HBA
    assert not machine.policy.exists()  # ours, gone after apt


def test_mariadb_missing(machine):
    machine.install("postgresql")
    machine.set_up("pg-running", "pg-db-test")
    machine.hba.write_text("host all all 127.0.0.1/32 trust\n" + DEBIAN_HBA)
    result = machine.run()
    assert result.returncode == 0, result.stderr
    assert machine.actions() == ["apt-get update", APT_MY, DENIED, *mariadb_actions(machine.root)]
    assert "MariaDB ready on 127.0.0.1:3306 (user root, no password, database test)" in result.stderr
    assert not machine.policy.exists()


def test_both_missing_as_root_then_a_second_run_is_silent(machine):
    result = machine.run()
    assert result.returncode == 0, result.stderr
    assert machine.actions() == [
        "apt-get update", APT_BOTH, DENIED, PG_START, f"{PSQL} -d postgres -c CREATE DATABASE test",
        *mariadb_actions(machine.root)]
    again = machine.run()
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")
    assert machine.actions() == []


def test_both_missing_as_non_root_with_sudo(machine):
    result = machine.run(FAKE_UID="1000")
    assert result.returncode == 0, result.stderr
    # Every privileged step through sudo -n; the database is created over TCP as the tests connect.
    assert machine.actions() == [
        "sudo apt-get update", f"sudo {APT_BOTH}", f"sudo {DENIED}", f"sudo {PG_START}",
        f"{PSQL} -d postgres -c CREATE DATABASE test", *mariadb_actions(machine.root, sudo="sudo ")]
    assert not machine.policy.exists()


def test_non_root_without_sudo_fails_naming_the_packages(machine):
    (machine.bin / "sudo").unlink()
    result = machine.run(FAKE_UID="1000")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "scripts/test-services.sh: postgresql mariadb-server mariadb-client missing; run as root or "
        "install sudo, or by hand: apt-get install -y postgresql mariadb-server mariadb-client")
    assert machine.actions() == []


def test_sudo_that_wants_a_password_fails_without_waiting(machine):
    result = machine.run(FAKE_UID="1000", FAKE_SUDO_NEEDS_PASSWORD="1")
    assert result.returncode == 1
    assert "sudo wants a password" in result.stderr
    assert "apt-get install -y postgresql mariadb-server mariadb-client" in result.stderr
    assert machine.actions() == []


@pytest.mark.parametrize("step", ["update", "install"])
def test_apt_failure_stops_with_a_message(machine, step):
    result = machine.run(FAKE_APT_FAIL=step)
    assert result.returncode == 1
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith(f"scripts/test-services.sh: apt-get {step}")
    assert "failed; install by hand: apt-get install -y postgresql mariadb-server mariadb-client" in message
    assert not any(line.startswith(("pg_ctlcluster", "start-stop-daemon")) for line in machine.actions())
    assert not machine.policy.exists()  # removed on the way out too


def test_a_policy_rc_d_already_there_is_kept(machine):
    machine.policy.write_text("#!/bin/sh\nexit 101\n")
    machine.policy.chmod(0o755)
    result = machine.run()
    assert result.returncode == 0, result.stderr
    assert DENIED in machine.actions()
    assert machine.policy.read_text() == "#!/bin/sh\nexit 101\n"


@pytest.mark.parametrize("server, message", [
    ("postgresql", "PostgreSQL 15/main does not answer on 127.0.0.1:5432 after 1 s"),
    ("mariadb", "MariaDB does not answer on 127.0.0.1:3306 after 1 s"),
])
def test_a_server_that_never_answers_fails_after_the_bounded_wait(machine, server, message):
    if server == "postgresql":
        machine.install("mariadb-server")
        machine.set_up("my-running", "my-root-tcp", "my-db-test")
        probe = "pg_isready"
    else:
        machine.install("postgresql")
        machine.set_up("pg-running", "pg-db-test")
        machine.hba.write_text("host all all 127.0.0.1/32 trust\n" + DEBIAN_HBA)
        probe = "mariadb-admin"
    started = time.monotonic()
    result = machine.run(FAKE_NEVER_ANSWERS="1")
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert message in result.stderr
    assert 1 <= elapsed < 10
    assert sum(line.startswith(probe) for line in machine.commands()) >= 3  # polled, not tried once


def test_installed_but_stopped_only_starts(machine):
    machine.all_there_and_running()
    (machine.state / "pg-running").unlink()
    (machine.state / "my-running").unlink()
    result = machine.run()
    assert result.returncode == 0, result.stderr
    assert machine.actions() == [PG_START, *mariadb_actions(machine.root)[:2]]


def test_running_postgresql_without_trust_or_test_database_is_reloaded_not_restarted(machine):
    machine.all_there_and_running()
    machine.hba.write_text(DEBIAN_HBA)
    (machine.state / "pg-db-test").unlink()
    result = machine.run()
    assert result.returncode == 0, result.stderr
    assert machine.actions() == [
        "pg_ctlcluster --skip-systemctl-redirect 15 main reload", f"{PSQL} -d postgres -c CREATE DATABASE test"]


def test_no_cluster_after_install_creates_one_in_utf8(machine):
    result = machine.run(FAKE_NO_POSTINST_CLUSTER="1", GRID_TEST_MARIADB="mysql://root@elsewhere/test")
    assert result.returncode == 0, result.stderr
    assert machine.actions() == [
        "apt-get update", APT_PG, DENIED,
        "pg_createcluster --locale=C.UTF-8 --port=5432 15 main", PG_START,
        f"{PSQL} -d postgres -c CREATE DATABASE test"]


def test_mariadb_root_with_a_password_is_not_blanked(machine):
    machine.all_there_and_running()
    (machine.state / "my-root-tcp").unlink()
    result = machine.run(FAKE_ROOT_AUTH="mysql_native_password USING '*81F5E21E35407D884A6CD4A731AEBFB6AF209E1B'")
    assert result.returncode == 1
    assert "root@localhost has a password" in result.stderr
    assert "GRID_TEST_MARIADB" in result.stderr
    assert not any("ALTER USER" in line for line in machine.commands())


def test_servers_of_ones_own_are_left_alone(machine):
    result = machine.run(GRID_TEST_POSTGRES="postgresql://postgres@db.example/test",
                         GRID_TEST_MARIADB="mysql://root@db.example/test")
    assert (result.returncode, result.stderr) == (0, "")
    assert machine.commands() == []

