#!/usr/bin/env bash
# Installs the Debian 12 packages needed to build, test and package sygen-webhook.
# Idempotent: does nothing when everything is already there.
# prometheus: its promtool checks the shipped alerting rules (tests/monitoring).
# clang-format-14: structure/clang-format checks the sources against .clang-format.
# libhowardhinnant-date-dev: date/tz on the system tz database, the worker's time zones.
set -euo pipefail

PACKAGES=(
    build-essential cmake pkg-config
    libpoco-dev libcppunit-dev libsystemd-dev libssl-dev libhowardhinnant-date-dev
    libpq-dev postgresql-15
    curl ca-certificates
    prometheus
    clang-format-14
)

# node and npm for the real CLIs of the realcli tests (scripts/install-realcli.sh):
# Debian's, unless some node with npm is already installed.
command -v npm >/dev/null || PACKAGES+=(nodejs npm)

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing: ${missing[*]}" >&2
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
