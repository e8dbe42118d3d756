//
// Metrics.h
//

#ifndef Sygen_Metrics_INCLUDED
#define Sygen_Metrics_INCLUDED

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace Sygen {

class Metrics
/// Counters and a job duration histogram for GET /metrics (Prometheus text).
/// Thread-safe; request counting takes one short lock.
{
public:
	struct Gauges
	/// Values read at scrape time from the parts that own them.
	{
		std::size_t queueDepth = 0;
		std::size_t queueCapacity = 0; ///< webhooks.queue_capacity.
		std::size_t workersBusy = 0;
		std::size_t workersIdle = 0;
		std::size_t workersRestarting = 0;
		std::uint64_t workerRestarts = 0; ///< Processes started after each slot's first, since start.
		bool journalWritable = true;
		std::uint64_t journalWriteFailures = 0;
		std::size_t journalDamagedRecords = 0; ///< Found by the last start.
		std::size_t unwrittenResults = 0;
		bool jobsHeld = false; ///< Queued jobs wait for a problem to clear.
	};

	void countResponse(const std::string& route, int status);
	void countJob(const std::string& status, long long durationMs);

	std::string render(const Gauges& gauges) const;
	/// The exposition text.

	static const std::array<double, 10> DURATION_BUCKETS_SECONDS;

private:
	static std::string statusClass(const std::string& status);

	mutable std::mutex _mutex;
	std::map<std::pair<std::string, int>, std::uint64_t> _responses;
	std::map<std::string, std::uint64_t> _jobs;
	std::array<std::uint64_t, 10> _durationBuckets{};
	std::uint64_t _durationCount = 0;
	double _durationSum = 0;
};

} // namespace Sygen

#endif // Sygen_Metrics_INCLUDED
