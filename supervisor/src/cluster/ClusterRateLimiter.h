//
// ClusterRateLimiter.h
//
// rate_limit_per_minute and rate_limit_per_ip_per_minute as the cluster's totals.
//

#ifndef Sygen_ClusterRateLimiter_INCLUDED
#define Sygen_ClusterRateLimiter_INCLUDED

#include "Sygen/Foundation/PollingThread.h"
#include "http/RateLimiter.h"
#include "jobs/PostgresPool.h"
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace Sygen {

class ClusterRateLimiter
/// The limits of SPEC §7 for the whole cluster, with no database round trip on
/// the request path: once a second sync() adds this node's admissions since the
/// last sync to sygen_rate (one row per node, second and client; client "" is
/// the global count) and reads back the cluster's counts of the last 60 seconds
/// and the number of live nodes N. Until the next sync this node may admit
/// ceil((limit - cluster count) / N) more requests (per client address likewise
/// with the per-IP limit), on top of its own sliding window (RateLimiter), which
/// still applies as on a single node.
///
/// Bound on overshoot (docs/DECISIONS.md): what a node admits between two syncs
/// is at most its share, and the others see it at their next sync, so in any
/// 60 s the cluster admits at most limit + (N - 1) * ceil(limit / N) (all nodes
/// spending a full share in the same second, before any of them has seen the
/// others'), plus the slack of one-second buckets against a sliding window.
/// The client rows are bounded by the admissions themselves (at most the global
/// limit a minute). Thread-safe.
{
public:
	static constexpr int SYNC_INTERVAL_MS = 1000;

	ClusterRateLimiter(PostgresPool& pool, const std::string& nodeId, int perMinute, int perIpPerMinute, int leaseSeconds);
	~ClusterRateLimiter();
	/// Stops the thread (this node's last admissions are written).

	ClusterRateLimiter(const ClusterRateLimiter&) = delete;
	ClusterRateLimiter& operator=(const ClusterRateLimiter&) = delete;

	RateLimiter::Decision admit(const std::string& clientAddress, const std::function<RateLimiter::Decision()>& local);
	/// Denies when this node's share of the cluster's room is spent; otherwise
	/// the answer of local() (this node's RateLimiter::check, which records the
	/// request when it allows it). Retry-After: until the oldest second of a full
	/// cluster window leaves it, or 1 s (the next share) when there is room left.

	bool sync();
	/// One round trip (see above); false when the database cannot be reached
	/// (the counts are kept for the next one, the last view stays in force).

	void start();
	/// sync() now, then every SYNC_INTERVAL_MS on a thread of its own.
	void stop();

private:
	struct Seen
	/// The cluster's admissions of one client (or all) in the last 60 s.
	{
		long long count = 0;
		long long oldestSecond = 0;
	};

	struct View
	{
		Seen total;
		std::map<std::string, Seen> clients;
		long long nodes = 1;
	};

	static int share(int limit, long long used, long long nodes);
	static int retryAfter(const Seen& seen, int limit, long long nowSecond);
	void write(PostgresConnection& connection, const std::map<std::string, long long>& counts, long long second);
	View read(PostgresConnection& connection, long long second);

	PostgresPool& _pool;
	const std::string _nodeId;
	const int _perMinute;
	const int _perIpPerMinute;
	const int _leaseSeconds;

	std::mutex _mutex;
	View _view;
	std::map<std::string, long long> _unwritten;
	///< Admitted and not yet in the database, thus not in _view ("" = all clients).

	PollingThread _polling;
};

} // namespace Sygen

#endif // Sygen_ClusterRateLimiter_INCLUDED
