#!/usr/bin/env bash
# Builds the .deb and .rpm packages into ./build-pkg (or $PKG_BUILD_DIR): a
# Release build installed under /usr, without the test suites, packed by CPack.
# Not $BUILD_DIR: that is the test build, whose cache this would change (tests
# off, prefix /usr).
# Installs what packaging needs (rpm provides rpmbuild; dpkg-dev dpkg-shlibdeps;
# lintian for scripts/package-test.sh) when it is missing.
# Extra arguments go to cmake. Prints the paths of the two packages on its last
# two lines.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${PKG_BUILD_DIR:-build-pkg}"

scripts/install-deps.sh

PACKAGES=(rpm lintian dpkg-dev file fakeroot gzip)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "installing: ${missing[*]}" >&2
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Debian's hardening flags (stack protector, _FORTIFY_SOURCE, relro, bindnow),
# as a package built by debhelper would get them.
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
CXXFLAGS_PKG="$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CXXFLAGS)"
LDFLAGS_PKG="$(dpkg-buildflags --get LDFLAGS)"

cmake -S . -B "$BUILD_DIR" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS="$CXXFLAGS_PKG" \
    -DCMAKE_EXE_LINKER_FLAGS="$LDFLAGS_PKG" \
    -DCMAKE_INSTALL_PREFIX=/usr \
    -DSYGEN_BUILD_TESTS=OFF "$@" >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"

rm -f "$BUILD_DIR"/sygen-webhook_*.deb "$BUILD_DIR"/sygen-webhook-*.rpm
(cd "$BUILD_DIR" && cpack -G "DEB;RPM" >cpack.log 2>&1) || {
    cat "$BUILD_DIR/cpack.log" >&2
    exit 1
}

deb=$(ls "$BUILD_DIR"/sygen-webhook_*.deb)
rpm=$(ls "$BUILD_DIR"/sygen-webhook-*.rpm)
echo "$(realpath "$deb")"
echo "$(realpath "$rpm")"
