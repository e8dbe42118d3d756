#!/usr/bin/env bash
# The .deb under a real systemd: boots systemd as PID 1 in systemd-nspawn on a
# minimal Debian 12 root, installs the package there with apt and checks the
# service as an operator would use it (see the checks below, in order).
#
#   scripts/systemd-test.sh FAKE_CLI [PACKAGE.deb]
#
# FAKE_CLI is the build's tests/fakecli/claude: copied into the container as
# /usr/local/bin/claude (on the unit's PATH), so jobs run without a real CLI.
# PACKAGE.deb defaults to $SYGEN_TEST_DEB. The ctest entry package/systemd runs
# this script (scripts/package-test.sh runs it with the .deb it built: ctest -L
# package, SYGEN_TEST_DEB set).
#
# The root is scripts/debian-root.sh's (debootstrap once, cached in
# /var/cache/sygen-webhook-test/); the container boots it with
# --volatile=overlay, so the cache is never changed. The container shares the
# host's network (apt inside it reaches the same mirror). Needs root. Skips
# (exit 77, ctest's SKIP_RETURN_CODE, with a message) without a .deb or root,
# or where nspawn cannot boot a container. Prints "N passed, N failed" and
# exits 1 when a check failed.
set -uo pipefail

fakecli="${1:?usage: systemd-test.sh FAKE_CLI [PACKAGE.deb]}"
deb="${2:-${SYGEN_TEST_DEB:-}}"
started=$(date +%s)

skip() { echo "systemd-test: SKIPPED: $*"; exit 77; }
[ -n "$deb" ] || skip "no .deb given (scripts/package-test.sh builds one and runs this test with SYGEN_TEST_DEB)"
[ -f "$deb" ] || { echo "systemd-test: no such package: $deb" >&2; exit 1; }
[ -x "$fakecli" ] || { echo "systemd-test: no fake CLI at $fakecli" >&2; exit 1; }
deb=$(realpath "$deb")
fakecli=$(realpath "$fakecli")
cd "$(dirname "$0")/.."
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
# The upgrade: the same package with a higher version (dpkg runs its upgrade paths).
version=$(dpkg-deb -f "$deb" Version)
dpkg-deb -R "$deb" "$tmp/upgrade"
sed -i "s/^Version: .*/Version: $version+test1/" "$tmp/upgrade/DEBIAN/control"
dpkg-deb -b "$tmp/upgrade" "$tmp/share/sygen-webhook-upgrade.deb" >/dev/null
rm -rf "$tmp/upgrade"

# --boot: systemd as PID 1; --register=no/--keep-unit: no machined, no systemd on
# the host; --volatile=overlay: writes go to a tmpfs over the cached root.
# --system-call-filter: nspawn's own allowlist (systemd 252) lacks Landlock's
# calls, which the unit (no SystemCallFilter=) gets on a real host; without them
# the workers' sandbox would run without its write confinement here.
systemd-nspawn --boot --register=no --keep-unit --volatile=overlay --console=passive \
    --system-call-filter="landlock_create_ruleset landlock_add_rule landlock_restrict_self" \
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
apt_step() { # apt_step DESCRIPTION APT-GET-ARGUMENTS...: a check; the log's tail on failure
    local what="$1"; shift
    if ct env DEBIAN_FRONTEND=noninteractive apt-get -y -q "$@" >"$tmp/apt-step.log" 2>&1; then pass "$what"
    else failcheck "$what" "$(tail -n 25 "$tmp/apt-step.log")"; fi
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
# The CLI also tries to write into the service's home outside its task folder,
# which the file modes allow the service user and the sandbox's Landlock rules do not.
probe=/var/lib/sygen-webhook/landlock-probe
control "{\"result\": \"done\", \"write_outside\": \"$probe\"}"
job=$(fire '{"event":"first"}')
check "POST /hooks/smoke accepted ($job)" test -n "$job"
waitfor 60 job_done "$job"
check "the job ran the fake CLI: $(job_status "$job")" test "$(job_status "$job")" = success
record=$(ct cat /var/lib/sygen-webhook/workspace/cron_tasks/smoke/fakecli-record.json)
field() { sed -n "s/.*\"$1\" *: *\"\{0,1\}\([0-9]*\).*/\1/p" <<<"$record"; }
svc_uid=$(ct id -u sygen-webhook)
check "the CLI ran as the service user (uid $(field uid) = $svc_uid)" test -n "$(field uid)" -a "$(field uid)" = "$svc_uid"
check "the CLI ran with no_new_privs" test "$(field no_new_privs)" = 1
# Landlock's ABI version from the host kernel (perl-base is essential; 444 is
# landlock_create_ruleset on x86_64 and arm64), 0 without Landlock.
landlock=$(perl -e 'my $v = syscall(444, 0, 0, 1); print $v > 0 ? $v : 0' 2>/dev/null || echo 0)
if [ "$landlock" -gt 0 ]; then
    check "the worker applied Landlock (no 'Landlock is not available' in the journal)" \
        not has "$(ct journalctl -u sygen-webhookd -o cat --no-pager)" '.*Landlock is not available'
    check "the sandbox refused the CLI's write outside its task folder (errno $(field write_outside_errno) = EACCES)" \
        test "$(field write_outside_errno)" = 13
    check "nothing was written outside the task folder" not ct test -e "$probe"
else
    echo "     (this kernel has no Landlock: the sandbox's write confinement is not checked)"
fi

echo
echo "== who may use the admin socket"
check "the admin socket is 0600 sygen-webhook" \
    test "$(ct stat -c '%a %U' /run/sygen-webhook/admin.sock)" = "600 sygen-webhook"
ct useradd --system --no-create-home --groups sygen-webhook sygen-test-operator
out=$(ct setpriv --reuid=sygen-test-operator --regid=sygen-test-operator --init-groups sygen-webhookctl workers list 2>&1)
rc=$?
check "a sygen-webhook group member is refused with exit 69 (got $rc)" test "$rc" = 69
check "... and told which socket it cannot reach" has "$out" "sygen-webhookctl: cannot reach sygen-webhookd at /run/sygen-webhook/admin.sock"
out=$(ct setpriv --reuid=sygen-webhook --regid=sygen-webhook --init-groups sygen-webhookctl workers list 2>&1)
check "the service user runs the ctl with no flags" has "$out" "ID "

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
# Three slow jobs on two workers: two run and one waits in the queue when the
# whole unit is killed. After the restart the queued one runs; the two that had
# started end error:worker_lost (never run twice: docs/OPERATIONS.md).
control '{"result": "slow", "sleep": 4}'
jobs=()
for n in 1 2 3; do jobs+=("$(fire "{\"event\":\"killed-$n\"}")"); done
check "three jobs accepted (${jobs[*]})" test "$(printf '%s\n' "${jobs[@]}" | grep -c .)" = 3
two_running() { # (echo: job_status prints no newline)
    [ "$(for j in "${jobs[@]}"; do echo "$(job_status "$j")"; done | grep -c '^running$')" = 2 ]; }
waitfor 20 two_running
declare -A before
for j in "${jobs[@]}"; do before[$j]=$(job_status "$j"); done
restarts=$(nrestarts)
pid=$(mainpid)
ct systemctl kill -s KILL sygen-webhookd
restarted() { local p; p=$(mainpid); [ "$(nrestarts)" -gt "$restarts" ] && [ "$p" != 0 ] && [ "$p" != "$pid" ] \
    && ct systemctl is-active sygen-webhookd; }
waitfor 60 restarted
check "the unit restarted after SIGKILL" restarted
queued=0
for j in "${jobs[@]}"; do
    waitfor 60 job_done "$j"
    after=$(job_status "$j")
    case "${before[$j]}" in
        queued) queued=$((queued + 1))
            check "job $j, queued at the kill, ran after the restart: $after" test "$after" = success ;;
        running) check "job $j, running at the kill, ended error:worker_lost: $after" test "$after" = error:worker_lost ;;
        *) failcheck "job $j was '${before[$j]}' at the kill (expected queued or running)" ;;
    esac
done
check "one of the three was still queued at the kill ($queued)" test "$queued" = 1

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
check "... by the watchdog (journal: Watchdog timeout)" has "$(ct journalctl -u sygen-webhookd -o cat --no-pager)" '.*Watchdog timeout'
ct rm -f /run/systemd/system/sygen-webhookd.service.d/watchdog.conf
ct systemctl daemon-reload

echo
echo "== systemctl stop drains"
waitfor 30 ct systemctl is-active sygen-webhookd
control '{"result": "drained", "sleep": 3}'
job=$(fire '{"event":"drain"}')
running() { test "$(job_status "$job")" = running; }
waitfor 20 running
check "the job runs when the stop begins" running
ct systemctl stop sygen-webhookd
# By the message text: the job's structured fields are checked under "journald".
drained() { has "$(ct journalctl -u sygen-webhookd -o cat --no-pager)" "job $job of hook smoke finished: success"; }
check "the running job finished before the stop ended (journal: finished: success)" drained
check "the unit is inactive (not failed) after stop" test "$(ct systemctl is-active sygen-webhookd)" = inactive

echo
echo "== while the service is stopped, the ctl (as root) writes files the service user owns"
add_out=$(ct sygen-webhookctl hooks add offline --mode cron_task --prompt 'offline {{event}}' --task-folder offline 2>&1)
offline_token=$(printf '%s\n' "$add_out" | awk '/token \(shown once/ {getline; print; exit}')
check "hooks add while stopped: added, with a token" test "${#offline_token}" -eq 43
check "... and said the service is not running" has "$add_out" ".*not running"
owners=$(ct sh -c 'find /var/lib/sygen-webhook/webhooks.json /var/lib/sygen-webhook/workspace/cron_tasks/offline ! -user sygen-webhook')
check "webhooks.json and the new task folder belong to sygen-webhook (not: ${owners:-none})" test -z "$owners"
ct sygen-webhookctl token rotate >/dev/null 2>&1
owners=$(ct sh -c 'find /var/lib/sygen-webhook/webhook-state ! -user sygen-webhook')
check "token rotate while stopped: the state folder stays sygen-webhook's (not: ${owners:-none})" test -z "$owners"

echo
echo "== reinstall keeps config and hooks"
ct sed -i 's/"workers": 2/"workers": 3/' /etc/sygen-webhook/config.json
apt_step "apt-get install --reinstall" install --reinstall /share/sygen-webhook.deb
check "the edited config was kept" ct grep -q '"workers": 3' /etc/sygen-webhook/config.json
waitfor 30 ct systemctl is-active sygen-webhookd
check "the hooks were kept" has "$(ct sygen-webhookctl hooks list)" smoke
check "the unit runs again after the reinstall" ct systemctl is-active sygen-webhookd
# The hook added while the service was stopped: the service reads its files.
job=$(ct curl -sS -X POST http://127.0.0.1:8742/hooks/offline -H "Authorization: Bearer $offline_token" \
    -H 'Content-Type: application/json' --data '{"event":"offline"}' | sed -n 's/.*"job_id" *: *"\([^"]*\)".*/\1/p')
check "the hook added while stopped accepts a request ($job)" test -n "$job"
offline_done() { has "$(ct journalctl -u sygen-webhookd -o cat --no-pager)" "job $job of hook offline finished: success"; }
waitfor 60 offline_done
check "... and its job ran in the task folder made while stopped" offline_done

echo
echo "== upgrade (the same package as version $version+test1) keeps config and hooks"
pid=$(mainpid)
apt_step "apt-get install of the upgrade" install /share/sygen-webhook-upgrade.deb
check "upgraded to $version+test1" test "$(ct dpkg-query -W -f='${Version}' sygen-webhook)" = "$version+test1"
check "the edited config was kept" ct grep -q '"workers": 3' /etc/sygen-webhook/config.json
upgraded() { local p; p=$(mainpid); [ "$p" != 0 ] && [ "$p" != "$pid" ] && ct systemctl is-active sygen-webhookd; }
waitfor 30 upgraded
check "the postinst restarted the unit (pid $pid -> $(mainpid))" upgraded
check "it runs the edited config: 3 workers" test "$(ct sygen-webhookctl workers list | grep -c '^[0-9]')" = 3
check "the hooks were kept" has "$(ct sygen-webhookctl hooks list)" offline

echo
echo "== remove (Debian policy: the service stops, config and state stay)"
apt_step "apt-get remove" remove sygen-webhook
check "removed" not ct test -e /usr/bin/sygen-webhookd
check "the unit is not active" not ct systemctl is-active sygen-webhookd
check "the config is kept (conffile)" ct grep -q '"workers": 3' /etc/sygen-webhook/config.json
check "the hooks are kept" ct grep -q '"offline"' /var/lib/sygen-webhook/webhooks.json

echo
echo "== purge (Debian policy: config and state removed, the system user stays)"
apt_step "apt-get purge" purge sygen-webhook
check "purged" not ct dpkg-query -W sygen-webhook
for f in /etc/sygen-webhook /var/lib/sygen-webhook /usr/bin/sygen-webhookd /etc/systemd/system/multi-user.target.wants/sygen-webhookd.service; do
    check "$f removed" not ct test -e "$f"
done
check "the unit is not active" not ct systemctl is-active sygen-webhookd
check "the system user stays" ct id sygen-webhook

echo
echo "systemd-test: $passed passed, $failed failed ($(( $(date +%s) - started )) s)"
[ "$failed" -eq 0 ]
