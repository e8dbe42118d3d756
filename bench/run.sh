#!/usr/bin/env bash
# Runs every benchmark scenario against sygen-webhookd, adnanh/webhook and nginx on
# loopback, alternating the systems within each round, then writes the tables and the
# plot (bench/report.py). Usage:
#
#     bench/setup.sh && bench/run.sh
#
# Knobs (environment): BENCH_DURATION (s per measurement, 5), BENCH_ROUNDS (3),
# BENCH_CONCURRENCY ("1 4 16 64 256"), BENCH_SCENARIOS ("accepted rejected e2e memory
# reload overload cluster"), BENCH_E2E_JOBS (1000), BENCH_OVERLOAD_SECONDS (30), BENCH_OUT,
# BENCH_BUILD_DIR (./build-bench), BENCH_PORT_OFFSET (0: ports 18742, 19000, 18080).
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
BUILD="${BENCH_BUILD_DIR:-$ROOT/build-bench}"
BIN="$BUILD/bin"
FAKECLI_DIR="$BUILD/fakecli"   # tests/fakecli (Poco): its start is timed as a reference
NOOPCLI_DIR="$BUILD/noopcli"   # bench/noop_cli.c (static): the CLI of every job run here
DURATION="${BENCH_DURATION:-5}"
ROUNDS="${BENCH_ROUNDS:-3}"
CONCURRENCY="${BENCH_CONCURRENCY:-1 4 16 64 256}"
SCENARIOS="${BENCH_SCENARIOS:-accepted rejected e2e memory reload overload cluster}"
E2E_JOBS="${BENCH_E2E_JOBS:-1000}"
OVERLOAD_SECONDS="${BENCH_OVERLOAD_SECONDS:-30}"
OUT="${BENCH_OUT:-$BENCH_DIR/results/run-$(date -u +%Y%m%dT%H%M%SZ)}"
REJECT_C=16      # connections for the rejected-path runs
CLUSTER_C=64     # connections for the cluster rows' accepted path
CLUSTER_PARTS="${BENCH_CLUSTER_PARTS:-accepted e2e}"   # profiling: one part alone
HOOKS_C=16       # connections for the 2 vs 10,000 hooks comparison
BIG=10000        # "10,000 hooks", "10,000 jobs"
UNLIMITED=1000000000
PY="$(command -v /usr/bin/python3 || command -v python3)"   # a plain interpreter for hyperfine

. "$BENCH_DIR/lib.sh"
for f in "$BIN/sygen-webhookd" "$BIN/sygen-webhook-worker" "$BIN/sygen-webhookctl" "$FAKECLI_DIR/claude" "$NOOPCLI_DIR/claude"; do
	[ -x "$f" ] || { echo "missing $f: run bench/setup.sh first" >&2; exit 1; }
done
for t in wrk hyperfine nginx webhook gnuplot curl python3 awk; do
	command -v "$t" >/dev/null || { echo "missing $t: run bench/setup.sh first" >&2; exit 1; }
done

WORK="$(mktemp -d /tmp/sygen-bench.XXXXXX)"
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$OUT"
: >"$OUT/results.jsonl"
write_body

machine_facts() {
	{
		echo "{"
		echo "\"command\": \"$(echo "BENCH_DURATION=$DURATION BENCH_ROUNDS=$ROUNDS BENCH_CONCURRENCY=\\\"$CONCURRENCY\\\" BENCH_SCENARIOS=\\\"$SCENARIOS\\\" bench/run.sh")\","
		echo "\"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\","
		echo "\"nproc\": $(nproc),"
		echo "\"cpu\": \"$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)\","
		echo "\"mem_total_mib\": $(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo),"
		echo "\"kernel\": \"$(uname -r)\","
		echo "\"filesystem\": \"$(df -T "$WORK" | awk 'NR==2 {print $2}')\","
		echo "\"source\": \"$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')\","
		echo "\"load_before\": \"$(cut -d' ' -f1-3 /proc/loadavg)\","
		echo "\"versions\": {\"sygen-webhookd\": \"$("$BIN/sygen-webhookd" --version | awk '{print $2}')\", \"webhook\": \"$(webhook -version | awk '{print $3}')\", \"nginx\": \"$(nginx -v 2>&1 | sed 's|.*/||')\", \"wrk\": \"$(dpkg-query -W -f='${Version}' wrk)\", \"hyperfine\": \"$(hyperfine --version | awk '{print $2}')\"}"
		echo "}"
	} >"$OUT/machine.json"
}

bearer="Authorization: Bearer $TOKEN"
bad_bearer="Authorization: Bearer wrong-token-0000000000000000000000000000000"

ours_url() { echo "http://127.0.0.1:$OURS_PORT/hooks/$1"; }
webhook_url() { echo "http://127.0.0.1:$WEBHOOK_PORT/hooks/$1"; }
nginx_url() { echo "http://127.0.0.1:$NGINX_PORT/hooks/$1"; }

# ---- ingress, accepted -------------------------------------------------------------
# Ours: a fresh service per measurement with its workers stopped, so that the figure is
# the ingress path alone (checks, durable spool with group-commit fdatasync, 202); the
# jobs stay queued. adnanh/webhook runs its no-op command per request; nginx returns 202.
measure_ours_accepted() { # c hooks
	start_ours accepted "$2" "$UNLIMITED" "$UNLIMITED"
	stop_workers 2
	wrk_run post.lua "$(ours_url bench)" "$1" 1 "$bearer" >/dev/null
	local peak="$WORK/rss-ours"; : >"$peak"
	sample_rss "$OURS_PID" "$peak" & local sampler=$!
	local data; data=$(wrk_run post.lua "$(ours_url bench)" "$1" "$DURATION" "$bearer")
	kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
	local rss; rss=$(awk 'BEGIN {m=0} $2 > m {m=$2} END {print m}' "$peak")
	stop_ours
	echo "$data" | python3 -c 'import json,sys; d=json.load(sys.stdin); d["rss_peak_kib"]='"$rss"'; print(json.dumps(d))'
}

scenario_accepted() {
	start_webhook 2
	start_nginx
	local r c
	for r in $(seq 1 "$ROUNDS"); do
		for c in $CONCURRENCY; do
			log "accepted: round $r, $c connections"
			record "\"scenario\": \"accepted\", \"system\": \"sygen\", \"c\": $c, \"round\": $r, \"hooks\": 2" \
				"$(measure_ours_accepted "$c" 2)"
			wrk_run post.lua "$(webhook_url bench)" "$c" 1 "$bearer" >/dev/null
			record "\"scenario\": \"accepted\", \"system\": \"webhook\", \"c\": $c, \"round\": $r, \"hooks\": 2" \
				"$(wrk_run post.lua "$(webhook_url bench)" "$c" "$DURATION" "$bearer")"
			wrk_run post.lua "$(nginx_url bench)" "$c" 1 "$bearer" >/dev/null
			record "\"scenario\": \"accepted\", \"system\": \"nginx\", \"c\": $c, \"round\": $r, \"hooks\": 2" \
				"$(wrk_run post.lua "$(nginx_url bench)" "$c" "$DURATION" "$bearer")"
			if [ "$c" = "$HOOKS_C" ]; then
				record "\"scenario\": \"accepted\", \"system\": \"sygen\", \"c\": $c, \"round\": $r, \"hooks\": $BIG" \
					"$(measure_ours_accepted "$c" "$BIG")"
			fi
		done
	done
	stop_webhook
	stop_nginx
}

# ---- ingress, rejected -------------------------------------------------------------
scenario_rejected() {
	start_webhook 2
	start_ours rejected 2 "$UNLIMITED" "$UNLIMITED"
	stop_workers 2
	local r kind
	for r in $(seq 1 "$ROUNDS"); do
		for kind in bearer hmac; do
			log "rejected: round $r, wrong $kind"
			local hook=bench headers=$bad_bearer
			[ "$kind" = hmac ] && { hook=bench-hmac; headers="X-Hub-Signature-256: $BAD_SIG"; }
			wrk_run post.lua "$(ours_url "$hook")" "$REJECT_C" 1 "$headers" >/dev/null
			record "\"scenario\": \"rejected\", \"kind\": \"$kind\", \"system\": \"sygen\", \"c\": $REJECT_C, \"round\": $r" \
				"$(wrk_run post.lua "$(ours_url "$hook")" "$REJECT_C" "$DURATION" "$headers")"
			wrk_run post.lua "$(webhook_url "$hook")" "$REJECT_C" 1 "$headers" >/dev/null
			record "\"scenario\": \"rejected\", \"kind\": \"$kind\", \"system\": \"webhook\", \"c\": $REJECT_C, \"round\": $r" \
				"$(wrk_run post.lua "$(webhook_url "$hook")" "$REJECT_C" "$DURATION" "$headers")"
		done
	done
	# The valid HMAC is accepted by both (a sanity check of the set-up, not a figure).
	local ok_ours ok_webhook
	ok_ours=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -H "X-Hub-Signature-256: $SIG" --data-binary @"$WORK/body.json" "$(ours_url bench-hmac)")
	ok_webhook=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -H "X-Hub-Signature-256: $SIG" --data-binary @"$WORK/body.json" "$(webhook_url bench-hmac)")
	record "\"scenario\": \"rejected-sanity\", \"system\": \"both\"" "{\"valid_hmac_sygen\": $ok_ours, \"valid_hmac_webhook\": $ok_webhook}"
	stop_ours
	stop_webhook
}

# ---- end to end -------------------------------------------------------------------
# Throughput: E2E_JOBS jobs are queued while the workers are stopped, then the two
# default workers are started and the drain is timed (completions from /metrics).
# Latency: jobs at half that rate for 10 s; 202 latency from wrk, 202 -> CLI start from
# the journal's queued_at and the no-op CLI's started_at_us (bench/e2e_latency.py).
scenario_e2e() {
	local r
	# The floor: one start of the no-op CLI the jobs run (bench/noop_cli.c, static), of
	# /bin/true, and for reference of the Poco-linked fake CLI of the tests (its dynamic
	# loader alone takes ~4 ms), timed by hyperfine.
	echo '{"no_record": true}' >"$WORK/fakecli-noop.json"
	FAKE_CLI_CONTROL="$WORK/fakecli-noop.json" hyperfine -N --warmup 10 --runs 200 --export-json "$WORK/hf-cli.json" \
		-n noopcli "$NOOPCLI_DIR/claude -p x" -n /bin/true "/bin/true" -n fakecli "$FAKECLI_DIR/claude -p x" \
		>>"$OUT/hyperfine.log" 2>&1
	record "\"scenario\": \"cli-floor\", \"system\": \"sygen\"" "$(cat "$WORK/hf-cli.json")"
	for r in $(seq 1 "$ROUNDS"); do
		log "e2e: round $r, throughput with $E2E_JOBS jobs"
		start_ours e2e 2 "$E2E_JOBS" "$UNLIMITED"
		stop_workers 2
		local fill; fill=$(BENCH_DELAY_MS=0 wrk_run seq.lua "$(ours_url bench)" 32 3 "$bearer")
		local queued; queued=$(metric sygen_webhook_queue_depth)
		local t0 t1 done_jobs; t0=$(date +%s.%N)
		start_workers 2
		done_jobs=$(python3 "$BENCH_DIR/wait_drained.py" "$queued" 60 "http://127.0.0.1:$OURS_PORT/metrics")
		t1=$(date +%s.%N)
		local ok; ok=$(metric 'sygen_webhook_jobs_total{status="success"}')
		local whwm=0 p; for p in $(worker_pids); do whwm=$(( $(hwm_kib "$p") > whwm ? $(hwm_kib "$p") : whwm )); done
		local wrss=0; for p in $(worker_pids); do wrss=$(( $(rss_kib "$p") > wrss ? $(rss_kib "$p") : wrss )); done
		local srss; srss=$(rss_kib "$OURS_PID")
		record "\"scenario\": \"e2e-throughput\", \"system\": \"sygen\", \"round\": $r" \
			"{\"queued\": $queued, \"finished\": $done_jobs, \"success\": $ok, \"seconds\": $(calc "$t1 - $t0"), \"jobs_per_s\": $(calc "$done_jobs / ($t1 - $t0)"), \"worker_rss_kib\": $wrss, \"worker_hwm_kib\": $whwm, \"supervisor_rss_kib\": $srss, \"fill\": $fill}"
		stop_ours

		local rate; rate=$(calci "$done_jobs / ($t1 - $t0) / 2")
		[ "$rate" -ge 10 ] || rate=10
		log "e2e: round $r, latency at $rate jobs/s (half the drain rate)"
		start_ours e2e-latency 2 "$UNLIMITED" "$UNLIMITED"
		# Two connections, each paced: one request every 2000/rate ms (minus ~the answer time).
		local delay; delay=$(calci "(2000 / $rate) - 1"); [ "$delay" -ge 1 ] || delay=1
		local lat; lat=$(BENCH_DELAY_MS=$delay wrk_run seq.lua "$(ours_url bench)" 2 10 "$bearer")
		local accepted; accepted=$(metric 'sygen_webhook_http_responses_total{route="hooks",status="202"}')
		python3 "$BENCH_DIR/wait_drained.py" "$accepted" 10 "http://127.0.0.1:$OURS_PORT/metrics" >/dev/null
		local dispatch; dispatch=$(python3 "$BENCH_DIR/e2e_latency.py" "$OURS_HOME/webhook-state/spool/journal" \
			"$OURS_HOME/workspace/cron_tasks/bench/started.log")
		record "\"scenario\": \"e2e-latency\", \"system\": \"sygen\", \"round\": $r, \"target_rate\": $rate, \"delay_ms\": $delay" \
			"{\"wrk\": $lat, \"dispatch\": $dispatch}"
		stop_ours
	done
}

# ---- memory -------------------------------------------------------------------------
scenario_memory() {
	local p
	log "memory: ours idle, 2 hooks"
	start_ours mem 2 20000 "$UNLIMITED"; sleep 2
	local w=0; for p in $(worker_pids); do w=$(( $(rss_kib "$p") > w ? $(rss_kib "$p") : w )); done
	p=$(worker_pids | head -1)
	record "\"scenario\": \"memory\", \"system\": \"sygen\", \"state\": \"idle, 2 hooks\"" "{\"supervisor_kib\": $(rss_kib "$OURS_PID"), \"supervisor_anon_kib\": $(anon_kib "$OURS_PID"), \"worker_kib\": $w, \"worker_anon_kib\": $(anon_kib "$p"), \"worker_file_kib\": $(file_kib "$p"), \"worker_pss_kib\": $(pss_kib "$p")}"
	stop_ours

	log "memory: ours idle, $BIG hooks, then $BIG jobs queued"
	start_ours mem "$BIG" 20000 "$UNLIMITED"; sleep 2
	w=0; for p in $(worker_pids); do w=$(( $(rss_kib "$p") > w ? $(rss_kib "$p") : w )); done
	p=$(worker_pids | head -1)
	record "\"scenario\": \"memory\", \"system\": \"sygen\", \"state\": \"idle, $BIG hooks\"" "{\"supervisor_kib\": $(rss_kib "$OURS_PID"), \"supervisor_anon_kib\": $(anon_kib "$OURS_PID"), \"worker_kib\": $w, \"worker_anon_kib\": $(anon_kib "$p"), \"worker_file_kib\": $(file_kib "$p"), \"worker_pss_kib\": $(pss_kib "$p")}"
	stop_workers 2
	# Exactly BIG jobs: the queue holds BIG, the rest of the flood gets 503.
	stop_ours
	start_ours mem "$BIG" "$BIG" "$UNLIMITED"; stop_workers 2
	local fill; fill=$(wrk_run seq.lua "$(ours_url bench)" 64 5 "$bearer")
	sleep 1
	record "\"scenario\": \"memory\", \"system\": \"sygen\", \"state\": \"$BIG hooks, $(metric sygen_webhook_queue_depth) jobs queued\"" \
		"{\"supervisor_kib\": $(rss_kib "$OURS_PID"), \"supervisor_hwm_kib\": $(hwm_kib "$OURS_PID"), \"fill\": $fill}"
	stop_ours

	for hooks in 2 "$BIG"; do
		log "memory: adnanh/webhook, $hooks hooks, idle and under a flood"
		start_webhook "$hooks"; sleep 1
		local idle; idle=$(rss_kib "$WEBHOOK_PID")
		local flood; flood=$(wrk_run post.lua "$(webhook_url bench)" 16 "$DURATION" "$bearer")
		record "\"scenario\": \"memory\", \"system\": \"webhook\", \"state\": \"$hooks hooks\"" \
			"{\"idle_kib\": $idle, \"flood_hwm_kib\": $(hwm_kib "$WEBHOOK_PID"), \"after_kib\": $(rss_kib "$WEBHOOK_PID"), \"flood\": $flood}"
		stop_webhook
	done
	start_nginx; sleep 0.5
	record "\"scenario\": \"memory\", \"system\": \"nginx\", \"state\": \"idle (master + workers)\"" "{\"idle_kib\": $(rss_tree_kib "$NGINX_PID")}"
	stop_nginx
}

# ---- hook reload vs request rate -------------------------------------------------------
# The admin "reload" round trip with 10,000 hooks, timed by hyperfine, idle and while
# wrk floods the accepted path; "help" is the same round trip without the reload.
scenario_reload() {
	start_ours reload "$BIG" "$UNLIMITED" "$UNLIMITED"
	stop_workers 2
	local sock="$OURS_HOME/webhook-state/admin.sock" state
	for state in idle flood; do
		log "reload: $state"
		local wrk_pid=""
		if [ "$state" = flood ]; then
			wrk_run post.lua "$(ours_url bench)" 16 8 "$bearer" >"$WORK/reload-flood.json" & wrk_pid=$!
			sleep 1
		fi
		hyperfine -N --warmup 2 --runs 15 --export-json "$WORK/hf-$state.json" \
			-n help "$PY $BENCH_DIR/admin.py $sock help" \
			-n reload "$PY $BENCH_DIR/admin.py $sock reload" >>"$OUT/hyperfine.log" 2>&1
		[ -z "$wrk_pid" ] || wait "$wrk_pid" || true
		record "\"scenario\": \"reload\", \"system\": \"sygen\", \"state\": \"$state\", \"hooks\": $BIG" "$(cat "$WORK/hf-$state.json")"
	done
	stop_ours
}

# ---- overload ---------------------------------------------------------------------------
# 10x the sustainable (end-to-end) rate for OVERLOAD_SECONDS with the default queue
# (1000) and 2 workers: RSS sampled, statuses counted; then the time to the first 202
# and to an empty queue, and a check that every 202 job finished. A second, short run
# shows the rate limit's 429.
scenario_overload() {
	local sustainable; sustainable=$(python3 "$BENCH_DIR/report.py" --sustainable "$OUT/results.jsonl" 2>/dev/null || echo 300)
	local rate=$(( sustainable * 10 )) c=16
	local delay; delay=$(calci "($c * 1000 / $rate)"); [ "$delay" -ge 1 ] || delay=1
	log "overload: $rate requests/s offered ($c connections, ${delay} ms apart) for ${OVERLOAD_SECONDS} s"
	start_ours overload 2 1000 "$UNLIMITED"
	local rssfile="$OUT/overload-rss.txt"; : >"$rssfile"
	sample_rss "$OURS_PID" "$rssfile" & local sampler=$!
	local flood; flood=$(BENCH_DELAY_MS=$delay wrk_run seq.lua "$(ours_url bench)" "$c" "$OVERLOAD_SECONDS" "$bearer")
	local t0; t0=$(date +%s.%N)
	local first202="" code
	for _ in $(seq 1 3000); do
		code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -H "$bearer" -d '{"seq":"probe"}' "$(ours_url bench)")
		if [ "$code" = 202 ]; then first202=$(calc "$(date +%s.%N) - $t0"); break; fi
		sleep 0.01
	done
	local health; health=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$OURS_PORT/health")
	local accepted drained=""
	for _ in $(seq 1 3000); do
		accepted=$(metric 'sygen_webhook_http_responses_total{route="hooks",status="202"}')
		if [ "$(jobs_finished)" -ge "$accepted" ]; then drained=$(calc "$(date +%s.%N) - $t0"); break; fi
		sleep 0.05
	done
	kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
	local finished; finished=$(jobs_finished)
	local unfinished; unfinished=$(ctl jobs list --json --limit 100000 | python3 -c 'import json,sys; print(sum(1 for j in json.load(sys.stdin) if j.get("status") in ("queued","running")))' 2>/dev/null || echo -1)
	local rss_max; rss_max=$(awk 'BEGIN {m=0} $2 > m {m=$2} END {print m}' "$rssfile")
	local rss_first; rss_first=$(awk 'NR==3 {print $2}' "$rssfile")
	record "\"scenario\": \"overload\", \"system\": \"sygen\", \"offered_rate\": $rate, \"sustainable\": $sustainable, \"seconds\": $OVERLOAD_SECONDS" \
		"{\"flood\": $flood, \"first_202_after_s\": ${first202:-null}, \"health_s\": $health, \"drained_after_s\": ${drained:-null}, \"accepted_202\": $accepted, \"finished\": $finished, \"unfinished_after\": $unfinished, \"rss_max_kib\": $rss_max, \"rss_start_kib\": ${rss_first:-0}}"
	stop_ours

	# 600 a minute: the window fills within the first seconds of the flood.
	log "overload: rate limit (600/min) under a flood"
	start_ours ratelimit 2 1000 600
	local limited; limited=$(wrk_run seq.lua "$(ours_url bench)" 16 10 "$bearer")
	record "\"scenario\": \"ratelimit\", \"system\": \"sygen\", \"rate_limit_per_minute\": 600" "$limited"
	stop_ours
}

# ---- cluster (PostgreSQL backend) ----------------------------------------------------
# One PostgreSQL 15 of our own (bench/lib.sh start_postgres: durable commits), a fresh
# schema per measurement. Accepted path at CLUSTER_C connections: ours on the spool, ours
# on PostgreSQL, adnanh/webhook, side by side in each round. End to end: 2 nodes x 2
# workers on the one database, jobs accepted by both; then 202 -> CLI start at half
# that rate, queued_us from the database joined with both nodes' no-op CLI logs.
pg_backend() { # node id
	echo "{\"type\": \"postgres\", \"dsn\": \"$PG_DSN\", \"node_id\": \"$1\", \"pool_size\": 4}"
}

measure_postgres_accepted() { # c
	reset_postgres
	OURS_BACKEND="$(pg_backend node1)" start_ours accepted-pg 2 "$UNLIMITED" "$UNLIMITED"
	stop_workers 2
	wrk_run post.lua "$(ours_url bench)" "$1" 1 "$bearer" >/dev/null
	local data; data=$(wrk_run post.lua "$(ours_url bench)" "$1" "$DURATION" "$bearer")
	stop_ours
	echo "$data"
}

NODE_PID=(); NODE_HOME=(); NODE_PORT=()
start_node() { # n workers: cluster node n on its own port and home
	local n=$1
	NODE_PORT[$n]=$((OURS_PORT + 100 + n))
	OURS_BACKEND="$(pg_backend "node$n")" OURS_JOB_HISTORY="$UNLIMITED" OURS_PORT="${NODE_PORT[$n]}" \
		start_ours "node$n" 2 "$UNLIMITED" "$UNLIMITED" "$2"
	NODE_PID[$n]=$OURS_PID
	NODE_HOME[$n]=$OURS_HOME
	OURS_PID=""
}
node_ctl() { local n=$1; shift; "$BIN/sygen-webhookctl" --home "${NODE_HOME[$n]}" "$@"; }
node_url() { echo "http://127.0.0.1:${NODE_PORT[$1]}/hooks/bench"; }
node_metrics() { echo "http://127.0.0.1:${NODE_PORT[$1]}/metrics"; }
stop_node() {
	kill -TERM "${NODE_PID[$1]}" 2>/dev/null || true
	wait "${NODE_PID[$1]}" 2>/dev/null || true
	forget_pid "${NODE_PID[$1]}"
}
db_count() { psql_bench "SELECT count(*) FROM sygen_jobs WHERE $1"; }

cluster_e2e() { # round
	local r=$1 n
	reset_postgres
	start_node 1 2; start_node 2 2
	for n in 1 2; do node_ctl "$n" workers stop 1 --now >/dev/null; node_ctl "$n" workers stop 2 --now >/dev/null; done
	# Jobs accepted by both nodes at once, then both nodes' workers drain them.
	BENCH_DELAY_MS=0 BENCH_SEQ_PREFIX=a WRK_OUT="$WORK/wrk-a.out" wrk_run seq.lua "$(node_url 1)" 8 1 "$bearer" >"$WORK/fill-a" &
	local other=$!
	BENCH_DELAY_MS=0 BENCH_SEQ_PREFIX=b WRK_OUT="$WORK/wrk-b.out" wrk_run seq.lua "$(node_url 2)" 8 1 "$bearer" >"$WORK/fill-b"
	wait "$other"
	local queued; queued=$(db_count "status = 'queued'")
	local t0 t1 done_jobs=0; t0=$(date +%s.%N)
	for n in 1 2; do node_ctl "$n" workers start 1 >/dev/null; node_ctl "$n" workers start 2 >/dev/null; done
	done_jobs=$(python3 "$BENCH_DIR/wait_drained.py" "$queued" 120 "$(node_metrics 1)" "$(node_metrics 2)")
	t1=$(date +%s.%N)
	local ok; ok=$(db_count "status = 'success'")
	local per_node; per_node=$(psql_bench "SELECT coalesce(json_object_agg(node_id, c), '{}') FROM (SELECT node_id, count(*) AS c FROM sygen_jobs WHERE finished_us IS NOT NULL GROUP BY node_id) t")
	record "\"scenario\": \"cluster-e2e\", \"system\": \"sygen\", \"nodes\": 2, \"workers_per_node\": 2, \"round\": $r" \
		"{\"queued\": $queued, \"finished\": $done_jobs, \"success\": $ok, \"seconds\": $(calc "$t1 - $t0"), \"jobs_per_s\": $(calc "$done_jobs / ($t1 - $t0)"), \"per_node\": $per_node}"
	stop_node 1; stop_node 2

	local rate; rate=$(calci "$done_jobs / ($t1 - $t0) / 2")
	[ "$rate" -ge 10 ] || rate=10
	log "cluster: round $r, 202 -> CLI start across 2 nodes at $rate jobs/s (half the drain rate)"
	reset_postgres
	start_node 1 2; start_node 2 2
	# One paced connection per node: one request every 2000/rate ms each.
	local delay; delay=$(calci "(2000 / $rate) - 1"); [ "$delay" -ge 1 ] || delay=1
	BENCH_DELAY_MS=$delay BENCH_SEQ_PREFIX=a WRK_OUT="$WORK/wrk-a.out" wrk_run seq.lua "$(node_url 1)" 1 10 "$bearer" >"$WORK/lat-a" &
	local other=$!
	BENCH_DELAY_MS=$delay BENCH_SEQ_PREFIX=b WRK_OUT="$WORK/wrk-b.out" wrk_run seq.lua "$(node_url 2)" 1 10 "$bearer" >"$WORK/lat-b"
	wait "$other"
	local accepted; accepted=$(db_count "true")
	python3 "$BENCH_DIR/wait_drained.py" "$accepted" 20 "$(node_metrics 1)" "$(node_metrics 2)" >/dev/null
	"$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U sygen -d sygen -qAt -F $'\t' \
		-c "SELECT queued_us, convert_from(body, 'UTF8') FROM sygen_jobs" >"$WORK/queued.tsv"
	local dispatch; dispatch=$(python3 "$BENCH_DIR/e2e_latency.py" --queued-tsv "$WORK/queued.tsv" \
		"${NODE_HOME[1]}/workspace/cron_tasks/bench/started.log" "${NODE_HOME[2]}/workspace/cron_tasks/bench/started.log")
	local ran; ran=$(psql_bench "SELECT coalesce(json_object_agg(node_id, c), '{}') FROM (SELECT node_id, count(*) AS c FROM sygen_jobs GROUP BY node_id) t")
	record "\"scenario\": \"cluster-latency\", \"system\": \"sygen\", \"round\": $r, \"target_rate\": $rate, \"delay_ms\": $delay" \
		"{\"wrk_a\": $(cat "$WORK/lat-a"), \"wrk_b\": $(cat "$WORK/lat-b"), \"dispatch\": $dispatch, \"per_node\": $ran}"
	stop_node 1; stop_node 2
}

scenario_cluster() {
	[ -x "$PG_BIN/postgres" ] || { log "cluster: no PostgreSQL 15 in $PG_BIN (scripts/install-deps.sh): skipped"; return 0; }
	start_webhook 2
	start_postgres
	local r
	for r in $(seq 1 "$ROUNDS"); do
		case " $CLUSTER_PARTS " in *" accepted "*) ;; *) cluster_e2e "$r"; continue ;; esac
		log "cluster: round $r, accepted path at $CLUSTER_C connections (spool, PostgreSQL, adnanh/webhook)"
		record "\"scenario\": \"cluster-accepted\", \"system\": \"sygen\", \"backend\": \"spool\", \"c\": $CLUSTER_C, \"round\": $r" \
			"$(measure_ours_accepted "$CLUSTER_C" 2)"
		record "\"scenario\": \"cluster-accepted\", \"system\": \"sygen\", \"backend\": \"postgres\", \"c\": $CLUSTER_C, \"round\": $r" \
			"$(measure_postgres_accepted "$CLUSTER_C")"
		wrk_run post.lua "$(webhook_url bench)" "$CLUSTER_C" 1 "$bearer" >/dev/null
		record "\"scenario\": \"cluster-accepted\", \"system\": \"webhook\", \"c\": $CLUSTER_C, \"round\": $r" \
			"$(wrk_run post.lua "$(webhook_url bench)" "$CLUSTER_C" "$DURATION" "$bearer")"
		case " $CLUSTER_PARTS " in *" e2e "*) ;; *) continue ;; esac
		log "cluster: round $r, end to end with 2 nodes x 2 workers"
		cluster_e2e "$r"
	done
	stop_postgres
	stop_webhook
}

machine_facts
for s in $SCENARIOS; do "scenario_$s"; done
echo "\"load_after\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"" >"$OUT/load_after.txt"
python3 "$BENCH_DIR/report.py" "$OUT"
log "results in $OUT; tables in $OUT/tables.md; plot in $BENCH_DIR/throughput-latency.png"
