#!/usr/bin/env bash
# Builds the .deb and .rpm (scripts/package.sh), checks them, and tests the .deb
# on this machine:
#   1. lintian on the .deb (fails on errors; overrides are shipped with reasons);
#   2. rpm -qpl / --scripts / --requires, and the .rpm holds the .deb's files;
#   2b. scripts/rpm-test.sh: the .rpm's requirements within RHEL 9's floor
#      (glibc 2.34, OpenSSL 3, no Poco or C++ runtime), and its binaries run
#      from the unpacked .rpm in a chroot of a base Debian root without Poco;
#   3. apt-get install of the .deb; files, conffile, user, folders and unit in
#      their SPEC §1 places;
#   4. the installed binaries: --version, --help, --check-config on the shipped
#      config (as the service user);
#   5. under systemd as PID 1 only: the unit started by the postinst is active;
#   6. the installed sygen-webhookd started by hand (not via systemd) as the
#      service user on a temp home and a free port: /health, one POST
#      /hooks/smoke answered 202, the job finished by a worker, clean SIGTERM;
#   7. apt-get purge, and nothing left behind;
#   8. ctest -L package (the entry package/systemd, scripts/systemd-test.sh):
#      the .deb under a real systemd (PID 1 in systemd-nspawn): unit, ctl, jobs,
#      journald, reload, restarts, watchdog, drain, reinstall, purge. Skipped
#      with a message where nspawn cannot run.
# Needs root (or sudo) and a Debian 12 machine. Refuses to run when the package
# is already installed (the purge would delete /var/lib/sygen-webhook) unless
# SYGEN_PACKAGE_TEST_FORCE=1. Builds in $PKG_BUILD_DIR (default build-pkg).
# Extra arguments go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

step() { echo; echo "== $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
check() { # check DESCRIPTION COMMAND...
    local what="$1"; shift
    if "$@"; then echo "ok   $what"; else fail "$what"; fi
}

if dpkg-query -W -f='${Status}' sygen-webhook 2>/dev/null | grep -q "install ok installed" \
    && [ "${SYGEN_PACKAGE_TEST_FORCE:-0}" != 1 ]; then
    fail "sygen-webhook is installed already; the purge at the end would delete its state (set SYGEN_PACKAGE_TEST_FORCE=1 to go on)"
fi
user_existed=0
getent passwd sygen-webhook >/dev/null && user_existed=1

step "build packages"
mapfile -t built < <(scripts/package.sh "$@" | tail -n 2)
deb="${built[0]}"
rpm="${built[1]}"
[ -f "$deb" ] && [ -f "$rpm" ] || fail "package.sh did not produce both packages"
echo "$deb"
echo "$rpm"

step "lintian"
lintian --fail-on error --info --show-overrides "$deb" || fail "lintian reports errors"
echo "ok   lintian: no errors"
dpkg-deb -f "$deb" Depends
# dpkg-shlibdeps names the worker's date/tz (time zones) from its NEEDED entry.
check "the .deb depends on libdate-tz3" sh -c "dpkg-deb -f '$deb' Depends | grep -q 'libdate-tz3'"

step "rpm"
rpm -qpi "$rpm"
echo "-- files"
rpm -qpl "$rpm"
echo "-- config files"
rpm -qpc "$rpm"
echo "-- scripts"
rpm -qp --scripts "$rpm"
echo "-- requires"
rpm -qp --requires "$rpm"
deb_files=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print $6}' | sed 's|^\./|/|' | sort)
rpm_files=$(rpm -qp --qf '[%{FILENAMES} %{FILEMODES:perms}\n]' "$rpm" | awk '$2 !~ /^d/ {print $1}' | sort)
check "the .rpm holds the same files as the .deb" [ "$deb_files" = "$rpm_files" ]
check "rpm config(noreplace) on /etc/sygen-webhook/config.json" \
    sh -c "rpm -qp --qf '[%{FILENAMES} %{FILEFLAGS:fflags}\n]' '$rpm' | grep -qx '/etc/sygen-webhook/config.json cn'"
for s in preinstall postinstall preuninstall postuninstall; do
    check "rpm has a $s scriptlet" sh -c "rpm -qp --scripts '$rpm' | grep -q '^$s scriptlet'"
done

step "the .rpm for RPM distributions: requirement floor, run on a base root without Poco"
$SUDO scripts/rpm-test.sh "$rpm" || fail "the .rpm's requirements or its run on a base root (scripts/rpm-test.sh)"

# From here on the machine is changed: undo it whatever happens.
installed=0
server_pid=""
tmp=""
cleanup() {
    local rc=$?
    set +e
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        # Its workers first (they would outlive it), then the server (or sudo).
        $SUDO pkill -KILL -P "$server_pid"
        $SUDO kill -KILL "$server_pid"
        wait "$server_pid" 2>/dev/null
    fi
    [ -n "$tmp" ] && $SUDO rm -rf "$tmp"
    if [ "$installed" = 1 ]; then
        echo "== cleanup: purging sygen-webhook" >&2
        $SUDO apt-get purge -y sygen-webhook >/dev/null
    fi
    if [ "$user_existed" = 0 ] && getent passwd sygen-webhook >/dev/null; then
        $SUDO userdel sygen-webhook
        getent group sygen-webhook >/dev/null && $SUDO groupdel sygen-webhook
    fi
    exit $rc
}
trap cleanup EXIT

step "install the .deb with apt"
$SUDO apt-get update >/dev/null
installed=1
$SUDO apt-get install -y "$deb"

step "installed files, user, folders, unit"
for f in /usr/bin/sygen-webhookd /usr/bin/sygen-webhook-worker /usr/bin/sygen-webhook-deliver /usr/bin/sygen-webhookctl \
    /etc/sygen-webhook/config.json \
    /usr/lib/systemd/system/sygen-webhookd.service \
    /usr/lib/sysusers.d/sygen-webhook.conf /usr/lib/tmpfiles.d/sygen-webhook.conf \
    /usr/share/man/man8/sygen-webhookd.8.gz /usr/share/man/man8/sygen-webhook-worker.8.gz \
    /usr/share/man/man8/sygen-webhook-deliver.8.gz /usr/share/man/man1/sygen-webhookctl.1.gz \
    /usr/share/doc/sygen-webhook/copyright /usr/share/doc/sygen-webhook/changelog.Debian.gz \
    /usr/share/bash-completion/completions/sygen-webhookctl \
    /usr/share/sygen-webhook/monitoring/sygen-webhook.rules.yml \
    /usr/share/sygen-webhook/monitoring/sygen-webhook.grafana.json; do
    check "$f" test -e "$f"
done
check "config.json is a conffile" \
    sh -c "dpkg-query -W -f='\${Conffiles}' sygen-webhook | grep -q ' /etc/sygen-webhook/config.json '"
check "config.json is 0640 root:sygen-webhook" \
    [ "$(stat -c '%a %U:%G' /etc/sygen-webhook/config.json)" = "640 root:sygen-webhook" ]
check "user sygen-webhook: system uid, home /var/lib/sygen-webhook, no login" \
    sh -c 'getent passwd sygen-webhook | awk -F: '"'"'{exit !($3 < 1000 && $6 == "/var/lib/sygen-webhook" && $7 ~ /nologin$/)}'"'"''
check "/var/lib/sygen-webhook is 0750 sygen-webhook" \
    [ "$(stat -c '%a %U:%G' /var/lib/sygen-webhook)" = "750 sygen-webhook:sygen-webhook" ]
check "/run/sygen-webhook exists" test -d /run/sygen-webhook
check "unit enabled (multi-user.target.wants)" \
    test -L /etc/systemd/system/multi-user.target.wants/sygen-webhookd.service
check "unit: Type=notify" grep -qx 'Type=notify' /usr/lib/systemd/system/sygen-webhookd.service
check "unit: ExecStart as SPEC §1" grep -qx \
    'ExecStart=/usr/bin/sygen-webhookd --home /var/lib/sygen-webhook --config /etc/sygen-webhook/config.json' \
    /usr/lib/systemd/system/sygen-webhookd.service
if systemd-analyze verify /usr/lib/systemd/system/sygen-webhookd.service; then
    echo "ok   systemd-analyze verify"
else
    echo "note systemd-analyze verify complained (it needs a running systemd for some checks)"
fi

step "installed binaries"
version=$(sed -n 's/^project(sygen-webhook VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
for b in sygen-webhookd sygen-webhook-worker sygen-webhook-deliver sygen-webhookctl; do
    out=$("/usr/bin/$b" --version)
    echo "$out"
    case "$out" in *"$version"*) echo "ok   $b --version prints $version" ;; *) fail "$b --version" ;; esac
    check "$b --help" sh -c "/usr/bin/$b --help >/dev/null"
done
check "sygen-webhookd --check-config on the shipped config (as sygen-webhook)" \
    $SUDO runuser -u sygen-webhook -- /usr/bin/sygen-webhookd --check-config \
        --home /var/lib/sygen-webhook --config /etc/sygen-webhook/config.json

if [ "$(ps -p 1 -o comm=)" = systemd ]; then
    step "systemd is PID 1: the unit the postinst started"
    for _ in $(seq 1 30); do
        systemctl is-active --quiet sygen-webhookd && break
        sleep 1
    done
    systemctl status --no-pager sygen-webhookd || true
    check "sygen-webhookd.service is active" systemctl is-active --quiet sygen-webhookd
    check "GET /health on 127.0.0.1:8742" curl -fsS -o /dev/null http://127.0.0.1:8742/health
    $SUDO systemctl reload sygen-webhookd
    check "still active after systemctl reload" systemctl is-active --quiet sygen-webhookd
    $SUDO systemctl stop sygen-webhookd
else
    echo
    echo "(PID 1 is $(ps -p 1 -o comm=), not systemd: the unit is not started here)"
fi

step "start the installed sygen-webhookd on a temp home"
tmp=$(mktemp -d)
port=""
for p in $(shuf -i 20000-60000 -n 100); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[ -n "$port" ] || fail "no free port"
token="smoke-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
mkdir -p "$tmp/home/workspace/cron_tasks/smoke"
cat > "$tmp/home/config.json" <<JSON
{
  "provider": "claude",
  "webhooks": {
    "enabled": true,
    "host": "127.0.0.1",
    "port": $port,
    "token": "",
    "workers": 1
  }
}
JSON
cat > "$tmp/home/webhooks.json" <<JSON
{
  "hooks": [
    {
      "id": "smoke",
      "title": "Package smoke test",
      "mode": "cron_task",
      "prompt_template": "event {{event}}",
      "task_folder": "smoke",
      "auth_mode": "bearer",
      "token": "$token"
    }
  ]
}
JSON
chmod 0600 "$tmp/home/webhooks.json"
$SUDO chown -R sygen-webhook:sygen-webhook "$tmp/home"
chmod 0755 "$tmp"
# setpriv execs (runuser would fork): $! is sygen-webhookd itself, so the
# signals below reach it.
$SUDO setpriv --reuid=sygen-webhook --regid=sygen-webhook --init-groups -- \
    env HOME="$tmp/home" PATH=/usr/bin:/bin \
    /usr/bin/sygen-webhookd --home "$tmp/home" --config "$tmp/home/config.json" --log stderr \
    >"$tmp/server.log" 2>&1 &
server_pid=$!
up=0
for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; then up=1; break; fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
done
[ "$up" = 1 ] || { cat "$tmp/server.log" >&2; fail "sygen-webhookd did not answer /health on port $port"; }
echo "ok   GET /health on port $port"

answer=$(curl -sS -w '\n%{http_code}' -X POST "http://127.0.0.1:$port/hooks/smoke" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data '{"event":"package-test"}')
code=$(printf '%s' "$answer" | tail -n 1)
body=$(printf '%s' "$answer" | head -n -1)
echo "$code $body"
[ "$code" = 202 ] || { cat "$tmp/server.log" >&2; fail "POST /hooks/smoke answered $code"; }
job_id=$(printf '%s' "$body" | sed -n 's/.*"job_id" *: *"\([^"]*\)".*/\1/p')
[ -n "$job_id" ] || fail "no job_id in the 202 answer"
echo "ok   POST /hooks/smoke: 202, job $job_id"

status=""
for _ in $(seq 1 60); do
    job=$(curl -sS "http://127.0.0.1:$port/jobs/$job_id" -H "Authorization: Bearer $token" || true)
    status=$(printf '%s' "$job" | sed -n 's/.*"status" *: *"\([^"]*\)".*/\1/p')
    case "$status" in ""|queued|running) sleep 0.5 ;; *) break ;; esac
done
echo "$job"
case "$status" in
    ""|queued|running) cat "$tmp/server.log" >&2; fail "job $job_id did not finish (status '$status')" ;;
esac
# No claude CLI on a CI machine: error:cli_not_found_claude is the expected end.
echo "ok   job $job_id finished by a worker: $status"

$SUDO kill -TERM "$server_pid"
rc=0
for _ in $(seq 1 200); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
done
if kill -0 "$server_pid" 2>/dev/null; then fail "sygen-webhookd did not stop within 40 s of SIGTERM"; fi
wait "$server_pid" || rc=$?
server_pid=""
echo "-- server log"
cat "$tmp/server.log"
check "sygen-webhookd stopped cleanly on SIGTERM (exit $rc)" [ "$rc" = 0 ]
check "the hook token is in no log line" sh -c "! grep -qF '$token' '$tmp/server.log'"
global_token=$($SUDO cat "$tmp/home/webhook-state/token" 2>/dev/null || $SUDO sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p' "$tmp/home/config.json" | head -n 1)
if [ -n "$global_token" ]; then
    check "the generated global token is in no log line" sh -c "! grep -qF '$global_token' '$tmp/server.log'"
fi

step "purge"
$SUDO apt-get purge -y sygen-webhook
installed=0
for f in /usr/bin/sygen-webhookd /usr/bin/sygen-webhook-worker /usr/bin/sygen-webhook-deliver /usr/bin/sygen-webhookctl \
    /etc/sygen-webhook /usr/lib/systemd/system/sygen-webhookd.service /var/lib/sygen-webhook \
    /etc/systemd/system/multi-user.target.wants/sygen-webhookd.service; do
    check "$f removed" test ! -e "$f"
done
check "no statoverride left" sh -c "! dpkg-statoverride --list /etc/sygen-webhook/config.json >/dev/null"

step "under a real systemd (systemd-nspawn): ctest -L package"
# The ctest entry package/systemd (scripts/systemd-test.sh) in the test build, with
# this .deb; its fake CLI stands in for claude in the container. -V: the checks
# it passed go into the log too.
test_build="${BUILD_DIR:-build}"
[ -x "$test_build/tests/fakecli/claude" ] || BUILD_TARGETS=sygen-fake-cli scripts/build.sh >/dev/null
(cd "$test_build" && $SUDO env SYGEN_TEST_DEB="$deb" ctest -L package -V) \
    || fail "the .deb under systemd (ctest -L package: scripts/systemd-test.sh)"

echo
echo "package-test: all checks passed"
