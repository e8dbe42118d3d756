#!/usr/bin/env bash
# The shipped Prometheus rules and Grafana dashboard (packaging/monitoring):
# promtool accepts the rules and their unit tests pass (rules-test.yml, beside
# this script), the dashboard is valid JSON, and every metric either uses is one
# a real sygen-webhookd exports on GET /metrics; the values the rules divide by
# or count (queue capacity, worker restarts) are the service's.
#   monitoring-test.sh MONITORING_DIR SYGEN_WEBHOOKD SYGEN_WEBHOOKCTL
set -uo pipefail
dir=$1
webhookd=$2
ctl=$3
rules_test="$(cd "$(dirname "$0")" && pwd)/rules-test.yml"
rules="$dir/sygen-webhook.rules.yml"
dashboard="$dir/sygen-webhook.grafana.json"
tmp=$(mktemp -d)
pid=""
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        pkill -KILL -P "$pid"
        kill -KILL "$pid"
        wait "$pid" 2>/dev/null
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
failed=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failed=1; }

if command -v promtool >/dev/null; then
    if promtool check rules "$rules"; then ok "promtool check rules"; else bad "promtool check rules"; fi
    if promtool test rules "$rules_test"; then ok "promtool test rules"; else bad "promtool test rules"; fi
else
    # scripts/install-deps.sh installs it (Debian package prometheus).
    bad "promtool not found (Debian package prometheus)"
fi
if python3 -m json.tool "$dashboard" >/dev/null; then ok "the dashboard is valid JSON"; else bad "the dashboard is not valid JSON"; fi

# A real sygen-webhookd on port 0 (the kernel picks a free port: no race with the
# tests running beside this one); it writes the bound address to http.address.
mkdir -p "$tmp/home"
printf '{"webhooks": {"enabled": true, "host": "127.0.0.1", "port": 0, "token": "", "workers": 1, "queue_capacity": 250}}\n' > "$tmp/home/config.json"
HOME="$tmp/home" PATH=/usr/bin:/bin "$webhookd" --home "$tmp/home" --config "$tmp/home/config.json" --log stderr \
    >"$tmp/server.log" 2>&1 &
pid=$!
metrics=""
address_file="$tmp/home/webhook-state/http.address"
for _ in $(seq 1 150); do
    if [ -s "$address_file" ]; then
        metrics=$(curl -fsS "http://$(head -n1 "$address_file")/metrics" 2>/dev/null) && break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
done
[ -n "$metrics" ] || { cat "$tmp/server.log"; echo "FAIL no /metrics from sygen-webhookd"; exit 1; }

# Exported: every sample's name, and every family named by a # TYPE line (a
# labelled counter has no sample until something is counted).
exported=$( { printf '%s\n' "$metrics" | grep -v '^#' | sed 's/[{ ].*//';
    printf '%s\n' "$metrics" | awk '$1 == "#" && $2 == "TYPE" {print $3}'; } | sort -u)
used=$(grep -ohE 'sygen_webhook_[a-z_]+' "$rules" "$dashboard" | sort -u)
[ -n "$used" ] || bad "no sygen_webhook_ metric found in the rules and the dashboard"
for m in $used; do
    if printf '%s\n' "$exported" | grep -qx "$m"; then ok "$m is exported"; else bad "$m is used but not exported by /metrics"; fi
done

sample() { # sample NAME: its value in the last scrape
    awk -v name="$1" '$1 == name {print $2}' <<<"$metrics"
}
scrape() { metrics=$(curl -fsS "http://$(head -n1 "$address_file")/metrics" 2>/dev/null); }
if [ "$(sample sygen_webhook_queue_capacity)" = 250 ]; then ok "sygen_webhook_queue_capacity is webhooks.queue_capacity (250)";
else bad "sygen_webhook_queue_capacity is '$(sample sygen_webhook_queue_capacity)', not 250"; fi
# The worker slot's first process is no restart; a restart by the ctl is one.
for _ in $(seq 1 100); do
    "$ctl" --home "$tmp/home" --config "$tmp/home/config.json" workers list 2>/dev/null | grep -q '^1 .* idle ' && break
    sleep 0.1
done
before=$(sample sygen_webhook_worker_restarts_total)
"$ctl" --home "$tmp/home" --config "$tmp/home/config.json" workers restart 1 >/dev/null \
    || bad "sygen-webhookctl workers restart 1 failed"
for _ in $(seq 1 100); do
    scrape
    [ "$(sample sygen_webhook_worker_restarts_total)" = 1 ] && break
    sleep 0.1
done
if [ "$before" = 0 ] && [ "$(sample sygen_webhook_worker_restarts_total)" = 1 ]; then
    ok "sygen_webhook_worker_restarts_total counts a worker restart (0 -> 1)"
else
    bad "sygen_webhook_worker_restarts_total went '$before' -> '$(sample sygen_webhook_worker_restarts_total)' over one worker restart"
fi
exit $failed
