//
// ClusterRateLimiter.cpp
//

#include "cluster/ClusterRateLimiter.h"
#include "cluster/PostgresTransaction.h"
#include "jobs/JobStore.h"
#include <Poco/Logger.h>
#include <algorithm>

namespace Sygen {

namespace {

using Params = std::vector<PostgresConnection::Param>;

const long long WINDOW_SECONDS = RateLimiter::WINDOW_SECONDS;
const std::size_t ROWS_PER_INSERT = 1000; // 4 parameters a row; PostgreSQL takes 65,535 at most

long long nowSecond()
{
	return Poco::Timestamp().epochTime();
}

long long countOf(const std::map<std::string, long long>& counts, const std::string& client)
{
	auto found = counts.find(client);
	return found == counts.end() ? 0 : found->second;
}

} // namespace

ClusterRateLimiter::ClusterRateLimiter(PostgresPool& pool, const std::string& nodeId, int perMinute, int perIpPerMinute, int leaseSeconds):
	_pool(pool),
	_nodeId(nodeId),
	_perMinute(perMinute),
	_perIpPerMinute(perIpPerMinute),
	_leaseSeconds(leaseSeconds)
{
}

ClusterRateLimiter::~ClusterRateLimiter()
{
	stop();
}

int ClusterRateLimiter::share(int limit, long long used, long long nodes)
{
	long long room = std::max(0LL, static_cast<long long>(limit) - used);
	// Rounded up, so that a small remainder is still reachable by some node.
	return static_cast<int>((room + nodes - 1) / std::max(1LL, nodes));
}

int ClusterRateLimiter::retryAfter(const Seen& seen, int limit, long long second)
{
	// A full window frees its oldest second WINDOW_SECONDS after it; with room left
	// the next sync gives a new share.
	if (seen.count < limit || seen.oldestSecond == 0) return 1;
	return static_cast<int>(std::max(1LL, seen.oldestSecond + WINDOW_SECONDS - second));
}

RateLimiter::Decision ClusterRateLimiter::admit(const std::string& clientAddress, const std::function<RateLimiter::Decision()>& local)
{
	if (_perMinute <= 0) return local();
	std::lock_guard<std::mutex> lock(_mutex);
	long long second = nowSecond();
	if (share(_perMinute, _view.total.count, _view.nodes) - countOf(_unwritten, "") <= 0)
		return RateLimiter::Decision{false, retryAfter(_view.total, _perMinute, second)};
	if (_perIpPerMinute > 0)
	{
		auto found = _view.clients.find(clientAddress);
		Seen seen = found == _view.clients.end() ? Seen() : found->second;
		if (share(_perIpPerMinute, seen.count, _view.nodes) - countOf(_unwritten, clientAddress) <= 0)
			return RateLimiter::Decision{false, retryAfter(seen, _perIpPerMinute, second)};
	}
	RateLimiter::Decision decision = local();
	if (decision.allowed)
	{
		++_unwritten[""];
		if (_perIpPerMinute > 0) ++_unwritten[clientAddress];
	}
	return decision;
}

bool ClusterRateLimiter::sync()
{
	std::map<std::string, long long> counts;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		counts = _unwritten;
	}
	long long second = nowSecond();
	View view;
	try
	{
		view = _pool.with([&](PostgresConnection& connection) {
			PostgresTransaction transaction(connection);
			write(connection, counts, second);
			View fresh = read(connection, second);
			transaction.commit();
			return fresh;
		});
	}
	catch (Poco::Exception& exc)
	{
		// An outage is logged once by the pool; the counts wait for the next sync.
		if (!dynamic_cast<BackendUnavailable*>(&exc)) Poco::Logger::get("Backend").error("rate limit sync failed: %s", exc.displayText());
		return false;
	}
	std::lock_guard<std::mutex> lock(_mutex);
	// What was written is in the view now; what came meanwhile stays to be written.
	for (const auto& entry: counts)
	{
		auto kept = _unwritten.find(entry.first);
		kept->second -= entry.second;
		if (kept->second <= 0) _unwritten.erase(kept);
	}
	_view = std::move(view);
	return true;
}

void ClusterRateLimiter::write(PostgresConnection& connection, const std::map<std::string, long long>& counts, long long second)
{
	auto next = counts.begin();
	while (next != counts.end())
	{
		std::string sql = "INSERT INTO sygen_rate (node_id, at_second, client, count) VALUES ";
		Params params;
		for (std::size_t row = 0; row < ROWS_PER_INSERT && next != counts.end(); ++row, ++next)
		{
			std::size_t n = params.size();
			sql += (row ? ",($" : "($") + std::to_string(n + 1) + ",$" + std::to_string(n + 2) + ",$" + std::to_string(n + 3) + ",$" +
				std::to_string(n + 4) + ")";
			params.insert(params.end(), {_nodeId, std::to_string(second), next->first, std::to_string(next->second)});
		}
		connection.query(sql + " ON CONFLICT (node_id, at_second, client) DO UPDATE SET count = sygen_rate.count + EXCLUDED.count", params);
	}
	connection.query("DELETE FROM sygen_rate WHERE at_second <= $1", {std::to_string(second - 2 * WINDOW_SECONDS)});
}

ClusterRateLimiter::View ClusterRateLimiter::read(PostgresConnection& connection, long long second)
{
	View view;
	PostgresResult rows = connection.query("SELECT client, sum(count)::bigint, min(at_second) FROM sygen_rate WHERE at_second > $1"
										   " AND ($2 OR client = '') GROUP BY client",
		{std::to_string(second - WINDOW_SECONDS), _perIpPerMinute > 0 ? "true" : "false"});
	for (int row = 0; row < rows.rows(); ++row)
	{
		Seen seen{rows.integer(row, 1), rows.integer(row, 2)};
		if (rows.text(row, 0).empty()) view.total = seen;
		else view.clients[rows.text(row, 0)] = seen;
	}
	long long leaseCutoff = Poco::Timestamp().epochMicroseconds() - static_cast<long long>(_leaseSeconds) * 1000 * 1000;
	view.nodes = std::max(
		1LL, connection.query("SELECT count(*) FROM sygen_nodes WHERE heartbeat_us > $1", {std::to_string(leaseCutoff)}).integer(0, 0));
	return view;
}

void ClusterRateLimiter::start()
{
	sync();
	PollingThread::Steps steps;
	steps.often = [this] { sync(); };
	// sync() reports its own failures; anything else it throws is logged here.
	steps.failed = [](const std::exception& exc) {
		Poco::Logger::get("Backend").error("rate limit sync failed: %s", std::string(exc.what()));
	};
	Poco::Timespan interval(0, SYNC_INTERVAL_MS * 1000);
	_polling.start(interval, interval, steps);
}

void ClusterRateLimiter::stop()
{
	if (_polling.stop()) sync();
}

} // namespace Sygen
