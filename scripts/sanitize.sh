#!/usr/bin/env bash
# Builds the project with sanitizers and runs the whole ctest suite under them.
#
#   scripts/sanitize.sh address    AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer) in ./build-asan
#   scripts/sanitize.sh thread     ThreadSanitizer in ./build-tsan
#
# Any sanitizer report aborts the process that made it, so the test fails and this
# script exits non-zero. JOBS (default: nproc) limits build and test parallelism.
# See docs/TESTING.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
MODE="${1:-}"
JOBS="${JOBS:-$(nproc)}"

case "$MODE" in
address)
	BUILD_DIR="${BUILD_DIR:-build-asan}"
	SANITIZE="address,undefined"
	;;
thread)
	BUILD_DIR="${BUILD_DIR:-build-tsan}"
	SANITIZE="thread"
	;;
*)
	echo "usage: $0 address|thread" >&2
	exit 2
	;;
esac

scripts/install-deps.sh

# The options reach every process of the suite, including the service and worker
# binaries the integration tests start, since children inherit the environment.
# exitcode=66 makes a report distinguishable from a test failure in a child's exit code.
COMMON="halt_on_error=1:print_stacktrace=1:abort_on_error=0"
export UBSAN_OPTIONS="$COMMON:exitcode=66"
if [ "$MODE" = address ]; then
	# LeakSanitizer runs its check from a helper that needs ptrace-like access to the
	# process (it stops all threads). In some containers (seccomp, yama ptrace_scope=3)
	# that fails with "LeakSanitizer has encountered a fatal error" at every exit, so
	# probe it once with a tiny leaking program and turn leak detection off if it
	# cannot work here, saying so loudly.
	LSAN=1
	probe_dir="$(mktemp -d)"
	trap 'rm -rf "$probe_dir"' EXIT
	printf '#include <cstdlib>\nint main() { void* p = std::malloc(64); p = nullptr; return p != nullptr; }\n' >"$probe_dir/probe.cpp"
	if c++ -fsanitize=address -o "$probe_dir/probe" "$probe_dir/probe.cpp" 2>/dev/null; then
		out="$(ASAN_OPTIONS=detect_leaks=1 "$probe_dir/probe" 2>&1 || true)"
		if ! grep -q "detected memory leaks" <<<"$out"; then
			LSAN=0
			echo "sanitize.sh: WARNING: LeakSanitizer does not work on this machine (ptrace restrictions?); running with detect_leaks=0" >&2
			echo "$out" | head -5 >&2
		fi
	fi
	export ASAN_OPTIONS="$COMMON:exitcode=66:detect_leaks=$LSAN:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1:strict_init_order=1"
	export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0"
else
	export TSAN_OPTIONS="$COMMON:exitcode=66:second_deadlock_stack=1:suppressions=$ROOT/tests/tsan.supp:print_suppressions=0"
fi

cmake -S . -B "$BUILD_DIR" -DSYGEN_SANITIZE="$SANITIZE" >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"

# Sanitized binaries are several times slower (TSan 5-15x): the timeouts are
# multiplied rather than tests excluded.
cd "$BUILD_DIR"
status=0
ctest --output-on-failure -j "$JOBS" --timeout-multiplier 1 || status=$?

# A report in a process whose exit code a test does not check (a worker the
# supervisor respawns, say) must fail the run too: scan the test logs.
if grep -lE "^(==[0-9]+==ERROR: |WARNING: ThreadSanitizer:|SUMMARY: (Address|Leak|UndefinedBehavior|Thread)Sanitizer)|runtime error: " \
	Testing/Temporary/LastTest.log >/dev/null 2>&1; then
	echo "sanitize.sh: sanitizer report found in Testing/Temporary/LastTest.log" >&2
	status=1
fi
exit "$status"
