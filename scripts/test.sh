#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
scripts/install-realcli.sh
# Where npm is (install-deps.sh installs it) the CLIs were just installed: the realcli
# suite must run them, not skip.
if command -v npm >/dev/null; then export SYGEN_REALCLI_REQUIRED=1; fi
# -LE package: the tests of the built packages run in the package test below.
(cd "${BUILD_DIR:-build}" && ctest --output-on-failure -j "$(nproc)" -LE package)
# Packages: build the .deb and .rpm, lint, install, smoke-test, purge (needs root and
# apt), then ctest -L package: the .deb under a real systemd in systemd-nspawn.
scripts/package-test.sh

# The long checks (docs/TESTING.md): the whole suite under ASan+UBSan and under TSan,
# then every fuzz target for FUZZ_SECONDS (default 30 s). CI sets CI=true; locally
# they run with SYGEN_FULL_CHECKS=1, or one by one: scripts/sanitize.sh, scripts/fuzz.sh.
if [ "${CI:-}" = true ] || [ "${SYGEN_FULL_CHECKS:-}" = 1 ]; then
	scripts/sanitize.sh address
	scripts/sanitize.sh thread
	scripts/fuzz.sh
fi
