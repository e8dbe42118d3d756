//
// JobActionCommands.cpp
//

#include "admin/JobActionCommands.h"
#include "Sygen/Foundation/IsoTime.h"
#include "Sygen/Foundation/JSONFields.h"
#include "admin/AdminCommands.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/Logger.h>
#include <algorithm>
#include <chrono>
#include <fnmatch.h>
#include <limits>
#include <thread>

namespace Sygen {

namespace {

Poco::Timestamp finishedAt(const JobInfo& job)
{
	try
	{
		if (job.result && !job.result->finishedAt.empty()) return IsoTime::parse(job.result->finishedAt);
	}
	catch (Poco::Exception&)
	{
		// An unreadable time falls back to the arrival, never drops the job.
	}
	return job.queuedAt;
}

std::vector<JobInfo> retryCandidates(const JobStore& store, const std::string& pattern, long long sinceSeconds)
{
	Poco::Timestamp cutoff;
	cutoff -= static_cast<Poco::Timestamp::TimeDiff>(sinceSeconds) * Poco::Timestamp::resolution();
	std::vector<JobInfo> chosen;
	for (const JobInfo& job: store.list(std::numeric_limits<std::size_t>::max()))
	{
		if (!job.result || !job.retriedBy.empty()) continue;
		if (::fnmatch(pattern.c_str(), job.status.c_str(), 0) != 0) continue;
		if (finishedAt(job) < cutoff) continue;
		chosen.push_back(job);
	}
	// list() gives the newest first; replay in the order they first came.
	std::reverse(chosen.begin(), chosen.end());
	return chosen;
}

Poco::Dynamic::Var retryBatch(SupervisorCore& core, const Poco::JSON::Object& request)
{
	std::string pattern = JSONFields::requireString(request, "status");
	if (pattern.empty()) throw Poco::InvalidArgumentException("status: an empty pattern");
	if (!JSONFields::isSet(request, "since_seconds"))
		throw Poco::InvalidArgumentException("since_seconds: missing (a batch retry needs a time window)");
	long long since = JSONFields::integer(request, "since_seconds", 0);
	if (since < 1) throw Poco::InvalidArgumentException("since_seconds: must be at least 1");
	Poco::JSON::Array::Ptr retried = new Poco::JSON::Array;
	Poco::JSON::Array::Ptr failed = new Poco::JSON::Array;
	for (const JobInfo& job: retryCandidates(core.jobStore(), pattern, since))
	{
		Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		item->set("job_id", job.jobId);
		try
		{
			item->set("retry_id", core.retry(job.jobId).jobId);
			retried->add(item);
		}
		catch (Poco::Exception& exc)
		{
			// One job's problem (its payload gone, its hook removed) never stops the rest.
			item->set("error", exc.message());
			failed->add(item);
		}
	}
	Poco::JSON::Object::Ptr result = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	result->set("retried", retried);
	result->set("failed", failed);
	return result;
}

Poco::Dynamic::Var cancel(SupervisorCore& core, WorkerPool& pool, const Poco::JSON::Object& request)
{
	std::string jobId = JSONFields::requireString(request, "job_id");
	long long wait = JSONFields::integer(request, "wait_seconds", JobActionCommands::DEFAULT_CANCEL_WAIT_SECONDS);
	if (wait < 0) throw Poco::InvalidArgumentException("wait_seconds: must not be negative");
	Dispatcher::Cancellation outcome = core.dispatcher().cancel(jobId);
	if (outcome.kind == Dispatcher::Cancellation::NOT_ACTIVE && core.cancelInCluster(jobId))
		outcome.kind = Dispatcher::Cancellation::CANCELLED;
	if (outcome.kind == Dispatcher::Cancellation::NOT_ACTIVE)
	{
		std::optional<JobInfo> job = core.jobStore().find(jobId);
		if (!job) throw Poco::NotFoundException("no job " + jobId);
		if (!job->result && core.jobStore().name() != "spool")
			throw Poco::IllegalStateException("job " + jobId + " is " + job->status +
				" on another node of the cluster: cancel it through the admin socket of the node that runs it");
		throw Poco::IllegalStateException("job " + jobId + " is " + job->status + ": only queued or running jobs can be cancelled");
	}
	if (outcome.kind == Dispatcher::Cancellation::TERMINATING) pool.restart(outcome.workerId, true);
	// The worker's exit is noticed by the pool's thread: wait for the result it records.
	auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait);
	std::optional<JobInfo> job = core.jobStore().find(jobId);
	while (job && !job->result && std::chrono::steady_clock::now() < deadline)
	{
		std::this_thread::sleep_for(std::chrono::milliseconds(50));
		job = core.jobStore().find(jobId);
	}
	if (!job) throw Poco::NotFoundException("no job " + jobId);
	return AdminCommands::toJSON(*job);
}

} // namespace

void JobActionCommands::add(AdminServer& server, SupervisorCore& core, WorkerPool& pool)
{
	server.addCommand(
		"jobs.retry", "run a finished job again {job_id}, or a batch {status, since_seconds}", [&core](const Poco::JSON::Object& request) {
			if (JSONFields::isSet(request, "job_id"))
			{
				if (JSONFields::isSet(request, "status"))
					throw Poco::InvalidArgumentException("job_id and status: give one job or a batch, not both");
				return Poco::Dynamic::Var(AdminCommands::toJSON(core.retry(JSONFields::requireString(request, "job_id"))));
			}
			if (!JSONFields::isSet(request, "status")) throw Poco::InvalidArgumentException("job_id or status: missing");
			return retryBatch(core, request);
		});
	server.addCommand("jobs.cancel", "cancel a queued or running job {job_id, wait_seconds}",
		[&core, &pool](const Poco::JSON::Object& request) { return cancel(core, pool, request); });
	server.addCommand("jobs.payload", "the payload a job was accepted with {job_id}", [&core](const Poco::JSON::Object& request) {
		std::string jobId = JSONFields::requireString(request, "job_id");
		Poco::JSON::Object::Ptr result = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		result->set("job_id", jobId);
		result->set("payload", core.payload(jobId));
		return Poco::Dynamic::Var(result);
	});
}

} // namespace Sygen
