#!/usr/bin/env bash
# Builds the static Poco libraries the .rpm links (scripts/package.sh), from
# Debian's own Poco source package at the version of the installed libpoco-dev,
# and prints the install prefix on its last line (for CMAKE_PREFIX_PATH).
#
# Only the components CMakeLists.txt's find_package(Poco) names are built
# (Foundation, JSON, Util, Net, Crypto, NetSSL) and XML, which Poco 1.11's
# PocoUtilConfig.cmake requires; with Poco's bundled PCRE, zlib and expat,
# position-independent, with Debian's hardening flags but no debug info (the
# packaged binaries are stripped), against the system OpenSSL 3 (which stays a
# shared library: RHEL 9 and Fedora ship libssl.so.3 too).
#
# The result is cached in $SYGEN_BUILD_CACHE (default
# /var/cache/sygen-webhook-build), keyed by the source version, the options,
# the flags and the compiler, so repeated runs on one machine build it once. A
# lock keeps concurrent runs from building it twice. As another user than root,
# point $SYGEN_BUILD_CACHE to a folder of yours.
#
# The source comes through scripts/debian-source.sh (`apt-get source` with a
# private apt configuration; the host's is left alone).
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${SYGEN_BUILD_CACHE:-/var/cache/sygen-webhook-build}"
COMPONENTS=(FOUNDATION XML JSON UTIL NET CRYPTO NETSSL)
# Every other ENABLE_ option of Poco 1.11's CMakeLists.txt, off.
DISABLED=(ENCODINGS ENCODINGS_COMPILER MONGODB DATA DATA_SQLITE DATA_MYSQL
    DATA_POSTGRESQL DATA_ODBC REDIS PDF SEVENZIP ZIP CPPPARSER POCODOC PAGECOMPILER
    PAGECOMPILER_FILE2PAGE APACHECONNECTOR ACTIVERECORD ACTIVERECORD_COMPILER JWT
    NETSSL_WIN TESTS)

log() { echo "build-static-poco: $*" >&2; }
die() { log "$*"; exit 1; }

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
missing=()
for p in libpoco-dev dpkg-dev cmake libssl-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing: ${missing[*]}"
    $SUDO apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
fi

source_pkg=$(dpkg-query -W -f='${source:Package}' libpoco-dev)
source_ver=$(dpkg-query -W -f='${source:Version}' libpoco-dev)
upstream_ver=${source_ver%%-*}
upstream_ver=${upstream_ver#*:}

export DEB_BUILD_MAINT_OPTIONS=hardening=+all
# Without -g and without the -ffile-prefix-map of the current folder that
# dpkg-buildflags adds: that would make the key differ per clone.
nodebug() { sed -E -e 's/(^| )-g[0-9]?( |$)/ /g' -e 's/(^| )-f(file|debug)-prefix-map=[^ ]*/ /g'; }
CFLAGS_POCO="$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CFLAGS | nodebug) -fPIC"
CXXFLAGS_POCO="$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CXXFLAGS | nodebug) -fPIC"
OPTIONS=(-DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DPOCO_UNBUNDLED=OFF
    -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DCMAKE_INSTALL_LIBDIR=lib)
for c in "${COMPONENTS[@]}"; do OPTIONS+=("-DENABLE_$c=ON"); done
for c in "${DISABLED[@]}"; do OPTIONS+=("-DENABLE_$c=OFF"); done

key=$(printf '%s\n' "$source_pkg $source_ver" "${OPTIONS[*]}" "$CFLAGS_POCO" "$CXXFLAGS_POCO" \
    "$(c++ --version | head -n 1)" "$(dpkg-query -W -f='${Version}' libssl-dev)" \
    | sha256sum | cut -c1-12)
prefix="$CACHE/poco-$source_ver-$key"

mkdir -p "$CACHE"
exec 9>"$CACHE/poco.lock"
flock 9
if [ -f "$prefix/.complete" ]; then
    log "cached: $prefix"
    echo "$prefix"
    exit 0
fi

started=$(date +%s)
work=$(mktemp -d "$CACHE/partial.XXXXXX")
trap 'rm -rf "$work"' EXIT
log "building Poco $source_ver (${COMPONENTS[*]}) into $prefix"

scripts/debian-source.sh "$source_pkg" "$source_ver" "$work"

# No compiler launcher from the caller's environment: the cache is the result.
env -u CMAKE_CXX_COMPILER_LAUNCHER -u CMAKE_C_COMPILER_LAUNCHER \
    cmake -S "$work/src" -B "$work/build" "${OPTIONS[@]}" \
    -DCMAKE_C_FLAGS="$CFLAGS_POCO" -DCMAKE_CXX_FLAGS="$CXXFLAGS_POCO" \
    -DCMAKE_INSTALL_PREFIX="$work/prefix" >"$work/configure.log" 2>&1 \
    || { cat "$work/configure.log" >&2; die "configuring Poco failed"; }
cmake --build "$work/build" -j "$(nproc)" >"$work/build.log" 2>&1 \
    || { tail -n 50 "$work/build.log" >&2; die "building Poco failed"; }
cmake --install "$work/build" >"$work/install.log" 2>&1 \
    || { cat "$work/install.log" >&2; die "installing Poco failed"; }
for c in Foundation XML JSON Util Net Crypto NetSSL; do
    [ -f "$work/prefix/lib/libPoco$c.a" ] || die "no libPoco$c.a after the build"
done

# Poco's CMake package files locate the libraries relative to themselves, so the
# prefix can move into place. Older builds of other keys are removed.
printf 'Poco %s from Debian source %s %s, built in %d s\n' "$upstream_ver" "$source_pkg" "$source_ver" \
    "$(( $(date +%s) - started ))" >"$work/prefix/.complete"
rm -rf "$prefix"
mv "$work/prefix" "$prefix"
for old in "$CACHE"/poco-*; do
    [ "$old" = "$prefix" ] || rm -rf "$old"
done
log "built in $(( $(date +%s) - started )) s: $prefix"
echo "$prefix"
