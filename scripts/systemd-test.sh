#!/usr/bin/env bash
# The .deb under a real systemd: boots systemd as PID 1 in systemd-nspawn on a
# minimal Debian 12 root, installs the package there with apt and checks the
# service as an operator would use it (see the checks below, in order).
#
#   scripts/systemd-test.sh PACKAGE.deb FAKE_CLI
#
# FAKE_CLI is the build's tests/fakecli/claude: copied into the container as
# /usr/local/bin/claude (on the unit's PATH), so jobs run without a real CLI.
#
# The root is scripts/debian-root.sh's (debootstrap once, cached in
# /var/cache/sygen-webhook-test/); the container boots it with
# --volatile=overlay, so the cache is never changed. The container shares the host's
# network (apt inside it reaches the same mirror). Needs root. Skips (exit 0,
# with a message) where nspawn cannot boot a container. Prints
# "N passed, N failed" and exits 1 when a check failed.
set -uo pipefail
cd "$(dirname "$0")/.."

deb="${1:?usage: systemd-test.sh PACKAGE.deb FAKE_CLI}"
fakecli="${2:?usage: systemd-test.sh PACKAGE.deb FAKE_CLI}"
started=$(date +%s)

skip() { echo "systemd-test: SKIPPED: $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "needs root (systemd-nspawn)"

# What the test needs on the host.
missing=()
for p in systemd-container debootstrap; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}" >&2
    apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null \
        || skip "cannot install ${missing[*]}"
fi

root=$(scripts/debian-root.sh) || skip "no Debian root to boot (scripts/debian-root.sh)"

passed=0
failed=0
ct_pid=""
nspawn_pid=""
tmp=""
cleanup() {
    set +e
    if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
        kill -TERM "$nspawn_pid"
        for _ in $(seq 1 50); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$nspawn_pid" 2>/dev/null
        wait "$nspawn_pid" 2>/dev/null
    fi
    [ -n "$tmp" ] && rm -rf "$tmp"
}
trap cleanup EXIT

tmp=$(mktemp -d)
mkdir -p "$tmp/share"
cp "$deb" "$tmp/share/sygen-webhook.deb"
cp "$fakecli" "$tmp/share/claude"

# --boot: systemd as PID 1; --register=no/--keep-unit: no machined, no systemd on
# the host; --volatile=overlay: writes go to a tmpfs over the cached root.
systemd-nspawn --boot --register=no --keep-unit --volatile=overlay --console=passive \
    -D "$root" --bind-ro="$tmp/share:/share" --machine="sygen-test-$$" \
    >"$tmp/nspawn.log" 2>&1 &
nspawn_pid=$!
for _ in $(seq 1 100); do
    for c in $(pgrep -P "$nspawn_pid"); do
        [ "$(cat "/proc/$c/comm" 2>/dev/null)" = systemd ] && ct_pid=$c
    done
    [ -n "$ct_pid" ] && break
    kill -0 "$nspawn_pid" 2>/dev/null || break
    sleep 0.2
done
[ -n "$ct_pid" ] || { cat "$tmp/nspawn.log"; skip "systemd-nspawn cannot boot a container here"; }

ct() { # a command in the container, as root, with a clean environment
    nsenter -t "$ct_pid" -a -r -w -- env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 "$@"
}
# systemctl talks to /run/systemd/private, which exists once systemd is up.
for _ in $(seq 1 300); do ct test -S /run/systemd/private 2>/dev/null && break; sleep 0.2; done
state=$(ct timeout 90 systemctl is-system-running --wait 2>&1)
echo "systemd-test: container booted ($state) after $(( $(date +%s) - started )) s"
case "$state" in running|degraded) ;; *) cat "$tmp/nspawn.log"; skip "systemd in the container did not come up ($state)" ;; esac

pass() { echo "ok   $1"; passed=$((passed + 1)); }
failcheck() { echo "FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/     /'; failed=$((failed + 1)); }
check() { # check DESCRIPTION COMMAND... (the command runs on the host; use ct inside)
    local what="$1"; shift
    local out
    if out=$("$@" 2>&1); then pass "$what"; else failcheck "$what" "$out"; fi
}
waitfor() { # waitfor SECONDS COMMAND...: until the command succeeds
    local n=$(( $1 * 5 )); shift
    for _ in $(seq 1 "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
    return 1
}
not() { ! "$@"; }
has() { # has TEXT PATTERN: a line of TEXT starts with PATTERN (after spaces)
    # A here-string, not a pipe: with pipefail, grep -q's early exit would fail
    # the writer with SIGPIPE.
    grep -q "^ *$2" <<<"$1"
}
mainpid() { ct systemctl show -P MainPID sygen-webhookd; }
nrestarts() { ct systemctl show -P NRestarts sygen-webhookd; }
worker_pid() { # worker_pid N
    ct sygen-webhookctl workers list | awk -v id="$1" '$1 == id {print $2}'
}
job_status() { # job_status JOB_ID
    ct curl -sS "http://127.0.0.1:8742/jobs/$1" -H "Authorization: Bearer $token" \
        | sed -n 's/.*"status" *: *"\([^"]*\)".*/\1/p'
}
job_done() { case "$(job_status "$1")" in ""|queued|running) return 1 ;; *) return 0 ;; esac; }
fire() { # fire BODY: POST /hooks/smoke, prints the job id
    ct curl -sS -X POST http://127.0.0.1:8742/hooks/smoke -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/json' --data "$1" | sed -n 's/.*"job_id" *: *"\([^"]*\)".*/\1/p'
}
control() { # control JSON: the fake CLI's instructions for the next jobs
    ct sh -c "printf '%s' '$1' > /var/lib/sygen-webhook/workspace/cron_tasks/smoke/fakecli.json \
        && chown sygen-webhook: /var/lib/sygen-webhook/workspace/cron_tasks/smoke/fakecli.json"
}

echo
echo "== install the .deb with apt (dependencies from the mirror)"
ct install -m 0755 /share/claude /usr/local/bin/claude
if ct sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends /share/sygen-webhook.deb' >"$tmp/apt.log" 2>&1; then
    pass "apt-get install of the .deb"
else
    failcheck "apt-get install of the .deb" "$(tail -n 20 "$tmp/apt.log")"
    echo "systemd-test: $passed passed, $failed failed"
    exit 1
fi

echo
echo "== the unit"
waitfor 30 ct systemctl is-active sygen-webhookd
check "sygen-webhookd.service is active" ct systemctl is-active sygen-webhookd
status_text=$(ct systemctl show -P StatusText sygen-webhookd)
echo "     StatusText: $status_text"
check "the unit has its status text" test -n "$status_text"

echo
echo "== a hook added with the ctl (no flags), fired with curl"
add_out=$(ct sygen-webhookctl hooks add smoke --mode cron_task --prompt 'event {{event}}' --task-folder smoke 2>&1)
token=$(printf '%s\n' "$add_out" | awk '/token \(shown once/ {getline; print; exit}')
echo "$add_out" | grep -v -- "$token"
check "sygen-webhookctl hooks add (no flags): added, with a token" test "${#token}" -eq 43
control '{"result": "done"}'
job=$(fire '{"event":"first"}')
check "POST /hooks/smoke accepted ($job)" test -n "$job"
waitfor 60 job_done "$job"
check "the job ran the fake CLI: $(job_status "$job")" test "$(job_status "$job")" = success
svc_uid=$(ct id -u sygen-webhook)
rec_uid=$(ct sed -n 's/.*"uid" *: *\([0-9]*\).*/\1/p' /var/lib/sygen-webhook/workspace/cron_tasks/smoke/fakecli-record.json)
check "the CLI ran as the service user (uid $rec_uid = $svc_uid)" test -n "$rec_uid" -a "$rec_uid" = "$svc_uid"

echo
echo "== journald"
entries=$(ct journalctl -u sygen-webhookd "JOB_ID=$job" -o verbose --no-pager)
for field in HOOK_ID=smoke "JOB_ID=$job" WORKER_ID= STATUS=success; do
    check "the job's journal entries carry $field" has "$entries" "$field"
done
if ! has "$entries" "JOB_ID=$job"; then
    echo "     (no entry with JOB_ID=$job; the unit's last entries:)"
    ct journalctl -u sygen-webhookd -o verbose --no-pager -n 12 | grep -E '^ *(JOB_ID|HOOK_ID|WORKER_ID|STATUS|MESSAGE|SYSLOG_IDENTIFIER)=' | sed 's/^/     /'
fi

echo
echo "== workers restart 1 replaces one worker only"
w1=$(worker_pid 1); w2=$(worker_pid 2)
ct sygen-webhookctl workers restart 1 >/dev/null
new_w1() { local p; p=$(worker_pid 1); [ -n "$p" ] && [ "$p" != - ] && [ "$p" != "$w1" ]; }
waitfor 30 new_w1
check "worker 1 has a new process ($w1 -> $(worker_pid 1))" new_w1
check "worker 2 kept its process ($w2)" test "$(worker_pid 2)" = "$w2"

echo
echo "== systemctl reload"
pid=$(mainpid)
ct systemctl reload sygen-webhookd
reloaded() { has "$(ct journalctl -u sygen-webhookd --no-pager -o cat)" 'SIGHUP: reloading hooks'; }
waitfor 10 reloaded
check "systemctl reload re-reads the hooks (journal: SIGHUP: reloading hooks)" reloaded
check "the supervisor kept running through the reload" test "$(mainpid)" = "$pid"

echo
echo "== systemctl kill -s KILL: restart, no accepted job lost"
control '{"result": "slow", "sleep": 4}'
job=$(fire '{"event":"killed"}')
restarts=$(nrestarts)
pid=$(mainpid)
ct systemctl kill -s KILL sygen-webhookd
restarted() { local p; p=$(mainpid); [ "$(nrestarts)" -gt "$restarts" ] && [ "$p" != 0 ] && [ "$p" != "$pid" ] \
    && ct systemctl is-active sygen-webhookd; }
waitfor 60 restarted
check "the unit restarted after SIGKILL" restarted
waitfor 60 job_done "$job"
check "the accepted job $job ended after the restart: $(job_status "$job")" job_done "$job"

echo
echo "== the watchdog restarts a stopped (SIGSTOP) supervisor"
ct mkdir -p /run/systemd/system/sygen-webhookd.service.d
ct sh -c 'printf "[Service]\nWatchdogSec=3s\n" > /run/systemd/system/sygen-webhookd.service.d/watchdog.conf'
ct systemctl daemon-reload
ct systemctl restart sygen-webhookd
waitfor 30 ct systemctl is-active sygen-webhookd
restarts=$(nrestarts)
pid=$(mainpid)
ct kill -STOP "$pid"
waitfor 60 restarted
check "watchdog: SIGSTOPped supervisor $pid killed and restarted" restarted
ct rm -f /run/systemd/system/sygen-webhookd.service.d/watchdog.conf
ct systemctl daemon-reload

echo
echo "== systemctl stop drains"
waitfor 30 ct systemctl is-active sygen-webhookd
control '{"result": "drained", "sleep": 3}'
job=$(fire '{"event":"drain"}')
running() { test "$(job_status "$job")" = running; }
waitfor 20 running
ct systemctl stop sygen-webhookd
# By the message text: the job's structured fields are checked under "journald".
drained() { has "$(ct journalctl -u sygen-webhookd -o cat --no-pager)" "job $job of hook smoke finished: success"; }
check "the running job finished before the stop ended (journal: finished: success)" drained
check "the unit is inactive (not failed) after stop" test "$(ct systemctl is-active sygen-webhookd)" = inactive

echo
echo "== reinstall keeps config and hooks"
ct sed -i 's/"workers": 2/"workers": 3/' /etc/sygen-webhook/config.json
ct sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --reinstall /share/sygen-webhook.deb' >"$tmp/reinstall.log" 2>&1
check "apt-get install --reinstall" ct dpkg-query -W sygen-webhook
check "the edited config was kept" ct grep -q '"workers": 3' /etc/sygen-webhook/config.json
waitfor 30 ct systemctl is-active sygen-webhookd
check "the hooks were kept" has "$(ct sygen-webhookctl hooks list)" smoke
check "the unit runs again after the reinstall" ct systemctl is-active sygen-webhookd

echo
echo "== purge (Debian policy: config and state removed, the system user stays)"
ct sh -c 'DEBIAN_FRONTEND=noninteractive apt-get purge -y -q sygen-webhook' >"$tmp/purge.log" 2>&1
check "purged" not ct dpkg-query -W sygen-webhook
for f in /etc/sygen-webhook /var/lib/sygen-webhook /usr/bin/sygen-webhookd /etc/systemd/system/multi-user.target.wants/sygen-webhookd.service; do
    check "$f removed" not ct test -e "$f"
done
check "the unit is not active" not ct systemctl is-active sygen-webhookd
check "the system user stays" ct id sygen-webhook

echo
echo "systemd-test: $passed passed, $failed failed ($(( $(date +%s) - started )) s)"
[ "$failed" -eq 0 ]
