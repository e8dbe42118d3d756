#!/usr/bin/env bash
# Builds the project with sanitizers and runs the whole ctest suite under them.
#
#   scripts/sanitize.sh address    AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer) in ./build-asan
#   scripts/sanitize.sh thread     ThreadSanitizer in ./build-tsan
#
# Exits non-zero when a test fails or any process of the suite made a sanitizer
# report. SANITIZE_BUILD_DIR overrides the folder, JOBS (default: nproc) the
# parallelism of build and tests. See docs/TESTING.md.
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

LSAN=1
if [ "$MODE" = address ]; then
	# LeakSanitizer stops all threads of the exiting process through ptrace-like
	# access, which some containers forbid (seccomp, yama ptrace_scope=3): then it
	# fails at every exit with "LeakSanitizer has encountered a fatal error". Probe
	# once with a tiny leaking program and, if it cannot work here, go on without
	# leak detection and say so loudly.
	probe_dir="$(mktemp -d)"
	trap 'rm -rf "$probe_dir"' EXIT
	printf '#include <cstdlib>\nvoid* volatile p;\nint main() { p = std::malloc(64); p = nullptr; return 0; }\n' >"$probe_dir/probe.cpp"
	c++ -fsanitize=address -o "$probe_dir/probe" "$probe_dir/probe.cpp"
	out="$(ASAN_OPTIONS=detect_leaks=1 "$probe_dir/probe" 2>&1 || true)"
	if ! grep -q "detected memory leaks" <<<"$out"; then
		LSAN=0
		echo "sanitize.sh: WARNING: LeakSanitizer does not work on this machine (ptrace restricted?); running with detect_leaks=0" >&2
		echo "$out" | head -5 >&2
	fi
fi

# -O1 -g1: what the sanitizer documentation recommends, still with line numbers in
# reports, and much quicker to compile on CI's two cores than -O2 -g.
cmake -S . -B "$BUILD_DIR" -DSYGEN_SANITIZE="$SANITIZE" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DSYGEN_SANITIZE_LEAKS="$LSAN" >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"
BUILD_DIR="$(cd "$BUILD_DIR" && pwd)"

# A clean run means nothing unless the code really is instrumented: check that the
# test executables and the service carry calls into the sanitizer runtime.
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

# Every executable of the build has its sanitizer options compiled in
# (cmake/SanitizerDefaults.cpp.in): halt on the first report, exit code 66, reports
# written to $BUILD_DIR/sanitizer-reports/ rather than stderr, suppressions from
# tests/*.supp. That holds for the processes started with a clean environment too
# (the service, its workers, the CLIs). The variables below repeat them for anything
# uninstrumented in between, and add what only applies here.
REPORTS="$BUILD_DIR/sanitizer-reports"
rm -rf "$REPORTS"
mkdir -p "$REPORTS"
COMMON="halt_on_error=1:print_stacktrace=1:exitcode=66:log_path=$REPORTS/report"
export UBSAN_OPTIONS="$COMMON"
if [ "$MODE" = address ]; then
	export ASAN_OPTIONS="$COMMON:detect_leaks=$LSAN:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1"
	export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0"
else
	export TSAN_OPTIONS="$COMMON:second_deadlock_stack=1:suppressions=$ROOT/tests/tsan.supp:print_suppressions=0"
fi

# Sanitized binaries are slower (TSan 5-15x): tests/CMakeLists.txt raises the
# per-test timeouts of sanitizer builds rather than excluding tests.
# -LE realcli: the real-CLI suite drives node programs, which no sanitizer instruments;
# what it exercises of our binaries the rest of the suite covers. -LE system: the
# tests of installed packages and external tools (the .deb under systemd, promtool)
# run the packaged Release build or check shipped files, not this build's code
# paths (docs/TESTING.md).
status=0
(cd "$BUILD_DIR" && ctest --output-on-failure -j "$JOBS" -LE 'realcli|system') || status=$?

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
if [ "$status" -eq 0 ]; then
	echo "sanitize.sh: $MODE: the whole suite passed without a sanitizer report" >&2
fi
exit "$status"
