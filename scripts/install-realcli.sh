#!/usr/bin/env bash
# Installs the real claude, codex and gemini CLIs pinned in tests/package.json (and
# node 22, which claude and gemini need: Debian 12's node is 18) into
# $BUILD_DIR/realcli with `npm ci`, for the realcli test suite (docs/TESTING.md).
# Skips the install when that folder already holds the same lockfile.
#
#   REALCLI_PACKAGE_DIR   folder with package.json and package-lock.json (default: tests)
#   REALCLI_DIR           target folder (default: $BUILD_DIR/realcli)
set -euo pipefail
cd "$(dirname "$0")/.."
SOURCE="${REALCLI_PACKAGE_DIR:-tests}"
TARGET="${REALCLI_DIR:-${BUILD_DIR:-build}/realcli}"

if ! command -v npm >/dev/null; then
	echo "install-realcli: npm not found (scripts/install-deps.sh installs it); the realcli tests will be skipped" >&2
	exit 0
fi
mkdir -p "$TARGET"
if [ -d "$TARGET/node_modules" ] && cmp -s "$SOURCE/package-lock.json" "$TARGET/package-lock.json"; then
	exit 0
fi
cp "$SOURCE/package.json" "$SOURCE/package-lock.json" "$TARGET/"
# Install scripts are needed: claude's links its native binary and node's its
# platform build. gemini's optional native add-ons (node-pty, keytar) may fail to
# build without harm: the tests do not use them.
npm ci --prefix "$TARGET" --no-audit --no-fund --loglevel=error
