//
// AdminCommands.cpp
//

#include "admin/AdminCommands.h"
#include "Sygen/Foundation/IsoTime.h"
#include "Sygen/Foundation/JSONFields.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <optional>
#include <set>

namespace Sygen {

namespace {

int workerIdOf(const Poco::JSON::Object& request)
{
	if (!JSONFields::isSet(request, "id")) throw Poco::InvalidArgumentException("id: missing (a worker number)");
	long long id = JSONFields::integer(request, "id", 0);
	if (id < 1 || id > 1000000) throw Poco::InvalidArgumentException("id: not a worker number: " + std::to_string(id));
	return static_cast<int>(id);
}

Poco::Dynamic::Var workerResult(WorkerPool& pool, int id)
{
	for (const WorkerInfo& w: pool.list())
	{
		if (w.id == id) return AdminCommands::toJSON(w);
	}
	throw Poco::NotFoundException("no worker " + std::to_string(id));
}

Poco::Dynamic::Var timeOrNull(const std::optional<Poco::Timestamp>& t)
{
	if (!t) return Poco::Dynamic::Var();
	return IsoTime::format(*t);
}

Poco::Dynamic::Var textOrNull(const std::string& text)
{
	if (text.empty()) return Poco::Dynamic::Var();
	return text;
}

Poco::JSON::Object::Ptr withLinks(Poco::JSON::Object::Ptr obj, const AdminCommands::JobQueries& queries)
{
	// The dispatcher does not know a job's retry links; the spool does.
	if (!queries.find) return obj;
	std::optional<JobInfo> info = queries.find(obj->getValue<std::string>("job_id"));
	if (!info) return obj;
	obj->set("retry_of", textOrNull(info->retryOf));
	obj->set("retried_by", textOrNull(info->retriedBy));
	return obj;
}

} // namespace

Poco::JSON::Object::Ptr AdminCommands::toJSON(const WorkerInfo& w)
{
	Poco::JSON::Object::Ptr obj = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	obj->set("id", w.id);
	obj->set("pid", w.pid > 0 ? Poco::Dynamic::Var(static_cast<int>(w.pid)) : Poco::Dynamic::Var());
	obj->set("state", w.state);
	obj->set("current_job", textOrNull(w.currentJob));
	obj->set("jobs_done", static_cast<Poco::UInt64>(w.jobsDone));
	obj->set("restarts", w.restarts);
	obj->set("uptime_seconds", w.uptimeSeconds);
	obj->set("last_exit", textOrNull(w.lastExit));
	obj->set("version", textOrNull(w.version));
	return obj;
}

Poco::JSON::Object::Ptr AdminCommands::toJSON(const JobInfo& job)
{
	Poco::JSON::Object::Ptr obj = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	obj->set("job_id", job.jobId);
	obj->set("hook_id", job.hookId);
	obj->set("dependency", textOrNull(job.dependency));
	obj->set("status", job.status);
	obj->set("worker_id", job.workerId > 0 ? Poco::Dynamic::Var(job.workerId) : Poco::Dynamic::Var());
	obj->set("queued_at", IsoTime::format(job.queuedAt));
	obj->set("started_at", timeOrNull(job.startedAt));
	if (job.result)
	{
		obj->set("started_at", textOrNull(job.result->startedAt));
		obj->set("finished_at", textOrNull(job.result->finishedAt));
		obj->set("duration_ms", static_cast<Poco::Int64>(job.result->durationMs));
		obj->set("result_text", job.result->resultText);
	}
	else
	{
		obj->set("finished_at", Poco::Dynamic::Var());
		obj->set("duration_ms", Poco::Dynamic::Var());
		obj->set("result_text", Poco::Dynamic::Var());
	}
	obj->set("retry_of", textOrNull(job.retryOf));
	obj->set("retried_by", textOrNull(job.retriedBy));
	return obj;
}

Poco::JSON::Object::Ptr AdminCommands::toJSON(const DispatcherJob& job)
{
	Poco::JSON::Object::Ptr obj = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	obj->set("job_id", job.jobId);
	obj->set("hook_id", job.hookId);
	obj->set("dependency", textOrNull(job.dependency));
	obj->set("status", job.state);
	obj->set("worker_id", job.workerId > 0 ? Poco::Dynamic::Var(job.workerId) : Poco::Dynamic::Var());
	obj->set("queued_at", IsoTime::format(job.queuedAt));
	obj->set("started_at", job.state == "running" ? Poco::Dynamic::Var(IsoTime::format(job.startedAt)) : Poco::Dynamic::Var());
	obj->set("finished_at", Poco::Dynamic::Var());
	obj->set("duration_ms", Poco::Dynamic::Var());
	obj->set("result_text", Poco::Dynamic::Var());
	obj->set("retry_of", Poco::Dynamic::Var());
	obj->set("retried_by", Poco::Dynamic::Var());
	return obj;
}

void AdminCommands::addWorkerCommands(AdminServer& server, WorkerPool& pool)
{
	server.addCommand("workers.list", "list the workers", [&pool](const Poco::JSON::Object&) {
		Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
		for (const WorkerInfo& w: pool.list()) list->add(toJSON(w));
		return Poco::Dynamic::Var(list);
	});
	server.addCommand(
		"workers.restart", "restart one worker {id, now}: gracefully, or at once with now", [&pool](const Poco::JSON::Object& request) {
			int id = workerIdOf(request);
			pool.restart(id, JSONFields::boolean(request, "now", false));
			return workerResult(pool, id);
		});
	server.addCommand("workers.stop", "stop one worker {id, now} and keep it stopped", [&pool](const Poco::JSON::Object& request) {
		int id = workerIdOf(request);
		pool.stop(id, JSONFields::boolean(request, "now", false));
		return workerResult(pool, id);
	});
	server.addCommand("workers.start", "start a stopped or failed worker {id}", [&pool](const Poco::JSON::Object& request) {
		int id = workerIdOf(request);
		pool.startWorker(id);
		return workerResult(pool, id);
	});
}

void AdminCommands::addJobCommands(AdminServer& server, Dispatcher& dispatcher, const JobQueries& queries)
{
	server.addCommand("jobs.list", "list unfinished and recent jobs {limit}", [&dispatcher, queries](const Poco::JSON::Object& request) {
		long long limit = JSONFields::integer(request, "limit", DEFAULT_JOB_LIST_LIMIT);
		if (limit < 1) throw Poco::InvalidArgumentException("limit: must be at least 1");
		Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
		std::set<std::string> seen;
		// The dispatcher knows "waiting" and the worker of a running job; the spool
		// knows the finished ones.
		for (const DispatcherJob& job: dispatcher.jobs())
		{
			if (static_cast<long long>(list->size()) >= limit) break;
			list->add(withLinks(toJSON(job), queries));
			seen.insert(job.jobId);
		}
		if (queries.list)
		{
			for (const JobInfo& job: queries.list(static_cast<std::size_t>(limit)))
			{
				if (static_cast<long long>(list->size()) >= limit) break;
				if (seen.count(job.jobId)) continue;
				list->add(toJSON(job));
			}
		}
		return Poco::Dynamic::Var(list);
	});
	server.addCommand(
		"journal.status", "the job journal: writable, unwritten results, damage found at start", [queries](const Poco::JSON::Object&) {
			if (!queries.journal) throw Poco::NotFoundException("no journal");
			return Poco::Dynamic::Var(queries.journal());
		});
	server.addCommand("jobs.show", "show one job {job_id}", [&dispatcher, queries](const Poco::JSON::Object& request) {
		std::string jobId = JSONFields::requireString(request, "job_id");
		for (const DispatcherJob& job: dispatcher.jobs())
		{
			if (job.jobId == jobId) return Poco::Dynamic::Var(withLinks(toJSON(job), queries));
		}
		if (queries.find)
		{
			std::optional<JobInfo> job = queries.find(jobId);
			if (job) return Poco::Dynamic::Var(toJSON(*job));
		}
		throw Poco::NotFoundException("no job " + jobId);
	});
}

AdminCommands::JobQueries AdminCommands::queriesOf(const JobSpool& spool)
{
	JobQueries queries;
	queries.find = [&spool](const std::string& jobId) { return spool.find(jobId); };
	queries.list = [&spool](std::size_t limit) { return spool.list(limit); };
	queries.journal = [&spool]() {
		Poco::JSON::Object::Ptr obj = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		obj->set("writable", spool.writable());
		obj->set("last_write_error", spool.lastWriteError());
		obj->set("write_failures", static_cast<Poco::UInt64>(spool.writeFailures()));
		obj->set("unwritten_results", static_cast<Poco::UInt64>(spool.unwrittenResults()));
		Poco::JSON::Array::Ptr damage = new Poco::JSON::Array;
		for (const JournalDamage& d: spool.damage())
		{
			Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
			item->set("offset", static_cast<Poco::UInt64>(d.offset));
			item->set("length", static_cast<Poco::UInt64>(d.length));
			item->set("quarantine_file", d.quarantineFile);
			Poco::JSON::Array::Ptr ids = new Poco::JSON::Array;
			for (const std::string& id: d.jobIds) ids->add(id);
			item->set("job_ids", ids);
			damage->add(item);
		}
		obj->set("damage", damage);
		return obj;
	};
	return queries;
}

} // namespace Sygen
