#!/usr/bin/env bash
# tests/browser/test_serving_tier.py puts nginx in front of two dashboard processes, as
# docs/scaling.md describes for a province. It runs Debian's /usr/sbin/nginx unprivileged, with its
# own prefix and config under the test's temp dir, so only the binary is needed: install
# `nginx-light` with apt when it is missing, do nothing when it is there. Runs as root directly,
# otherwise through sudo. Any failure stops `make test` with a message: the test is never skipped.
#
# nginx's postinst would start the system's nginx on port 80 through invoke-rc.d. A temporary
# /usr/sbin/policy-rc.d denies that for the length of the apt-get run (as scripts/test-services.sh
# does for the database servers); one already in place is someone else's and is kept.
# GRID_TEST_NGINX points the test (and this script) at an nginx binary of one's own.
set -euo pipefail

NGINX=${GRID_TEST_NGINX:-/usr/sbin/nginx}
POLICY_RC_D=/usr/sbin/policy-rc.d
PACKAGE=nginx-light

fail() { echo "scripts/nginx-deps.sh: $*" >&2; exit 1; }

if [ -n "${GRID_TEST_NGINX:-}" ]; then
  [ -x "$NGINX" ] || fail "GRID_TEST_NGINX=$NGINX is not an executable file"
  exit 0
fi
[ -x "$NGINX" ] && exit 0

command -v apt-get >/dev/null 2>&1 \
  || fail "$NGINX missing and apt-get is not available; install nginx by hand (or set GRID_TEST_NGINX)"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)  # never wait for a password prompt in CI
else
  fail "$NGINX missing; run as root or with sudo, or by hand: apt-get install -y $PACKAGE"
fi
as_root() { "${SUDO[@]}" "$@"; }

our_policy=0
remove_policy() {
  if [ "$our_policy" -eq 1 ]; then
    as_root rm -f "$POLICY_RC_D" || echo "scripts/nginx-deps.sh: could not remove $POLICY_RC_D; remove it by hand" >&2
  fi
}
trap remove_policy EXIT
if [ ! -e "$POLICY_RC_D" ]; then
  our_policy=1
  printf '#!/bin/sh\n# scripts/nginx-deps.sh, for the length of one apt-get run.\nexit 101\n' \
    | as_root tee "$POLICY_RC_D" >/dev/null && as_root chmod 755 "$POLICY_RC_D" \
    || fail "could not write $POLICY_RC_D; install by hand: apt-get install -y $PACKAGE"
fi

echo "Installing what the serving-tier test needs: $PACKAGE (apt-get)" >&2
as_root env DEBIAN_FRONTEND=noninteractive apt-get update || fail "apt-get update failed"
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$PACKAGE" \
  || fail "apt-get install -y $PACKAGE failed"
[ -x "$NGINX" ] || fail "apt-get finished but $NGINX is still missing"
echo "nginx installed: $("$NGINX" -v 2>&1)" >&2
