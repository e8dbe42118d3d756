#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang into ./build-fuzz and runs each
# for a bounded time, starting from its seed corpus in fuzz/corpus/<target>/.
#
#   scripts/fuzz.sh                    every target, FUZZ_SECONDS (default 30) each
#   scripts/fuzz.sh HookFileFuzz ...   only these targets
#
# Fails on the first crash, sanitizer report, timeout (-timeout=5 s per input) or
# out-of-memory (2 GiB). The input that failed is written to
# build-fuzz/artifacts/<target>-crash-…; reproduce with build-fuzz/fuzz/<target> FILE.
# Inputs found on the way are kept in build-fuzz/corpus/<target>/ (not in the repo).
# See docs/TESTING.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
BUILD_DIR="${FUZZ_BUILD_DIR:-build-fuzz}"
FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
JOBS="${JOBS:-$(nproc)}"

scripts/install-deps.sh

# clang and libFuzzer (libclang_rt.fuzzer-x86_64.a is in libclang-rt-14-dev on Debian 12).
FUZZ_PACKAGES=(clang libclang-rt-14-dev)
missing=()
for p in "${FUZZ_PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	echo "installing: ${missing[*]}" >&2
	$SUDO apt-get update
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

ALL_TARGETS=(
	TemplateRendererFuzz PayloadParserFuzz HMACHeaderFuzz HookFileFuzz
	FrameDecoderFuzz ClaudeOutputFuzz CodexOutputFuzz GeminiOutputFuzz
)
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${ALL_TARGETS[@]}")

# Tests and the binaries are not needed: build only the fuzz targets (and the
# libraries they link), all instrumented for coverage, ASan and UBSan.
cmake -S . -B "$BUILD_DIR" -DCMAKE_CXX_COMPILER=clang++ \
	-DSYGEN_FUZZ=ON -DSYGEN_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS" --target "${TARGETS[@]}"

# Poco is not instrumented; leaks are not checked here (the ASan test run does),
# since a fuzzer that leaks a little per input would report noise, not bugs.
export ASAN_OPTIONS="halt_on_error=1:print_stacktrace=1:detect_leaks=0:allocator_may_return_null=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

mkdir -p "$BUILD_DIR/artifacts"
failed=()
for target in "${TARGETS[@]}"; do
	seeds="$ROOT/fuzz/corpus/$target"
	work="$BUILD_DIR/corpus/$target"
	[ -d "$seeds" ] || { echo "fuzz.sh: no seed corpus $seeds" >&2; exit 1; }
	mkdir -p "$work"
	echo "=== $target: ${FUZZ_SECONDS}s" >&2
	# New inputs go to the first corpus directory (the scratch one); the seeds stay as committed.
	if ! "$BUILD_DIR/fuzz/$target" "$work" "$seeds" \
		-max_total_time="$FUZZ_SECONDS" -timeout=5 -rss_limit_mb=2048 -max_len=8192 \
		-artifact_prefix="$BUILD_DIR/artifacts/$target-" -print_final_stats=1 \
		>"$BUILD_DIR/artifacts/$target.log" 2>&1; then
		tail -n 60 "$BUILD_DIR/artifacts/$target.log" >&2
		failed+=("$target")
	else
		grep -E "^(stat::number_of_executed_units|stat::new_units_added)|^Done " "$BUILD_DIR/artifacts/$target.log" >&2 || true
	fi
done

if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz.sh: FAILED: ${failed[*]} (inputs in $BUILD_DIR/artifacts/)" >&2
	exit 1
fi
echo "fuzz.sh: ${#TARGETS[@]} target(s) ran ${FUZZ_SECONDS}s each without a crash" >&2
