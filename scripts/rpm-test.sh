#!/usr/bin/env bash
# The .rpm for RPM distributions (RHEL 9, Rocky/Alma 9, Fedora 36 and newer),
# checked from this Debian machine: no RPM distribution is reachable here.
#
#   scripts/rpm-test.sh PACKAGE.rpm
#
#   1. rpm -qp --requires: the shared libraries are only glibc's, OpenSSL 3's,
#      libsystemd's and libpq's (no Poco, no libstdc++, no libgcc_s), and every symbol
#      version is within the floor: GLIBC 2.34, OPENSSL 3.0.0, LIBSYSTEMD 250;
#   2. objdump -p / -T on the packaged binaries says the same (NEEDED entries,
#      symbol versions; no GLIBCXX, CXXABI or GCC versions);
#   3. the .rpm unpacked (rpm2cpio) into an overlay of a base Debian root with
#      no Poco (scripts/debian-root.sh: debootstrap minbase; glibc, OpenSSL 3,
#      libsystemd, libpq) and run there in a chroot: the loader's list of the
#      libraries it loads, --version of the four binaries, --check-config on the
#      shipped config, and --check-config on a broken one (a C++ exception
#      thrown and caught through the statically linked unwinder).
# The base root has glibc 2.36, not 2.34: that the binaries need no more than
# 2.34 is shown by 1 and 2, not by running them on an older glibc.
# Needs root (overlay mount, chroot). Skips step 3 with a message where the
# root cannot be made or mounted. Prints "N passed, N failed"; exits 1 when a
# check failed.
set -uo pipefail
cd "$(dirname "$0")/.."

rpm="${1:?usage: rpm-test.sh PACKAGE.rpm}"
rpm="$(realpath "$rpm")"
GLIBC_FLOOR=2.34
OPENSSL_FLOOR=3.0.0
LIBSYSTEMD_FLOOR=250
# libpq.so.5: the cluster backend's PostgreSQL client, shared like OpenSSL (RHEL 9 and
# Fedora ship it as libpq; its symbols are unversioned in our link, so any libpq 5 serves).
ALLOWED_LIBS="libc.so.6 libm.so.6 ld-linux-x86-64.so.2 libssl.so.3 libcrypto.so.3 libsystemd.so.0 libpq.so.5"
BINARIES="sygen-webhookd sygen-webhook-worker sygen-webhook-deliver sygen-webhookctl"

passed=0
failed=0
pass() { echo "ok   $1"; passed=$((passed + 1)); }
failcheck() { echo "FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/     /'; failed=$((failed + 1)); }
check() { # check DESCRIPTION COMMAND...
    local what="$1"; shift
    local out
    if out=$("$@" 2>&1); then pass "$what"; else failcheck "$what" "$out"; fi
}
finish() {
    echo "rpm-test: $passed passed, $failed failed"
    [ "$failed" = 0 ]
    exit $?
}

tmp=$(mktemp -d)
merged=""
cleanup() {
    set +e
    if [ -n "$merged" ]; then
        mountpoint -q "$merged/proc" && umount "$merged/proc"
        mountpoint -q "$merged" && umount "$merged"
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# version_at_most VERSION FLOOR
version_at_most() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | tail -n 1)" = "$2" ]; }

# over_floor FILE: the versioned names in FILE (one a line, like
# libc.so.6(GLIBC_2.34)(64bit) or GLIBC_2.34) beyond their floor, or of a kind
# that must not be there at all.
over_floor() {
    local v
    grep -oE '(GLIBC|OPENSSL|LIBSYSTEMD|GLIBCXX|CXXABI|GCC)_[0-9][0-9.]*' "$1" | sort -u | while read -r v; do
        case "$v" in
            GLIBC_*) version_at_most "${v#GLIBC_}" "$GLIBC_FLOOR" || echo "$v (floor GLIBC_$GLIBC_FLOOR)" ;;
            OPENSSL_*) version_at_most "${v#OPENSSL_}" "$OPENSSL_FLOOR" || echo "$v (floor OPENSSL_$OPENSSL_FLOOR)" ;;
            LIBSYSTEMD_*) version_at_most "${v#LIBSYSTEMD_}" "$LIBSYSTEMD_FLOOR" || echo "$v (floor LIBSYSTEMD_$LIBSYSTEMD_FLOOR)" ;;
            *) echo "$v (C++ or GCC runtime: must be linked statically)" ;;
        esac
    done
}

# unlisted_libs FILE: the sonames in FILE that are not in ALLOWED_LIBS.
unlisted_libs() {
    local lib
    grep -oE '^(lib|ld-)[^ ()]*\.so[^ ()]*' "$1" | sort -u | while read -r lib; do
        case " $ALLOWED_LIBS " in *" $lib "*) ;; *) echo "$lib" ;; esac
    done
}

echo "== rpm -qp --requires"
rpm -qp --requires "$rpm" >"$tmp/requires" || { failcheck "rpm -qp --requires" "$(cat "$tmp/requires")"; finish; }
cat "$tmp/requires"
check "requires only glibc, OpenSSL 3, libsystemd and libpq among shared libraries" \
    test -z "$(unlisted_libs "$tmp/requires")"
check "requires no symbol version beyond GLIBC_$GLIBC_FLOOR, OPENSSL_$OPENSSL_FLOOR, LIBSYSTEMD_$LIBSYSTEMD_FLOOR" \
    test -z "$(over_floor "$tmp/requires")"
check "requires names no Poco library" sh -c "! grep -qi poco '$tmp/requires'"
# The checks above would pass on an empty list: the list must have the glibc floor's kind of entry.
check "requires lists libc.so.6 with a GLIBC version" grep -qE '^libc\.so\.6\(GLIBC_[0-9.]+\)' "$tmp/requires"

echo "== the packaged binaries (objdump)"
mkdir -p "$tmp/files"
(cd "$tmp/files" && rpm2cpio "$rpm" | cpio -idm --quiet) || { failcheck "rpm2cpio | cpio"; finish; }
for b in $BINARIES; do
    f="$tmp/files/usr/bin/$b"
    if [ ! -x "$f" ]; then failcheck "$b in the .rpm"; continue; fi
    objdump -p "$f" | awk '$1 == "NEEDED" {print $2}' >"$tmp/$b.needed"
    objdump -T "$f" >"$tmp/$b.symbols"
    check "$b: NEEDED only $(tr '\n' ' ' <"$tmp/$b.needed")" test -z "$(unlisted_libs "$tmp/$b.needed")"
    check "$b: symbol versions within the floor (newest GLIBC: $(grep -oE 'GLIBC_[0-9.]+' "$tmp/$b.symbols" | sort -uV | tail -n 1))" \
        test -z "$(over_floor "$tmp/$b.symbols")"
done

echo "== unpacked into a base Debian root with no Poco, run in a chroot"
if ! root=$(scripts/debian-root.sh); then
    echo "rpm-test: SKIPPED the chroot checks: no base root (scripts/debian-root.sh)"
    finish
fi
mkdir -p "$tmp/upper" "$tmp/work" "$tmp/merged"
if ! mount -t overlay overlay -o "lowerdir=$root,upperdir=$tmp/upper,workdir=$tmp/work" "$tmp/merged" 2>"$tmp/mount.log"; then
    echo "rpm-test: SKIPPED the chroot checks: cannot mount an overlay here ($(cat "$tmp/mount.log"))"
    finish
fi
merged="$tmp/merged"
check "the base root has no Poco library" \
    sh -c "! find '$merged/usr/lib' '$merged/lib' -name 'libPoco*' 2>/dev/null | grep -q ."
(cd "$merged" && rpm2cpio "$rpm" | cpio -idm --quiet) || { failcheck "rpm2cpio into the root"; finish; }
mount -t proc proc "$merged/proc"
inroot() { chroot "$merged" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

inroot env LD_TRACE_LOADED_OBJECTS=1 /usr/bin/sygen-webhookd >"$tmp/loaded" 2>&1
cat "$tmp/loaded"
check "sygen-webhookd loads no Poco, libstdc++ or libgcc_s, and finds every library" \
    sh -c "! grep -qiE 'poco|libstdc\\+\\+|libgcc_s|not found' '$tmp/loaded' && grep -q 'libc.so.6' '$tmp/loaded'"
version=$(sed -n 's/^project(sygen-webhook VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
for b in $BINARIES; do
    out=$(inroot "/usr/bin/$b" --version 2>&1)
    case "$out" in *"$version"*) pass "$b --version in the root: $out" ;; *) failcheck "$b --version in the root" "$out" ;; esac
done
inroot mkdir -p /var/lib/sygen-webhook
check "sygen-webhookd --check-config on the shipped config in the root" \
    inroot /usr/bin/sygen-webhookd --check-config --home /var/lib/sygen-webhook --config /etc/sygen-webhook/config.json
printf '{"webhooks": {"enabled": true, "port": "not a port"' >"$merged/tmp/broken.json"
out=$(inroot /usr/bin/sygen-webhookd --check-config --home /var/lib/sygen-webhook --config /tmp/broken.json 2>&1)
rc=$?
echo "$out" | sed 's/^/     /'
# The config reader throws (Poco's JSON parser, then its own ConfigError) and
# main() reports it: exit 78 (EX_CONFIG), not std::terminate's abort (134).
if [ "$rc" = 78 ] && printf '%s' "$out" | grep -q 'broken.json: invalid JSON' \
    && ! printf '%s' "$out" | grep -q 'terminate called'; then
    pass "--check-config on a broken config: exit 78 with its error (an exception thrown and caught)"
else
    failcheck "--check-config on a broken config: exit $rc, expected 78 and 'invalid JSON'" "$out"
fi
finish
