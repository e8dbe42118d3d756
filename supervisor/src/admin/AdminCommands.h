//
// AdminCommands.h
//
// The workers.* and jobs.* commands of the admin API.
//

#ifndef Sygen_AdminCommands_INCLUDED
#define Sygen_AdminCommands_INCLUDED

#include "admin/AdminServer.h"
#include "jobs/Dispatcher.h"
#include "jobs/JobSpool.h"
#include "workers/WorkerPool.h"
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace Sygen {

class AdminCommands
/// Registers commands on an AdminServer. Requests and results:
///
///   workers.list                     → [worker]
///   workers.restart {id, now?}       → worker (after the request was made)
///   workers.stop {id, now?}          → worker
///   workers.start {id}               → worker
///   jobs.list {limit?}               → [job] (unfinished first, then newest finished)
///   jobs.show {job_id}               → job (with result_text once finished)
///
/// worker: {id, pid, state, current_job, jobs_done, restarts, uptime_seconds,
/// last_exit, version}; job: {job_id, hook_id, dependency, status, worker_id,
/// queued_at, started_at, finished_at, duration_ms, result_text, retry_of, retried_by} (unset values
/// null). A job's status is "queued", "waiting" (its dependency is busy),
/// "running" or the final status.
{
public:
	struct JobQueries
	/// Where finished jobs are looked up (the application's JobSpool).
	{
		std::function<std::optional<JobInfo>(const std::string& jobId)> find;
		std::function<std::vector<JobInfo>(std::size_t limit)> list;
		std::function<Poco::JSON::Object::Ptr()> journal; ///< What journal.status answers.
	};

	static constexpr std::size_t DEFAULT_JOB_LIST_LIMIT = 50;

	static void addWorkerCommands(AdminServer& server, WorkerPool& pool);

	static void addJobCommands(AdminServer& server, Dispatcher& dispatcher, const JobQueries& queries);

	static JobQueries queriesOf(const JobSpool& spool);
	/// JobQueries reading spool.find() and spool.list(), and the journal's state
	/// for `journal.status`: {writable, last_write_error, write_failures,
	/// unwritten_results, damage: [{offset, length, quarantine_file, job_ids}]}.

	static Poco::JSON::Object::Ptr toJSON(const WorkerInfo& worker);
	static Poco::JSON::Object::Ptr toJSON(const JobInfo& job);
	static Poco::JSON::Object::Ptr toJSON(const DispatcherJob& job);
};

} // namespace Sygen

#endif // Sygen_AdminCommands_INCLUDED
