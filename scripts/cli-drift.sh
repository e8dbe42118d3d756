#!/usr/bin/env bash
# Drift check for whoever updates the CLI pins (docs/TESTING.md): installs the latest
# published claude, codex and gemini into a temporary folder, prints their versions
# next to the pinned ones and how their --help changed (flags added or gone), and runs
# the realcli suite against them. Not part of CI: its outcome depends on what was
# published today. Needs a build (scripts/build.sh) and npm.
#
#   scripts/cli-drift.sh            exit 0 when the suite passes on the latest versions
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD="${BUILD_DIR:-build}"
PINNED="$BUILD/realcli"
LATEST="$(mktemp -d)"
chmod 755 "$LATEST"   # the sandbox user runs the CLIs from it
trap 'rm -rf "$LATEST"' EXIT

scripts/install-realcli.sh || exit 1
cat > "$LATEST/package.json" <<'JSON'
{"name": "sygen-webhook-cli-drift", "private": true, "dependencies": {
  "@anthropic-ai/claude-code": "latest", "@openai/codex": "latest", "@google/gemini-cli": "latest", "node": "22"}}
JSON
npm install --prefix "$LATEST" --no-audit --no-fund --loglevel=error || exit 1

status=0
for cli in claude codex gemini; do
	pinned="$("$PINNED/node_modules/.bin/$cli" --version 2>&1 | head -1)"
	latest="$("$LATEST/node_modules/.bin/$cli" --version 2>&1 | head -1)"
	echo "== $cli: pinned $pinned, latest $latest"
	[ "$pinned" = "$latest" ] && continue
	# The flags each --help lists, compared.
	diff <(PATH="$PINNED/node_modules/.bin:$PATH" "$cli" --help 2>&1 | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u) \
	     <(PATH="$LATEST/node_modules/.bin:$PATH" "$cli" --help 2>&1 | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u) \
		| sed -n 's/^< /   flag gone: /p; s/^> /   flag new:  /p'
done

echo "== the realcli suite against the latest versions"
for suite in $(cd "$BUILD/tests" && ctest -N -L realcli | sed -n 's/.*realcli\/\([A-Za-z]*\)$/\1/p'); do
	if SYGEN_REALCLI_DIR="$LATEST" "$BUILD/tests/realcli" "$suite"; then
		echo "   $suite: passes"
	else
		echo "   $suite: FAILS (output shape or flags changed: see above)"
		status=1
	fi
done
exit $status
