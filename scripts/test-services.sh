#!/usr/bin/env bash
# The test suite checks every metric on PostgreSQL and MariaDB as well as DuckDB, against servers on
# 127.0.0.1: PostgreSQL on 5432 (user postgres, trust auth, database test) and MariaDB on 3306
# (user root, no password, database test). This makes that true: it installs the servers from
# Debian's packages when they are missing, starts them when they are stopped, lets those users in
# over TCP and creates the `test` databases. It prints nothing and changes nothing when both
# already answer as the tests expect. Runs as root directly, otherwise through sudo. Any failure
# stops `make test` with a message: an unreachable server would be a test failure, never a skip.
#
# GRID_TEST_POSTGRES / GRID_TEST_MARIADB (see tests/conftest.py) point the tests at servers of
# one's own, which are then none of this script's business. GRID_TEST_SERVICES_WAIT bounds each
# wait for a server (seconds, default 60). GRID_TEST_SERVICES_ROOT prefixes every file path the
# script reads or writes, so that tests/test_services_script.py can run it against fake commands in
# a temp dir; it is empty in real use.
set -euo pipefail

ROOT=${GRID_TEST_SERVICES_ROOT:-}
WAIT=${GRID_TEST_SERVICES_WAIT:-60}
PG_PORT=5432
MY_PORT=3306
POLICY_RC_D=$ROOT/usr/sbin/policy-rc.d
MARIADBD=$ROOT/usr/sbin/mariadbd
MARIADBD_LOG=$ROOT/var/log/mariadbd-test-services.log

say() { echo "scripts/test-services.sh: $*" >&2; }
fail() { say "$*"; exit 1; }

# True once "$@" succeeds, false when it still fails after $WAIT seconds of waiting. Counted in
# tries, not by $SECONDS, whose first tick may come at once.
wait_for() {
  local tries=$((WAIT * 2))
  until "$@"; do
    [ "$tries" -gt 0 ] || return 1
    tries=$((tries - 1))
    sleep 0.5
  done
}

# The client tools come with the servers' packages; without them nothing below can even probe.
pg_installed() {
  command -v pg_ctlcluster >/dev/null 2>&1 && command -v pg_lsclusters >/dev/null 2>&1 \
    && command -v pg_isready >/dev/null 2>&1 && command -v psql >/dev/null 2>&1 \
    && compgen -G "$ROOT/usr/lib/postgresql/*/bin/postgres" >/dev/null
}
mariadb_installed() {
  [ -x "$MARIADBD" ] && command -v mariadb >/dev/null 2>&1 && command -v mariadb-admin >/dev/null 2>&1
}

pg_answers() { pg_isready -h 127.0.0.1 -p "$PG_PORT" -q 2>/dev/null; }
# As the tests connect: over TCP, no password. A PGPASSFILE that cannot exist keeps a ~/.pgpass
# from hiding missing trust.
pg_sql() {
  PGPASSFILE=/dev/null/none psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -w -X -A -t -q "$@"
}
pg_connects() { pg_sql -d postgres -c 'SELECT 1' >/dev/null 2>&1; }
pg_usable() { pg_sql -d test -c 'SELECT 1' >/dev/null 2>&1; }

# ping exits 0 as soon as the server answers, even when it refuses the login.
mariadb_answers() {
  mariadb-admin --no-defaults -h 127.0.0.1 -P "$MY_PORT" --protocol=tcp -uroot ping >/dev/null 2>&1
}
# --no-defaults: a password in ~/.my.cnf must not hide that root without one is refused.
mariadb_usable() {
  mariadb --no-defaults -h 127.0.0.1 -P "$MY_PORT" --protocol=tcp -uroot -D test -e 'SELECT 1' >/dev/null 2>&1
}

want_pg=0
want_mariadb=0
if [ -z "${GRID_TEST_POSTGRES:-}" ] && ! { pg_installed && pg_answers && pg_usable; }; then
  want_pg=1
fi
if [ -z "${GRID_TEST_MARIADB:-}" ] && ! { mariadb_installed && mariadb_answers && mariadb_usable; }; then
  want_mariadb=1
fi
[ "$want_pg" -eq 0 ] && [ "$want_mariadb" -eq 0 ] && exit 0

packages=()
if [ "$want_pg" -eq 1 ] && ! pg_installed; then
  packages+=(postgresql)
fi
if [ "$want_mariadb" -eq 1 ] && ! mariadb_installed; then
  packages+=(mariadb-server mariadb-client)
fi
by_hand="apt-get install -y ${packages[*]}"

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo -n)  # never wait for a password prompt in CI
  if ! sudo -n true 2>/dev/null; then
    [ ${#packages[@]} -eq 0 ] \
      || fail "${packages[*]} missing and sudo wants a password; run as root, or by hand: $by_hand"
    SUDO=()  # a stopped server may still be startable by its owner; the steps below say if not
  fi
elif [ ${#packages[@]} -gt 0 ]; then
  fail "${packages[*]} missing; run as root or install sudo, or by hand: $by_hand"
else
  SUDO=()
fi
as_root() { "${SUDO[@]}" "$@"; }

# apt's postinst scripts would start each server through invoke-rc.d with the package defaults
# (and fail where init scripts cannot run). Deny that while apt runs, as Docker's images do, so the
# servers start once, below, configured. A policy-rc.d already in place is someone else's: kept.
our_policy=0
remove_policy() {
  if [ "$our_policy" -eq 1 ]; then
    as_root rm -f "$POLICY_RC_D" || say "could not remove $POLICY_RC_D; remove it by hand"
  fi
}
trap remove_policy EXIT

if [ ${#packages[@]} -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 \
    || fail "${packages[*]} missing and apt-get is not available; install by hand (Debian: $by_hand)"
  say "Installing the database servers the tests need: ${packages[*]} (apt-get, about half a minute)"
  if [ ! -e "$POLICY_RC_D" ]; then
    our_policy=1
    if ! printf '#!/bin/sh\n# scripts/test-services.sh, for the length of one apt-get run.\nexit 101\n' \
        | as_root tee "$POLICY_RC_D" >/dev/null || ! as_root chmod 755 "$POLICY_RC_D"; then
      fail "could not write $POLICY_RC_D; install by hand: $by_hand"
    fi
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update \
    || fail "apt-get update failed; install by hand: $by_hand"
  # The locale is the one the cluster that postgresql's postinst creates gets: C.UTF-8 makes its
  # databases UTF8 (a bare POSIX locale would make them SQL_ASCII).
  as_root env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 \
    apt-get install -y --no-install-recommends "${packages[@]}" \
    || fail "apt-get install -y ${packages[*]} failed; install by hand: $by_hand"
  remove_policy
  our_policy=0
  if [ "$want_pg" -eq 1 ]; then
    pg_installed || fail "apt-get finished but the PostgreSQL server or its tools are still missing"
  fi
  if [ "$want_mariadb" -eq 1 ]; then
    mariadb_installed || fail "apt-get finished but $MARIADBD or the mariadb client is still missing"
  fi
fi

setup_postgres() {
  local cluster version name hba changed=0
  local clusters
  clusters=$(pg_lsclusters --no-header 2>/dev/null || true)
  cluster=$(awk -v port="$PG_PORT" '$3 == port { print $1, $2; exit }' <<<"$clusters")
  if [ -z "$cluster" ]; then
    [ -z "$clusters" ] || fail "no PostgreSQL cluster uses port $PG_PORT (pg_lsclusters lists others);" \
      "create one by hand: pg_createcluster --port=$PG_PORT <version> main"
    # postgresql's postinst creates one unless createcluster.conf says not to, or it was dropped.
    version=$(compgen -G "$ROOT/usr/lib/postgresql/*/bin/postgres" \
      | sed 's|.*/postgresql/\([^/]*\)/bin/postgres$|\1|' | sort -V | tail -n 1)
    say "Creating PostgreSQL cluster $version/main on port $PG_PORT"
    as_root env LC_ALL=C.UTF-8 pg_createcluster --locale=C.UTF-8 --port="$PG_PORT" "$version" main >/dev/null \
      || fail "pg_createcluster $version main failed; create the cluster by hand"
    cluster="$version main"
  fi
  read -r version name <<<"$cluster"

  # First matching line wins in pg_hba.conf, so ours go on top, above the package's scram lines.
  hba=$ROOT/etc/postgresql/$version/$name/pg_hba.conf
  local address line s='[[:space:]]'
  for address in '::1/128' '127.0.0.1/32'; do
    if ! as_root grep -Eq "^$s*host$s+all$s+all$s+${address//./\\.}$s+trust($s|$)" "$hba"; then
      line=$(printf '%-8s%-16s%-16s%-24s%s' host all all "$address" trust)  # the columns of Debian's file
      as_root sed -i "1i $line" "$hba" \
        || fail "could not edit $hba; add by hand: host all all $address trust"
      changed=1
    fi
  done
  if [ "$changed" -eq 1 ]; then
    as_root sed -i '1i # scripts/test-services.sh: the tests connect as postgres over TCP without a password.' "$hba" \
      || fail "could not edit $hba"
    say "PostgreSQL $version/$name: trust for 127.0.0.1/32 and ::1/128 added on top of $hba"
  fi

  if ! pg_answers; then
    say "Starting PostgreSQL $version/$name"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start \
      || fail "could not start PostgreSQL $version/$name; start it by hand:" \
        "pg_ctlcluster --skip-systemctl-redirect $version $name start"
  elif [ "$changed" -eq 1 ]; then
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$name" reload \
      || fail "could not reload PostgreSQL $version/$name after editing $hba"
  fi
  wait_for pg_answers \
    || fail "PostgreSQL $version/$name does not answer on 127.0.0.1:$PG_PORT after ${WAIT} s;" \
      "see /var/log/postgresql/postgresql-$version-$name.log"
  wait_for pg_connects \
    || fail "PostgreSQL answers on 127.0.0.1:$PG_PORT but refuses user postgres without a password; check $hba"
  if [ "$(pg_sql -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'test'" 2>/dev/null)" != 1 ]; then
    pg_sql -d postgres -c 'CREATE DATABASE test' >/dev/null || fail "could not create PostgreSQL database test"
  fi
  pg_usable || fail "PostgreSQL on 127.0.0.1:$PG_PORT: user postgres still cannot open database test"
  say "PostgreSQL $version/$name ready on 127.0.0.1:$PG_PORT (user postgres, trust, database test)"
}

setup_mariadb() {
  if ! mariadb_answers; then
    say "Starting MariaDB"
    # Without systemd nobody else creates the socket's folder; mariadbd refuses to run as root
    # unless told which user to become.
    as_root install -d -o mysql -g mysql -m 755 "$ROOT/run/mysqld" \
      || fail "could not create $ROOT/run/mysqld (owned by mysql)"
    as_root start-stop-daemon --start --oknodo --background --output "$MARIADBD_LOG" \
      --exec "$MARIADBD" -- --user=mysql \
      || fail "could not start MariaDB; start it by hand:" \
        "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql"
  fi
  wait_for mariadb_answers \
    || fail "MariaDB does not answer on 127.0.0.1:$MY_PORT after ${WAIT} s; see $MARIADBD_LOG"
  if ! mariadb_usable; then
    # Debian's root@localhost logs in only through the socket as the system's root (unix_socket),
    # which is how this gets in. A TCP login from 127.0.0.1 is matched as root@localhost while the
    # server resolves names, and as root@127.0.0.1 under skip-name-resolve: both get an empty
    # password, the socket login stays. A password someone gave root is theirs: never blanked.
    local root_user
    root_user=$(as_root mariadb -uroot -N -B -e "SHOW CREATE USER 'root'@'localhost'") \
      || fail "cannot log in to MariaDB as root over its socket to let root in over TCP; do it by hand"
    root_user=${root_user//USING \'invalid\'/}
    root_user=${root_user//USING \'\'/}
    case $root_user in
      *"USING '"* | *"PASSWORD '"*)
        fail "MariaDB's root@localhost has a password and the tests log in as root without one;" \
          "remove it, or point the tests at another server with GRID_TEST_MARIADB" ;;
    esac
    as_root mariadb -uroot <<'SQL' || fail "could not let root in over TCP or create database test in MariaDB"
ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('');
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
CREATE DATABASE IF NOT EXISTS test CHARACTER SET utf8mb4;
SQL
  fi
  mariadb_usable \
    || fail "MariaDB on 127.0.0.1:$MY_PORT: root without a password still cannot open database test"
  say "MariaDB ready on 127.0.0.1:$MY_PORT (user root, no password, database test)"
}

[ "$want_pg" -eq 0 ] || setup_postgres
[ "$want_mariadb" -eq 0 ] || setup_mariadb
