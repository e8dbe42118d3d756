-- wrk script: POST the same JSON body with the same headers on every request.
--   BENCH_BODY_FILE  file holding the body
--   BENCH_HEADERS    extra headers, "Name: value" separated by "|"
--   BENCH_PATH       request path (default: the URL's)
-- done() prints one line "BENCHJSON {...}" that bench/run.sh parses.
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
if os.getenv("BENCH_PATH") then wrk.path = os.getenv("BENCH_PATH") end
wrk.headers["Content-Type"] = "application/json"
for h in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^|]+") do
	local name, value = string.match(h, "^%s*([^:]+):%s*(.*)$")
	if name then wrk.headers[name] = value end
end

function done(summary, latency, requests)
	local s = summary.duration / 1e6
	io.write(string.format(
		'BENCHJSON {"requests":%d,"seconds":%.3f,"rps":%.1f,"non2xx":%d,"connect_errors":%d,"read_errors":%d,' ..
		'"write_errors":%d,"timeouts":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
		summary.requests, s, summary.requests / s, summary.errors.status, summary.errors.connect,
		summary.errors.read, summary.errors.write, summary.errors.timeout,
		latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
