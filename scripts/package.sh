#!/usr/bin/env bash
# Builds the .deb and .rpm packages: Release builds installed under /usr,
# without the test suites, packed by CPack.
#   .deb in ./build-pkg (or $PKG_BUILD_DIR): linked against Debian's shared
#        Poco, OpenSSL and C++ runtime (dpkg-shlibdeps names them);
#   .rpm in ./build-rpm (or $PKG_RPM_BUILD_DIR): SYGEN_PORTABLE, for RPM
#        distributions with glibc 2.34 or newer: Poco static (built from Debian's
#        Poco source by scripts/build-static-poco.sh, cached), date-tz static
#        (scripts/build-static-date.sh, likewise), libstdc++ and libgcc static;
#        only glibc, OpenSSL 3, libsystemd and libpq stay shared.
# Not $BUILD_DIR: that is the test build, whose cache this would change (tests
# off, prefix /usr).
# Installs what packaging needs (rpm provides rpmbuild; dpkg-dev dpkg-shlibdeps;
# lintian, rpm2cpio, cpio and binutils for scripts/package-test.sh) when it is
# missing.
# Extra arguments go to cmake. Prints the paths of the two packages on its last
# two lines.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${PKG_BUILD_DIR:-build-pkg}"
RPM_BUILD_DIR="${PKG_RPM_BUILD_DIR:-build-rpm}"

scripts/install-deps.sh

PACKAGES=(rpm rpm2cpio cpio binutils lintian dpkg-dev file fakeroot gzip)
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

configure_and_build() { # DIR CMAKE_ARGS...
    local dir="$1"; shift
    cmake -S . -B "$dir" \
        -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_CXX_FLAGS="$CXXFLAGS_PKG" \
        -DCMAKE_EXE_LINKER_FLAGS="$LDFLAGS_PKG" \
        -DCMAKE_INSTALL_PREFIX=/usr \
        -DSYGEN_BUILD_TESTS=OFF "$@" >/dev/null
    cmake --build "$dir" -j "$(nproc)"
}
pack() { # DIR GENERATOR
    (cd "$1" && cpack -G "$2" >cpack.log 2>&1) || {
        cat "$1/cpack.log" >&2
        exit 1
    }
}

configure_and_build "$BUILD_DIR" -DSYGEN_PORTABLE=OFF "$@"
rm -f "$BUILD_DIR"/sygen-webhook_*.deb "$BUILD_DIR"/sygen-webhook-*.rpm
pack "$BUILD_DIR" DEB

poco_static=$(scripts/build-static-poco.sh | tail -n 1)
date_static=$(scripts/build-static-date.sh | tail -n 1)
configure_and_build "$RPM_BUILD_DIR" -DSYGEN_PORTABLE=ON -DCMAKE_PREFIX_PATH="$poco_static;$date_static" "$@"
rm -f "$RPM_BUILD_DIR"/sygen-webhook-*.rpm
pack "$RPM_BUILD_DIR" RPM

deb=$(ls "$BUILD_DIR"/sygen-webhook_*.deb)
rpm=$(ls "$RPM_BUILD_DIR"/sygen-webhook-*.rpm)
echo "$(realpath "$deb")"
echo "$(realpath "$rpm")"
