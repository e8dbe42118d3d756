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
	BUILD_DIR="${SANITIZE_BUILD_DIR:-build-asan}"
	SANITIZE="address,undefined"
	;;
thread)
	BUILD_DIR="${SANITIZE_BUILD_DIR:-build-tsan}"
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
# Reports go to files under $BUILD_DIR/sanitizer-reports (log_path): a child's stderr
# is often captured by its parent or a test and would hide the report, and a worker
# that dies of one is respawned without failing anything. Any file there fails the run.
# exitcode=66 makes a report distinguishable from an ordinary failure in exit codes.
REPORTS="$ROOT/$BUILD_DIR/sanitizer-reports"
rm -rf "$REPORTS"
mkdir -p "$REPORTS"
COMMON="halt_on_error=1:print_stacktrace=1:abort_on_error=0:log_path=$REPORTS/report"
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

# -O1 -g1: what the sanitizer documentation recommends, still with line numbers in
# reports, and much quicker to compile on CI's two cores than -O2 -g.
cmake -S . -B "$BUILD_DIR" -DSYGEN_SANITIZE="$SANITIZE" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"

# A clean run means nothing unless the code really is instrumented: check that the
# test executables and the service carry the sanitizer runtime's entry points.
case "$MODE" in
address) symbols=(__asan_report_ __ubsan_handle_) ;;
thread) symbols=(__tsan_func_entry) ;;
esac
for binary in "$BUILD_DIR"/tests/unit-common "$BUILD_DIR"/tests/integration "$BUILD_DIR"/bin/sygen-webhookd "$BUILD_DIR"/bin/sygen-webhook-worker; do
	for symbol in "${symbols[@]}"; do
		# (not nm | grep -q: with pipefail, nm's SIGPIPE would fail the check)
		grep -q " [UTtw] ${symbol}" < <(nm "$binary" 2>/dev/null) || {
			echo "sanitize.sh: $binary is not instrumented (no $symbol): SYGEN_SANITIZE did not reach the build" >&2
			exit 1
		}
	done
done

# Sanitized binaries are slower (TSan 5-15x): tests/CMakeLists.txt raises the
# per-test timeouts of sanitizer builds rather than excluding tests.
status=0
(cd "$BUILD_DIR" && ctest --output-on-failure -j "$JOBS") || status=$?

shopt -s nullglob
reports=("$REPORTS"/report*)
if [ ${#reports[@]} -gt 0 ]; then
	for f in "${reports[@]}"; do
		echo "=== $f" >&2
		cat "$f" >&2
	done
	echo "sanitize.sh: ${#reports[@]} sanitizer report(s) in $REPORTS" >&2
	status=1
fi
[ "$status" -eq 0 ] && echo "sanitize.sh: $MODE: whole suite passed without a sanitizer report" >&2
exit "$status"
