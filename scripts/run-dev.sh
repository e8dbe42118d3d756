#!/usr/bin/env bash
# Installs what is missing, builds, and runs sygen-webhookd in the foreground on a
# home folder inside the checkout (./dev-home), with the example hooks of etc/.
# Prints the global token and a ready curl line. Ctrl-C stops the service.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
scripts/install-deps.sh
BUILD_TARGETS="sygen-webhookd sygen-webhook-worker sygen-webhook-deliver sygen-webhookctl" scripts/build.sh >/dev/null

HOME_DIR="${SYGEN_DEV_HOME:-$ROOT/dev-home}"
CONFIG="$HOME_DIR/config/config.json"
if [ ! -f "$CONFIG" ]; then
    mkdir -p "$HOME_DIR/config" "$HOME_DIR/workspace/cron_tasks/example/scripts"
    cp etc/config.example.json "$CONFIG"
    cp etc/webhooks.example.json "$HOME_DIR/webhooks.json"
    chmod 600 "$CONFIG" "$HOME_DIR/webhooks.json"
    task="$HOME_DIR/workspace/cron_tasks/example"
    printf '# Example task\nSummarise the webhook payload in one line.\n' > "$task/TASK_DESCRIPTION.md"
    printf '# example Memory\n' > "$task/example_MEMORY.md"
    printf 'Read TASK_DESCRIPTION.md and follow it.\n' | tee "$task/CLAUDE.md" > "$task/AGENTS.md"
fi

BIN="$ROOT/build/bin/sygen-webhookd"
rm -f "$HOME_DIR/webhook-state/http.address"
"$BIN" --home "$HOME_DIR" --config "$CONFIG" &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID' INT TERM
for _ in $(seq 1 100); do
    [ -f "$HOME_DIR/webhook-state/http.address" ] && break
    kill -0 $PID 2>/dev/null || { wait $PID; exit $?; }
    sleep 0.1
done
ADDRESS="$(cat "$HOME_DIR/webhook-state/http.address")"
TOKEN="$(sed -n 's/.*"token": *"\([A-Za-z0-9_-]\{20,\}\)".*/\1/p' "$CONFIG" | head -n 1)"
[ -n "$TOKEN" ] || TOKEN="$(cat "$HOME_DIR/webhook-state/token" 2>/dev/null || true)"
cat <<MSG

sygen-webhookd is running on http://$ADDRESS (home: $HOME_DIR)
global token: $TOKEN

Try it:
  curl -sS -X POST http://$ADDRESS/hooks/example \\
    -H 'Content-Type: application/json' -H 'Authorization: Bearer $TOKEN' \\
    -d '{"event": "push", "source": "curl"}'

Then look the job up with the job_id from the answer:
  curl -sS -H 'Authorization: Bearer $TOKEN' http://$ADDRESS/jobs/<job_id>

Ctrl-C stops the service.
MSG
wait $PID
