#!/usr/bin/env bash
# Installs the real claude, codex and gemini CLIs pinned in tests/package.json (and
# node 22, which claude and gemini need: Debian 12's node is 18) into
# $BUILD_DIR/realcli with `npm ci`, for the realcli test suite (docs/TESTING.md).
# Skips the install when that folder already holds the same lockfile.
#
#   REALCLI_PACKAGE_DIR   folder with package.json and package-lock.json (default: tests)
#   REALCLI_DIR           target folder (default: $BUILD_DIR/realcli)
#
# As root with no REALCLI_DIR, the CLIs go into a world-readable cache keyed by the
# lockfile, /var/cache/sygen-webhook-test/realcli-<key>, and $BUILD_DIR/realcli links
# to it: the suite runs them as an unprivileged sandbox user, who cannot reach a
# checkout under a private folder (a mktemp -d, a home). The cache also spares later
# runs on the same machine the npm install.
set -euo pipefail
cd "$(dirname "$0")/.."
SOURCE="${REALCLI_PACKAGE_DIR:-tests}"
TARGET="${REALCLI_DIR:-${BUILD_DIR:-build}/realcli}"

if ! command -v npm >/dev/null; then
	echo "install-realcli: npm not found (scripts/install-deps.sh installs it); the realcli tests will be skipped" >&2
	exit 0
fi
if [ -z "${REALCLI_DIR:-}" ] && [ "$(id -u)" -eq 0 ]; then
	link="$TARGET"
	key=$(sha256sum "$SOURCE/package-lock.json" | cut -c1-16)
	TARGET="/var/cache/sygen-webhook-test/realcli-$key"
	mkdir -p "$TARGET"
	chmod 0755 /var/cache/sygen-webhook-test "$TARGET"
	mkdir -p "$(dirname "$link")"
	[ -L "$link" ] || rm -rf "$link"
	ln -sfn "$TARGET" "$link"
fi
mkdir -p "$TARGET"
if [ -d "$TARGET/node_modules" ] && cmp -s "$SOURCE/package-lock.json" "$TARGET/package-lock.json"; then
	exit 0
fi
cp "$SOURCE/package.json" "$SOURCE/package-lock.json" "$TARGET/"
# Install scripts are needed: claude's links its native binary and node's its
# platform build. gemini's optional native add-ons (node-pty, keytar) may fail to
# build without harm: the tests do not use them.
umask 022
npm ci --prefix "$TARGET" --no-audit --no-fund --loglevel=error
