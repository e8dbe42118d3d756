#!/usr/bin/env bash
# Installs the provider CLIs pinned in tests/package-lock.json into
# $BUILD_DIR/realcli (bin/ in $BUILD_DIR/realcli/node_modules/.bin), for the
# real-CLI tests. Needs node and npm (scripts/install-deps.sh) and the npm registry.
# Only reinstalls when the lockfile changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${BUILD_DIR:-build}/realcli"
mkdir -p "$target"
if cmp -s tests/package-lock.json "$target/package-lock.json" && [ -d "$target/node_modules" ]; then
	exit 0
fi
cp tests/package.json tests/package-lock.json "$target/"
# The CLIs ship native binaries in per-platform optional packages; npm ci picks
# this machine's. No audit or funding calls: the registry is the only network.
(cd "$target" && npm ci --no-audit --no-fund --loglevel=error)
