# Sourced by bench/run.sh: start and stop the three systems on loopback, drive wrk,
# sample memory. Every server started here is recorded in PIDS and stopped by cleanup.

# BENCH_PORT_OFFSET moves all three ports, so that two runs on one machine cannot
# measure each other's servers.
OURS_PORT=$((18742 + ${BENCH_PORT_OFFSET:-0}))
WEBHOOK_PORT=$((19000 + ${BENCH_PORT_OFFSET:-0}))
NGINX_PORT=$((18080 + ${BENCH_PORT_OFFSET:-0}))
TOKEN="bench-token-0123456789abcdefghijklmnopqrstu"   # 43 characters, like a generated one
HMAC_SECRET="bench-hmac-secret"
PIDS=()

calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }          # floating point, 3 decimals
calci() { awk "BEGIN { printf \"%d\", $1 }"; }            # truncated to an integer

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

cleanup() {
	local pid
	for pid in "${PIDS[@]:-}"; do
		[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]:-}"; do
		[ -n "$pid" ] && wait "$pid" 2>/dev/null || true
	done
	PIDS=()
	[ -n "${WORK:-}" ] && [ -d "$WORK" ] && [ -z "${BENCH_KEEP:-}" ] && rm -rf "$WORK"
	[ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ] && [ -z "${BENCH_KEEP:-}" ] && rm -rf "$PG_DIR"
	return 0
}

forget_pid() {
	local keep=() pid
	for pid in "${PIDS[@]:-}"; do [ "$pid" != "$1" ] && [ -n "$pid" ] && keep+=("$pid"); done
	PIDS=("${keep[@]:-}")
}

port_free() { # port: fails, naming it, when something already answers there
	if curl -s -o /dev/null -m 1 "http://127.0.0.1:$1/"; then
		log "port $1 is in use (another benchmark run?): set BENCH_PORT_OFFSET"; return 1
	fi
}

wait_http() { # url: until it answers (5 s at most)
	local i
	for i in $(seq 1 100); do
		curl -s -o /dev/null -m 1 "$1" && return 0
		sleep 0.05
	done
	log "no answer from $1"; return 1
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
anon_kib() { awk '/^RssAnon:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
file_kib() { awk '/^RssFile:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
pss_kib() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

rss_tree_kib() { # pid: RSS of it and its children (nginx master + workers)
	local total=0 p
	for p in "$1" $(pgrep -P "$1" || true); do total=$((total + $(rss_kib "$p"))); done
	echo "$total"
}

sample_rss() { # pid out-file: every 0.2 s "<seconds> <rss KiB>" until killed
	local start; start=$(date +%s.%N)
	while kill -0 "$1" 2>/dev/null; do
		echo "$(calc "$(date +%s.%N) - $start") $(rss_kib "$1")" >>"$2"
		sleep 0.2
	done
}

# ---- test data -------------------------------------------------------------

write_body() {
	cat >"$WORK/body.json" <<'JSON'
{"ref":"refs/heads/main","before":"6113728f27ae82c7b1a177c8d03f9e96e0adf246","after":"59b20b8d5c6ff8d09518454d4dd8b7b30f095ab5","repository":{"id":1296269,"full_name":"octocat/Hello-World","private":false},"pusher":{"name":"octocat","email":"octocat@github.com"},"head_commit":{"id":"59b20b8d5c6ff8d09518454d4dd8b7b30f095ab5","message":"Update README.md","timestamp":"2024-05-01T12:00:00Z"},"source":"bench"}
JSON
	truncate -s -1 "$WORK/body.json"   # no trailing newline: the signature covers exact bytes
	SIG="sha256=$(openssl dgst -sha256 -hmac "$HMAC_SECRET" <"$WORK/body.json" | sed 's/^.* //')"
	BAD_SIG="sha256=$(printf '%064d' 0)"
}

# hooks.json for our service: "bench" (bearer, global token), "bench-hmac", and
# $1 - 2 filler hooks so that the set holds $1 hooks.
write_our_hooks() {
	python3 - "$1" "$HMAC_SECRET" >"$2" <<'PY'
import json, sys
n, secret = int(sys.argv[1]), sys.argv[2]
def hook(i, auth="bearer"):
    return {"id": i, "title": "Bench " + i, "description": "", "mode": "cron_task",
            "prompt_template": "bench job {{seq}} from {{source}}", "enabled": True,
            "task_folder": "bench", "auth_mode": auth, "token": "",
            "hmac_secret": secret if auth == "hmac" else "", "hmac_header": "X-Hub-Signature-256" if auth == "hmac" else "",
            "hmac_algorithm": "sha256", "hmac_encoding": "hex", "hmac_sig_prefix": "sha256=",
            "hmac_sig_regex": "", "hmac_payload_prefix_regex": "", "created_at": "2024-01-01T00:00:00Z",
            "trigger_count": 0, "last_triggered_at": None, "last_error": None, "provider": None, "model": None,
            "reasoning_effort": None, "cli_parameters": [], "quiet_start": None, "quiet_end": None, "dependency": None}
hooks = [hook("bench"), hook("bench-hmac", "hmac")] + [hook("filler-%05d" % i) for i in range(max(0, n - 2))]
json.dump({"hooks": hooks}, sys.stdout, indent=2)
sys.stdout.write("\n")
PY
}

# hooks.json for adnanh/webhook: the same two hooks (a no-op command), plus fillers.
write_webhook_hooks() {
	python3 - "$1" "$TOKEN" "$HMAC_SECRET" >"$2" <<'PY'
import json, sys
n, token, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def hook(i, rule):
    return {"id": i, "execute-command": "/bin/true", "command-working-directory": "/tmp",
            "response-message": "accepted", "success-http-response-code": 202,
            "trigger-rule-mismatch-http-response-code": 401, "trigger-rule": rule}
bearer = {"match": {"type": "value", "value": "Bearer " + token, "parameter": {"source": "header", "name": "Authorization"}}}
hmac = {"match": {"type": "payload-hmac-sha256", "secret": secret, "parameter": {"source": "header", "name": "X-Hub-Signature-256"}}}
hooks = [hook("bench", bearer), hook("bench-hmac", hmac)] + [hook("filler-%05d" % i, bearer) for i in range(max(0, n - 2))]
json.dump(hooks, sys.stdout, indent=1)
PY
}

# ---- our service -------------------------------------------------------------

# start_ours NAME HOOKS QUEUE_CAPACITY RATE_LIMIT [WORKERS]: a fresh home each time.
# Sets OURS_PID, OURS_HOME. OURS_BACKEND (a JSON object, e.g. the cluster rows'
# PostgreSQL backend) becomes webhooks.backend; OURS_JOB_HISTORY overrides job_history.
start_ours() {
	local name=$1 hooks=$2 capacity=$3 rate=$4 workers=${5:-2}
	local backend=""; [ -n "${OURS_BACKEND:-}" ] && backend=", \"backend\": $OURS_BACKEND"
	OURS_HOME="$WORK/ours-$name"
	rm -rf "$OURS_HOME"
	mkdir -p "$OURS_HOME/config" "$OURS_HOME/workspace/cron_tasks/bench"
	cat >"$OURS_HOME/config/config.json" <<JSON
{
  "provider": "claude",
  "webhooks": {
    "enabled": true, "host": "127.0.0.1", "port": $OURS_PORT, "token": "$TOKEN",
    "rate_limit_per_minute": $rate, "workers": $workers, "queue_capacity": $capacity,
    "job_history": ${OURS_JOB_HISTORY:-1000}, "read_timeout_seconds": 10, "shutdown_grace_seconds": 5$backend
  }
}
JSON
	write_our_hooks "$hooks" "$OURS_HOME/webhooks.json"
	port_free "$OURS_PORT" || exit 1
	# The no-op CLI (bench/noop_cli.c); it appends its start time to started.log (in the
	# task folder, which the sandbox lets it write). The control file is FakeCli's.
	echo '{"no_record": true, "started_log": "started.log", "result": "ok"}' \
		>"$OURS_HOME/workspace/cron_tasks/bench/fakecli.json"
	env -i PATH="$NOOPCLI_DIR:/usr/bin:/bin" HOME="$OURS_HOME" \
		"$BIN/sygen-webhookd" --home "$OURS_HOME" --log stderr --log-level "${BENCH_LOG_LEVEL:-information}" \
		2>>"$OURS_HOME/daemon.log" &
	OURS_PID=$!
	PIDS+=("$OURS_PID")
	wait_http "http://127.0.0.1:$OURS_PORT/health"
	# The workers connect a moment after the port opens.
	local i
	for i in $(seq 1 100); do
		[ "$(ctl workers list --json | python3 -c 'import json,sys; print(sum(1 for w in json.load(sys.stdin) if w.get("state")=="idle"))' 2>/dev/null || echo 0)" -ge "$workers" ] && break
		sleep 0.05
	done
}

ctl() { "$BIN/sygen-webhookctl" --home "$OURS_HOME" "$@"; }

stop_workers() { local i; for i in $(seq 1 "$1"); do ctl workers stop "$i" --now >/dev/null; done; }
start_workers() { local i; for i in $(seq 1 "$1"); do ctl workers start "$i" >/dev/null; done; }
worker_pids() { pgrep -P "$OURS_PID" -f sygen-webhook-worker || true; }

stop_ours() {
	[ -n "${OURS_PID:-}" ] || return 0
	kill -TERM "$OURS_PID" 2>/dev/null || true
	wait "$OURS_PID" 2>/dev/null || true
	forget_pid "$OURS_PID"
	OURS_PID=""
}

metric() { # name-with-labels: value from /metrics (0 when absent)
	curl -s "http://127.0.0.1:$OURS_PORT/metrics" | awk -v m="$1" '$1 == m {print $2; found=1} END {if (!found) print 0}'
}

jobs_finished() {
	curl -s "http://127.0.0.1:$OURS_PORT/metrics" | awk '/^sygen_webhook_jobs_total/ {s += $2} END {print s + 0}'
}

# ---- adnanh/webhook ----------------------------------------------------------

start_webhook() { # HOOKS
	mkdir -p "$WORK/webhook"
	write_webhook_hooks "$1" "$WORK/webhook/hooks.json"
	port_free "$WEBHOOK_PORT" || exit 1
	webhook -hooks "$WORK/webhook/hooks.json" -ip 127.0.0.1 -port "$WEBHOOK_PORT" \
		>>"$WORK/webhook/log" 2>&1 &
	WEBHOOK_PID=$!
	PIDS+=("$WEBHOOK_PID")
	wait_http "http://127.0.0.1:$WEBHOOK_PORT/"
}

stop_webhook() {
	[ -n "${WEBHOOK_PID:-}" ] || return 0
	kill -TERM "$WEBHOOK_PID" 2>/dev/null || true
	wait "$WEBHOOK_PID" 2>/dev/null || true
	forget_pid "$WEBHOOK_PID"
	WEBHOOK_PID=""
}

# ---- nginx (the ceiling: return 202, nothing else) ------------------------------

start_nginx() {
	local d="$WORK/nginx"
	mkdir -p "$d/tmp"
	port_free "$NGINX_PORT" || exit 1
	cat >"$d/nginx.conf" <<CONF
worker_processes auto;
pid $d/nginx.pid;
error_log $d/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $d/tmp/body;
    proxy_temp_path $d/tmp/proxy;
    fastcgi_temp_path $d/tmp/fastcgi;
    uwsgi_temp_path $d/tmp/uwsgi;
    scgi_temp_path $d/tmp/scgi;
    keepalive_requests 1000;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            default_type application/json;
            return 202 '{"accepted": true}';
        }
    }
}
CONF
	nginx -p "$d" -c "$d/nginx.conf" &
	NGINX_PID=$!
	PIDS+=("$NGINX_PID")
	wait_http "http://127.0.0.1:$NGINX_PORT/"
}

stop_nginx() {
	[ -n "${NGINX_PID:-}" ] || return 0
	kill -QUIT "$NGINX_PID" 2>/dev/null || true
	wait "$NGINX_PID" 2>/dev/null || true
	forget_pid "$NGINX_PID"
	NGINX_PID=""
}

# ---- PostgreSQL (the cluster rows) ---------------------------------------------

# A PostgreSQL 15 of our own for the cluster scenario: initdb into a fresh folder, the
# postmaster on a loopback port with durable commits (fsync and synchronous_commit on,
# the defaults: a 202 is a commit on disk), run as the postgres user when we are root
# (it refuses root). Sets PG_DIR, PG_PID, PG_DSN.
PG_PORT=$((15432 + ${BENCH_PORT_OFFSET:-0}))
PG_BIN="${BENCH_PG_BIN:-/usr/lib/postgresql/15/bin}"

as_postgres() {
	if [ "$(id -u)" -eq 0 ]; then setpriv --reuid postgres --regid postgres --init-groups -- "$@"; else "$@"; fi
}

start_postgres() {
	# Not under $WORK: that folder is private to root, and the server runs as postgres.
	PG_DIR="$(mktemp -d /tmp/sygen-bench-pg.XXXXXX)"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR"
	as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U sygen -A trust --no-instructions >"$PG_DIR/initdb.log" 2>&1 \
		|| { cat "$PG_DIR/initdb.log" >&2; return 1; }
	# Not through as_postgres: a function in the background is a subshell, and PG_PID
	# must be the postmaster itself (setpriv execs it) for stop_postgres's signal.
	local run=(); [ "$(id -u)" -eq 0 ] && run=(setpriv --reuid postgres --regid postgres --init-groups --)
	"${run[@]}" "$PG_BIN/postgres" -D "$PG_DIR/data" -p "$PG_PORT" -k "$PG_DIR" -c listen_addresses=127.0.0.1 \
		-c max_connections=100 -c shared_buffers=256MB >>"$PG_DIR/server.log" 2>&1 &
	PG_PID=$!
	PIDS+=("$PG_PID")
	local i
	for i in $(seq 1 100); do
		"$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U sygen -d postgres && break
		sleep 0.1
	done
	"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U sygen sygen
	# BENCH_PG_LOG_MS: log every statement slower than that into server.log (profiling).
	if [ -n "${BENCH_PG_LOG_MS:-}" ]; then
		psql_bench "ALTER SYSTEM SET log_min_duration_statement = ${BENCH_PG_LOG_MS}" >/dev/null
		psql_bench "SELECT pg_reload_conf()" >/dev/null
	fi
	PG_DSN="host=127.0.0.1 port=$PG_PORT dbname=sygen user=sygen"
}

psql_bench() { "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U sygen -d sygen -qAt -c "$1"; }

# Empties the database between measurements: each one starts on a fresh schema.
reset_postgres() { psql_bench "DROP SCHEMA public CASCADE; CREATE SCHEMA public;" >/dev/null; }

stop_postgres() {
	[ -n "${PG_PID:-}" ] || return 0
	kill -INT "$PG_PID" 2>/dev/null || true   # fast shutdown
	wait "$PG_PID" 2>/dev/null || true
	forget_pid "$PG_PID"
	PG_PID=""
	[ -z "${BENCH_KEEP:-}" ] && rm -rf "$PG_DIR"
}

# ---- load --------------------------------------------------------------------

# wrk_run SCRIPT URL CONNECTIONS SECONDS [HEADERS]: prints the BENCHJSON object.
# WRK_OUT names its output file, for two runs at once (the cluster rows).
wrk_run() {
	local script=$1 url=$2 c=$3 secs=$4 headers=${5:-} out=${WRK_OUT:-$WORK/wrk.out}
	local threads=$(( c < 2 ? 1 : 2 ))
	BENCH_BODY_FILE="$WORK/body.json" BENCH_HEADERS="$headers" \
		wrk -t"$threads" -c"$c" -d"${secs}s" --timeout 10s --latency -s "$BENCH_DIR/$script" "$url" \
		>"$out" 2>&1 || true
	cat "$out" >>"$OUT/wrk.log"
	grep '^BENCHJSON ' "$out" | tail -1 | cut -d' ' -f2-
}

record() { # JSON fields (without braces) + BENCHJSON object: one line in results.jsonl
	local meta=$1 data=${2:-}
	[ -n "$data" ] || data='{}'
	# One line per record (hyperfine's JSON spans many); a broken measurement is kept as null.
	printf '{%s, "data": %s}' "$meta" "$data" | python3 -c 'import json,sys
t=sys.stdin.read()
try: print(json.dumps(json.loads(t)))
except ValueError: print(json.dumps({"broken": t}))' >>"$OUT/results.jsonl"
}
