#!/usr/bin/env bash
# Builds the static date-tz library (Howard Hinnant's date/tz) the .rpm links
# (scripts/package.sh), from Debian's own source package at the version of the
# installed libhowardhinnant-date-dev, and prints the install prefix on its last
# line (for CMAKE_PREFIX_PATH).
#
# With the options Debian's shared libdate-tz.so.3 is built with (debian/rules):
# the operating system's tz database (USE_SYSTEM_TZ_DB: /usr/share/zoneinfo, no
# download code), the C locale only; static and position-independent, with
# Debian's hardening flags but no debug info, as the static Poco.
#
# The result is cached in $SYGEN_BUILD_CACHE (default
# /var/cache/sygen-webhook-build), keyed by the source version, the options,
# the flags and the compiler, so repeated runs on one machine build it once. A
# lock keeps concurrent runs from building it twice. As another user than root,
# point $SYGEN_BUILD_CACHE to a folder of yours. The source comes through
# scripts/debian-source.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${SYGEN_BUILD_CACHE:-/var/cache/sygen-webhook-build}"

log() { echo "build-static-date: $*" >&2; }
die() { log "$*"; exit 1; }

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
missing=()
for p in libhowardhinnant-date-dev dpkg-dev cmake; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing: ${missing[*]}"
    $SUDO apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
fi

source_pkg=$(dpkg-query -W -f='${source:Package}' libhowardhinnant-date-dev)
source_ver=$(dpkg-query -W -f='${source:Version}' libhowardhinnant-date-dev)

export DEB_BUILD_MAINT_OPTIONS=hardening=+all
# Without -g and without the -ffile-prefix-map of the current folder that
# dpkg-buildflags adds: that would make the key differ per clone.
nodebug() { sed -E -e 's/(^| )-g[0-9]?( |$)/ /g' -e 's/(^| )-f(file|debug)-prefix-map=[^ ]*/ /g'; }
CXXFLAGS_DATE="$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CXXFLAGS | nodebug) -fPIC"
OPTIONS=(-DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DBUILD_TZ_LIB=ON
    -DUSE_SYSTEM_TZ_DB=ON -DCOMPILE_WITH_C_LOCALE=ON -DENABLE_DATE_TESTING=OFF
    -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DCMAKE_INSTALL_LIBDIR=lib)

key=$(printf '%s\n' "$source_pkg $source_ver" "${OPTIONS[*]}" "$CXXFLAGS_DATE" "$(c++ --version | head -n 1)" \
    | sha256sum | cut -c1-12)
prefix="$CACHE/date-$source_ver-$key"

mkdir -p "$CACHE"
exec 9>"$CACHE/date.lock"
flock 9
if [ -f "$prefix/.complete" ]; then
    log "cached: $prefix"
    echo "$prefix"
    exit 0
fi

started=$(date +%s)
work=$(mktemp -d "$CACHE/partial.XXXXXX")
trap 'rm -rf "$work"' EXIT
log "building date-tz $source_ver into $prefix"
scripts/debian-source.sh "$source_pkg" "$source_ver" "$work"

# No compiler launcher from the caller's environment: the cache is the result.
env -u CMAKE_CXX_COMPILER_LAUNCHER -u CMAKE_C_COMPILER_LAUNCHER \
    cmake -S "$work/src" -B "$work/build" "${OPTIONS[@]}" \
    -DCMAKE_CXX_FLAGS="$CXXFLAGS_DATE" \
    -DCMAKE_INSTALL_PREFIX="$work/prefix" >"$work/configure.log" 2>&1 \
    || { cat "$work/configure.log" >&2; die "configuring date failed"; }
cmake --build "$work/build" -j "$(nproc)" >"$work/build.log" 2>&1 \
    || { tail -n 50 "$work/build.log" >&2; die "building date failed"; }
cmake --install "$work/build" >"$work/install.log" 2>&1 \
    || { cat "$work/install.log" >&2; die "installing date failed"; }
[ -f "$work/prefix/lib/libdate-tz.a" ] || die "no libdate-tz.a after the build"

# date's CMake package files locate the library relative to themselves, so the
# prefix can move into place. Older builds of other keys are removed.
printf 'date-tz from Debian source %s %s, built in %d s\n' "$source_pkg" "$source_ver" \
    "$(( $(date +%s) - started ))" >"$work/prefix/.complete"
rm -rf "$prefix"
mv "$work/prefix" "$prefix"
for old in "$CACHE"/date-*; do
    [ "$old" = "$prefix" ] || rm -rf "$old"
done
log "built in $(( $(date +%s) - started )) s: $prefix"
echo "$prefix"
