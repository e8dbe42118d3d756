-- wrk script: POST a unique JSON body per request ({"seq": "<thread>-<n>"}), count the
-- answers by status, and optionally pace each connection.
--   BENCH_HEADERS  extra headers, "Name: value" separated by "|"
--   BENCH_PATH     request path (default: the URL's)
--   BENCH_DELAY_MS pause before each request on a connection (0: none)
--   BENCH_SEQ_PREFIX letters before the thread number, so that two wrk runs at once
--                  (one per cluster node) send distinct sequence numbers
-- done() prints "BENCHJSON {...}" with the latency summary and the status counts.
wrk.method = "POST"
if os.getenv("BENCH_PATH") then wrk.path = os.getenv("BENCH_PATH") end
wrk.headers["Content-Type"] = "application/json"
for h in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^|]+") do
	local name, value = string.match(h, "^%s*([^:]+):%s*(.*)$")
	if name then wrk.headers[name] = value end
end
local delayMs = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local seqPrefix = os.getenv("BENCH_SEQ_PREFIX") or ""

local threads = {}
function setup(thread)
	table.insert(threads, thread)
	thread:set("tid", #threads)
end

function init(args)
	n = 0
	counts = {}
end

function request()
	n = n + 1
	return wrk.format(nil, nil, nil, string.format('{"seq":"%st%d-%d","source":"bench"}', seqPrefix, tid, n))
end

if delayMs > 0 then
	function delay() return delayMs end
end

function response(status, headers, body)
	counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
	local total = {}
	for _, t in ipairs(threads) do
		for status, c in pairs(t:get("counts")) do total[status] = (total[status] or 0) + c end
	end
	local parts = {}
	for status, c in pairs(total) do table.insert(parts, string.format('"%d":%d', status, c)) end
	local s = summary.duration / 1e6
	io.write(string.format(
		'BENCHJSON {"requests":%d,"seconds":%.3f,"rps":%.1f,"non2xx":%d,"connect_errors":%d,"read_errors":%d,' ..
		'"write_errors":%d,"timeouts":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,"status":{%s}}\n',
		summary.requests, s, summary.requests / s, summary.errors.status, summary.errors.connect,
		summary.errors.read, summary.errors.write, summary.errors.timeout,
		latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
		table.concat(parts, ",")))
end
