#!/usr/bin/env bash
# The browser tests (tests/browser) drive Debian's Chromium headless, and the pages are Chinese, so
# they need the Noto CJK fonts too. Install both with apt when either is missing; do nothing when
# both are there. Runs as root directly, otherwise through sudo. Any failure stops `make test` with
# a message: the browser tests are never skipped.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

fail() { echo "scripts/browser-deps.sh: $*" >&2; exit 1; }

fonts_installed() {
  [ "$(dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null || true)" = "install ok installed" ]
}

if [ -n "${GRID_TEST_CHROMIUM:-}" ]; then
  # A Chromium of one's own (see tests/browser/conftest.py): only the fonts are our business.
  [ -x "$GRID_TEST_CHROMIUM" ] || fail "GRID_TEST_CHROMIUM=$GRID_TEST_CHROMIUM is not an executable file"
  CHROMIUM=$GRID_TEST_CHROMIUM
fi

packages=()
[ -x "$CHROMIUM" ] || packages+=(chromium)
fonts_installed || packages+=(fonts-noto-cjk)
[ ${#packages[@]} -eq 0 ] && exit 0

command -v apt-get >/dev/null 2>&1 \
  || fail "${packages[*]} missing and apt-get is not available; install by hand (Chromium at $CHROMIUM)"

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo -n)  # never wait for a password prompt in CI
else
  fail "${packages[*]} missing; run as root or install sudo, or by hand: apt-get install -y ${packages[*]}"
fi

echo "Installing what the browser tests need: ${packages[*]} (apt-get)" >&2
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update \
  || fail "apt-get update failed"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${packages[@]}" \
  || fail "apt-get install -y ${packages[*]} failed"

[ -x "$CHROMIUM" ] || fail "apt-get finished but $CHROMIUM is still missing"
fonts_installed || fail "apt-get finished but fonts-noto-cjk is still not installed"
echo "Browser test dependencies installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")" >&2
