//
// Metrics.cpp
//

#include "Metrics.h"
#include "Sygen/Protocol/JobStatus.h"
#include <sstream>

namespace Sygen {

const std::array<double, 10> Metrics::DURATION_BUCKETS_SECONDS = {0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600};

void Metrics::countResponse(const std::string& route, int status)
{
	std::lock_guard<std::mutex> lock(_mutex);
	++_responses[{route, status}];
}

std::string Metrics::statusClass(const std::string& status)
{
	// error:exit_<n> and error:unknown_mode_<m> would make one series per value:
	// fold them so a hostile hook file cannot explode the label set.
	if (status.rfind(JobStatus::ERROR_EXIT_PREFIX, 0) == 0) return "error:exit";
	if (status.rfind(JobStatus::ERROR_UNKNOWN_MODE_PREFIX, 0) == 0) return "error:unknown_mode";
	return status;
}

void Metrics::countJob(const std::string& status, long long durationMs)
{
	std::lock_guard<std::mutex> lock(_mutex);
	++_jobs[statusClass(status)];
	double seconds = static_cast<double>(durationMs) / 1000.0;
	for (std::size_t i = 0; i < DURATION_BUCKETS_SECONDS.size(); ++i)
	{
		if (seconds <= DURATION_BUCKETS_SECONDS[i]) ++_durationBuckets[i];
	}
	++_durationCount;
	_durationSum += seconds;
}

std::string Metrics::render(const Gauges& gauges) const
{
	std::lock_guard<std::mutex> lock(_mutex);
	std::ostringstream out;
	out << "# HELP sygen_webhook_http_responses_total HTTP responses by route and status.\n"
		<< "# TYPE sygen_webhook_http_responses_total counter\n";
	for (const auto& item: _responses)
	{
		out << "sygen_webhook_http_responses_total{route=\"" << item.first.first << "\",status=\"" << item.first.second << "\"} "
			<< item.second << "\n";
	}
	std::uint64_t limited = 0;
	for (const auto& item: _responses)
	{
		if (item.first.second == 429) limited += item.second;
	}
	out << "# HELP sygen_webhook_rate_limited_total Requests refused by the rate limit.\n"
		<< "# TYPE sygen_webhook_rate_limited_total counter\n"
		<< "sygen_webhook_rate_limited_total " << limited << "\n";
	out << "# HELP sygen_webhook_queue_depth Jobs accepted and not yet started.\n"
		<< "# TYPE sygen_webhook_queue_depth gauge\n"
		<< "sygen_webhook_queue_depth " << gauges.queueDepth << "\n";
	out << "# HELP sygen_webhook_queue_capacity Jobs the queue holds before new requests get 503 (webhooks.queue_capacity).\n"
		<< "# TYPE sygen_webhook_queue_capacity gauge\n"
		<< "sygen_webhook_queue_capacity " << gauges.queueCapacity << "\n";
	out << "# HELP sygen_webhook_journal_writable 1 when the job journal takes writes, 0 while it refuses them (full disk).\n"
		<< "# TYPE sygen_webhook_journal_writable gauge\n"
		<< "sygen_webhook_journal_writable " << (gauges.journalWritable ? 1 : 0) << "\n";
	out << "# HELP sygen_webhook_journal_write_failures_total Failed journal writes or syncs since start.\n"
		<< "# TYPE sygen_webhook_journal_write_failures_total counter\n"
		<< "sygen_webhook_journal_write_failures_total " << gauges.journalWriteFailures << "\n";
	out << "# HELP sygen_webhook_journal_damaged_records Damaged journal records found (and quarantined) at start.\n"
		<< "# TYPE sygen_webhook_journal_damaged_records gauge\n"
		<< "sygen_webhook_journal_damaged_records " << gauges.journalDamagedRecords << "\n";
	out << "# HELP sygen_webhook_unwritten_results Results kept in memory until the journal takes them.\n"
		<< "# TYPE sygen_webhook_unwritten_results gauge\n"
		<< "sygen_webhook_unwritten_results " << gauges.unwrittenResults << "\n";
	out << "# HELP sygen_webhook_jobs_held 1 while queued jobs wait for the hook file (or the journal) to be usable.\n"
		<< "# TYPE sygen_webhook_jobs_held gauge\n"
		<< "sygen_webhook_jobs_held " << (gauges.jobsHeld ? 1 : 0) << "\n";
	out << "# HELP sygen_webhook_workers Worker processes by state.\n"
		<< "# TYPE sygen_webhook_workers gauge\n"
		<< "sygen_webhook_workers{state=\"busy\"} " << gauges.workersBusy << "\n"
		<< "sygen_webhook_workers{state=\"idle\"} " << gauges.workersIdle << "\n"
		<< "sygen_webhook_workers{state=\"restarting\"} " << gauges.workersRestarting << "\n";
	out << "# HELP sygen_webhook_worker_restarts_total Worker processes started to replace one (crash, hang, kill, restart by the operator).\n"
		<< "# TYPE sygen_webhook_worker_restarts_total counter\n"
		<< "sygen_webhook_worker_restarts_total " << gauges.workerRestarts << "\n";
	out << "# HELP sygen_webhook_jobs_total Finished jobs by status.\n"
		<< "# TYPE sygen_webhook_jobs_total counter\n";
	for (const auto& item: _jobs)
	{
		out << "sygen_webhook_jobs_total{status=\"" << item.first << "\"} " << item.second << "\n";
	}
	out << "# HELP sygen_webhook_job_duration_seconds Job run time.\n"
		<< "# TYPE sygen_webhook_job_duration_seconds histogram\n";
	for (std::size_t i = 0; i < DURATION_BUCKETS_SECONDS.size(); ++i)
	{
		out << "sygen_webhook_job_duration_seconds_bucket{le=\"" << DURATION_BUCKETS_SECONDS[i] << "\"} " << _durationBuckets[i] << "\n";
	}
	out << "sygen_webhook_job_duration_seconds_bucket{le=\"+Inf\"} " << _durationCount << "\n"
		<< "sygen_webhook_job_duration_seconds_sum " << _durationSum << "\n"
		<< "sygen_webhook_job_duration_seconds_count " << _durationCount << "\n";
	return out.str();
}

} // namespace Sygen
