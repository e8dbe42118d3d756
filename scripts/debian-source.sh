#!/usr/bin/env bash
# Fetches a Debian source package and unpacks it with Debian's patches applied:
#
#     scripts/debian-source.sh PACKAGE VERSION WORKDIR
#
# leaves the tree in WORKDIR/src (logs and apt's files beside it). Used by the
# static builds of the .rpm's libraries (scripts/build-static-poco.sh,
# scripts/build-static-date.sh).
#
# The source comes with `apt-get source` through a private apt configuration
# (sources, lists and cache in WORKDIR): deb-src entries made from the host's
# own Debian deb entries. The host's apt configuration is left alone.
set -euo pipefail

[ $# -eq 3 ] || { echo "usage: $0 PACKAGE VERSION WORKDIR" >&2; exit 2; }
source_pkg="$1"
source_ver="$2"
work="$3"

log() { echo "debian-source: $*" >&2; }
die() { log "$*"; exit 1; }

# deb-src twins of the host's Debian entries: those of this release's suites
# (bookworm, bookworm-updates, bookworm-security), in both source formats.
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}")
apt_dir="$work/apt"
mkdir -p "$apt_dir/parts" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v rel="$codename" 'BEGIN { RS = ""; ORS = "\n\n" }
        /(^|\n)Types:[^\n]*deb/ && match($0, /(^|\n)Suites:[^\n]*/) {
            suites = substr($0, RSTART, RLENGTH)
            if (suites !~ ("[ \t]" rel "([ \t-]|$)")) next
            if ($0 ~ /(^|\n)Enabled:[ \t]*no/) next
            sub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src")
            print
        }' "$f" >>"$apt_dir/parts/debian-src.sources"
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v rel="$codename" '$1 == "deb" {
            i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
            if ($(i + 1) == rel || index($(i + 1), rel "-") == 1) { $1 = "deb-src"; print }
        }' "$f" >>"$apt_dir/parts/debian-src.list"
done
[ -s "$apt_dir/parts/debian-src.sources" ] || [ -s "$apt_dir/parts/debian-src.list" ] \
    || die "no deb entry for $codename in the host's apt sources: cannot fetch the $source_pkg source"
APT_OPTS=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt_dir/parts"
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache")
# apt's _apt user cannot write into a private folder under the cache.
[ "$(id -u)" -eq 0 ] && APT_OPTS+=(-o APT::Sandbox::User=root)
apt-get "${APT_OPTS[@]}" update >"$work/apt-update.log" 2>&1 \
    || log "apt-get update reported errors (going on: the source may still be listed)"
(cd "$work" && apt-get "${APT_OPTS[@]}" source --download-only "$source_pkg=$source_ver" >"$work/apt-source.log" 2>&1) \
    || { cat "$work/apt-update.log" "$work/apt-source.log" >&2; die "apt-get source $source_pkg=$source_ver failed"; }
# apt checked the files against the signed Sources index; Debian's patches applied.
(cd "$work" && dpkg-source --no-check -x "${source_pkg}_${source_ver#*:}.dsc" src >"$work/dpkg-source.log" 2>&1) \
    || { cat "$work/dpkg-source.log" >&2; die "dpkg-source -x failed"; }
