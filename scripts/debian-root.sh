#!/usr/bin/env bash
# Prints the path of the tests' minimal Debian 12 root, made by
# `debootstrap --variant=minbase` with the packages below, and makes it when it
# is missing (about 75 s). Used read-only by
#   scripts/systemd-test.sh   boots it with systemd-nspawn --volatile=overlay;
#   scripts/package-test.sh   unpacks the .rpm into an overlay of it (a base
#                             system with glibc, OpenSSL 3, libsystemd and libpq, no Poco).
# Cached in /var/cache/sygen-webhook-test/ (keyed by suite, mirror and package
# list), under a lock, so repeated runs on one machine make it once. The mirror
# is the host's (its apt sources). Needs root. Exits 3 with a message on stderr
# when the root cannot be made here (callers skip then).
set -uo pipefail

SUITE=bookworm
INCLUDE=systemd,systemd-sysv,dbus,libpam-systemd,libnss-systemd,procps,curl,ca-certificates,libpq5
CACHE=/var/cache/sygen-webhook-test

cannot() { echo "debian-root: $*" >&2; exit 3; }
[ "$(id -u)" -eq 0 ] || cannot "needs root (debootstrap)"

# The host's Debian mirror: the first deb source that is not the security archive.
mirror=$( { grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}';
    grep -h '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}'; } \
    | grep -v -- '-security' | head -n 1)
[ -n "$mirror" ] || cannot "no Debian mirror in the host's apt sources"

key=$(printf '%s %s %s' "$SUITE" "$mirror" "$INCLUDE" | sha256sum | cut -c1-16)
root="$CACHE/root-$key"

mkdir -p "$CACHE"
exec 9>"$CACHE/root.lock"
flock 9
# The root is moved into place only once complete.
if [ -x "$root/bin/sh" ]; then
    echo "$root"
    exit 0
fi

if ! dpkg-query -W -f='${Status}' debootstrap 2>/dev/null | grep -q "install ok installed"; then
    echo "debian-root: installing debootstrap" >&2
    apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap >/dev/null \
        || cannot "cannot install debootstrap"
fi
echo "debian-root: making the Debian $SUITE root (debootstrap, mirror $mirror)" >&2
partial=$(mktemp -d "$CACHE/partial.XXXXXX")
trap 'rm -rf "$partial" "$partial.log"' EXIT
debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$partial" "$mirror" >"$partial.log" 2>&1 \
    || { tail -n 20 "$partial.log" >&2; cannot "debootstrap failed"; }
chmod 0755 "$partial"  # mktemp made it 0700: the root folder of a system
rm -rf "$root"
mv "$partial" "$root"
echo "$root"
