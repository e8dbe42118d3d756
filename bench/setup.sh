#!/usr/bin/env bash
# Installs the benchmark tools from Debian and builds a Release copy of our binaries
# (plus the two no-op CLIs) into ./build-bench (or $BENCH_BUILD_DIR). Safe to run again.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${BENCH_BUILD_DIR:-$ROOT/build-bench}"
JOBS="${BENCH_JOBS:-2}"
# ON when the build folder is shared with the test suite (tests stay configured).
TESTS="${BENCH_BUILD_TESTS:-OFF}"

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
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSYGEN_BUILD_TESTS="$TESTS" >/dev/null
cmake --build "$BUILD" -j "$JOBS" --target sygen-webhookd sygen-webhook-worker sygen-webhook-deliver sygen-webhookctl

# The fake claude CLI from tests/fakecli, built on its own (the test suites are not needed);
# only its start is timed (the floor), as a reference for a dynamically linked CLI.
mkdir -p "$BUILD/fakecli"
if [ ! -x "$BUILD/fakecli/claude" ] || [ "$ROOT/tests/fakecli/FakeCli.cpp" -nt "$BUILD/fakecli/claude" ]; then
	g++ -std=c++17 -O2 -o "$BUILD/fakecli/claude" "$ROOT/tests/fakecli/FakeCli.cpp" -lPocoJSON -lPocoFoundation
fi
# The lean no-op claude for the end-to-end and overload scenarios (bench/noop_cli.c):
# static, and on x86-64 without libc, so that a job's CLI start is an execve and not a
# dynamic loader or glibc's CPUID probing (which traps in a VM). Falls back to a static,
# then a dynamic libc build.
mkdir -p "$BUILD/noopcli"
if [ ! -x "$BUILD/noopcli/claude" ] || [ "$ROOT/bench/noop_cli.c" -nt "$BUILD/noopcli/claude" ]; then
	cflags=(-std=c11 -O2 -Wall -Wextra)
	{ [ "$(uname -m)" = x86_64 ] && cc "${cflags[@]}" -static -nostdlib -ffreestanding -fno-stack-protector \
		-DNOOP_CLI_NOLIBC -o "$BUILD/noopcli/claude" "$ROOT/bench/noop_cli.c"; } \
		|| cc "${cflags[@]}" -static -o "$BUILD/noopcli/claude" "$ROOT/bench/noop_cli.c" \
		|| cc "${cflags[@]}" -o "$BUILD/noopcli/claude" "$ROOT/bench/noop_cli.c"
fi
echo "bench setup OK: $BUILD/bin, fake CLI in $BUILD/fakecli, no-op CLI in $BUILD/noopcli"
