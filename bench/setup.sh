#!/usr/bin/env bash
# Installs the benchmark tools from Debian and builds a Release copy of our binaries
# (plus the fake CLI) into ./build-bench. Safe to run again.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${BENCH_BUILD_DIR:-$ROOT/build-bench}"
JOBS="${BENCH_JOBS:-2}"

need=()
for p in wrk hyperfine nginx-light webhook gnuplot-nox curl openssl python3 procps; do
	dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ "${#need[@]}" -gt 0 ]; then
	SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -q
	$SUDO apt-get install -y -q "${need[@]}"
fi
# The Debian packages start nothing here (no systemd); if one did, it is not ours to stop.

"$ROOT/scripts/install-deps.sh"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSYGEN_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j "$JOBS" --target sygen-webhookd sygen-webhook-worker sygen-webhookctl

# The fake claude CLI from tests/fakecli, built on its own (the test suites are not needed).
mkdir -p "$BUILD/fakecli"
if [ ! -x "$BUILD/fakecli/claude" ] || [ "$ROOT/tests/fakecli/FakeCli.cpp" -nt "$BUILD/fakecli/claude" ]; then
	g++ -std=c++17 -O2 -o "$BUILD/fakecli/claude" "$ROOT/tests/fakecli/FakeCli.cpp" -lPocoJSON -lPocoFoundation
fi
echo "bench setup OK: $BUILD/bin, fake CLI in $BUILD/fakecli"
