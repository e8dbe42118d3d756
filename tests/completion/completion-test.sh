#!/usr/bin/env bash
# The bash completion of sygen-webhookctl, sourced in bash and asked as bash
# would ask it (COMP_WORDS, COMP_CWORD).
#   completion-test.sh COMPLETION_FILE SYGEN_WEBHOOKCTL
set -uo pipefail
completion=$1
ctl=$2
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export SYGEN_HOME=$home HOME=$home

# shellcheck source=/dev/null
source "$completion"
complete -p sygen-webhookctl >/dev/null || { echo "FAIL: no completion registered for sygen-webhookctl"; exit 1; }

failed=0
expect() { # expect "EXPECTED WORDS" WORD...: the completions of the line WORD...
    local expected=$1; shift
    COMP_WORDS=("$ctl" "$@")
    COMP_CWORD=$#
    COMPREPLY=()
    _sygen_webhookctl
    local got="${COMPREPLY[*]}"
    if [ "$got" = "$expected" ]; then
        echo "ok   sygen-webhookctl $* -> $got"
    else
        echo "FAIL sygen-webhookctl $*: expected '$expected', got '$got'"
        failed=1
    fi
}

expect "db hooks jobs reload token workers" ""
expect "list show add edit remove rotate-token test export import" hooks ""
expect "status" db ""
expect "--output" hooks export --out
expect "restart" workers r
expect "workers" --json wo
expect "--mode --model" hooks add x --mo
expect "--json" jobs list --js

"$ctl" hooks add nightly-report --mode wake --prompt x >/dev/null 2>&1 || { echo "FAIL: hooks add"; exit 1; }
expect "nightly-report" hooks show ""
expect "" hooks list ""
touch "$home/hooks-export.json"
expect "$home/hooks-export.json" hooks import "$home/hooks-ex"
expect "$home/hooks-export.json" hooks export --output "$home/hooks-ex"
exit $failed
