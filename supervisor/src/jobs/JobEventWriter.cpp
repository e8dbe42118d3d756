//
// JobEventWriter.cpp
//

#include "jobs/JobEventWriter.h"
#include "Sygen/Foundation/JSONFields.h"
#include "cluster/PostgresTransaction.h"
#include "jobs/JobStore.h"
#include <Poco/Logger.h>

namespace Sygen {

namespace {

Poco::Logger& logger()
{
	return Poco::Logger::get("Backend");
}

std::string micros(Poco::Timestamp at)
{
	return std::to_string(at.epochMicroseconds());
}

bool unreachable(const std::exception_ptr& error)
{
	try
	{
		std::rethrow_exception(error);
	}
	catch (BackendUnavailable&)
	{
		return true;
	}
	catch (...)
	{
		return false;
	}
}

std::string describe(const std::exception_ptr& error)
{
	try
	{
		std::rethrow_exception(error);
	}
	catch (Poco::Exception& exc)
	{
		return exc.displayText();
	}
	catch (std::exception& exc)
	{
		return exc.what();
	}
	catch (...)
	{
		return "unknown error";
	}
}

} // namespace

JobEventWriter::JobEventWriter(PostgresPool& pool, const std::string& nodeId, bool keepBodies):
	_pool(pool),
	_nodeId(nodeId),
	_keepBodies(keepBodies),
	_thread([this] { run(); })
{
}

JobEventWriter::~JobEventWriter()
{
	stop();
}

void JobEventWriter::stop()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopping = true;
	}
	_wanted.notify_all();
	if (_thread.joinable()) _thread.join();
}

unsigned long long JobEventWriter::transactions() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _transactions;
}

bool JobEventWriter::recordStart(const std::string& jobId, int workerId, Poco::Timestamp at)
{
	auto entry = std::make_shared<Entry>();
	entry->start = true;
	entry->result.jobId = jobId;
	entry->workerId = workerId;
	entry->at = at;
	submitAndWait(entry);
	if (entry->error) std::rethrow_exception(entry->error);
	return entry->affected > 0;
}

bool JobEventWriter::recordResult(const WebhookResult& result)
{
	auto entry = std::make_shared<Entry>();
	entry->result = result;
	submitAndWait(entry);
	if (!entry->error) return true;
	if (unreachable(entry->error)) return false;
	std::rethrow_exception(entry->error);
}

void JobEventWriter::queueResult(const WebhookResult& result, Written written)
{
	auto entry = std::make_shared<Entry>();
	entry->result = result;
	entry->written = std::move(written);
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (!_stopping)
		{
			_queue.push_back(entry);
			++_queued;
			_wanted.notify_one();
			return;
		}
	}
	// The writer is gone (shutdown): the caller keeps it for the next start.
	entry->written(false);
}

void JobEventWriter::submitAndWait(const std::shared_ptr<Entry>& entry)
{
	std::unique_lock<std::mutex> lock(_mutex);
	if (_stopping)
	{
		entry->error = std::make_exception_ptr(BackendUnavailable("the service is stopping"));
		return;
	}
	_queue.push_back(entry);
	++_queued;
	_wanted.notify_one();
	_written.wait(lock, [&entry] { return entry->done; });
}

void JobEventWriter::drain()
{
	std::unique_lock<std::mutex> lock(_mutex);
	unsigned long long target = _queued;
	_written.wait(lock, [this, target] { return _finished >= target || !_thread.joinable(); });
}

void JobEventWriter::run()
{
	std::unique_lock<std::mutex> lock(_mutex);
	for (;;)
	{
		_wanted.wait(lock, [this] { return _stopping || !_queue.empty(); });
		if (_queue.empty()) return; // stopping, and everything queued is written
		Batch batch;
		while (!_queue.empty() && batch.size() < MAX_BATCH)
		{
			batch.push_back(_queue.front());
			_queue.pop_front();
		}
		lock.unlock();
		write(batch);
		callBack(batch);
		lock.lock();
		for (const auto& entry: batch) entry->done = true;
		_finished += batch.size();
		_written.notify_all();
	}
}

void JobEventWriter::write(Batch& batch)
{
	try
	{
		_pool.with([&](PostgresConnection& connection) {
			writeOn(connection, batch);
			return 0;
		});
		std::lock_guard<std::mutex> lock(_mutex);
		++_transactions;
	}
	catch (...)
	{
		// The commit did not happen (or is unknown): no record in it is reported durable.
		std::exception_ptr error = std::current_exception();
		if (batch.size() > 1 && !unreachable(error)) return writeEachAlone(batch);
		for (const auto& entry: batch) entry->error = error;
	}
}

void JobEventWriter::writeEachAlone(Batch& batch)
{
	// A statement the server refused must not take the others down with it.
	for (const auto& entry: batch)
	{
		Batch one{entry};
		write(one);
	}
}

void JobEventWriter::writeOn(PostgresConnection& connection, Batch& batch)
{
	PostgresTransaction transaction(connection);
	// Arrival order: a result queued before a start is never committed after it.
	for (const auto& entry: batch) entry->affected = entry->start ? writeStart(connection, *entry) : writeResult(connection, *entry);
	transaction.commit();
}

int JobEventWriter::writeStart(PostgresConnection& connection, const Entry& entry)
{
	// Only a job this node still holds: a claim handed to another node while this
	// one was presumed dead (lease expired), or taken to cancel it, must not run here.
	return connection
		.query("UPDATE sygen_jobs SET status = 'running', worker_id = $2, started_us = $3"
			   " WHERE job_id = $1 AND node_id = $4 AND status IN ('claimed', 'running')",
			{entry.result.jobId, std::to_string(entry.workerId), micros(entry.at), _nodeId})
		.affected();
}

int JobEventWriter::writeResult(PostgresConnection& connection, const Entry& entry)
{
	// webhooks.keep_payloads false: the body goes with the job's end, as on a single node.
	// Only while this node holds the job: the first final status stands (a survivor
	// may have ended it worker_lost while this node was cut off).
	const WebhookResult& result = entry.result;
	return connection
		.query("UPDATE sygen_jobs SET status = $2, finished_us = $3, result = $4::jsonb,"
			   " body = CASE WHEN $5 THEN body ELSE ''::bytea END WHERE job_id = $1 AND node_id = $6 AND finished_us IS NULL",
			{result.jobId, result.status, micros(Poco::Timestamp()), JSONFields::compact(result.toJSON()), _keepBodies ? "true" : "false",
				_nodeId})
		.affected();
}

void JobEventWriter::callBack(Batch& batch)
{
	for (const auto& entry: batch)
	{
		if (entry->start) continue;
		if (!entry->error && entry->affected == 0)
			logger().warning(
				"job %s: result %s not recorded: the job is no longer this node's (finished, or taken over after this node's lease expired)",
				entry->result.jobId, entry->result.status);
		if (!entry->written) continue;
		bool written = !entry->error || !unreachable(entry->error);
		if (entry->error && written)
			logger().critical("job %s: result not recorded in PostgreSQL: %s", entry->result.jobId, describe(entry->error));
		try
		{
			entry->written(written);
		}
		catch (std::exception& exc)
		{
			// The writer must go on: one listener's failure is not the queue's.
			logger().error("job %s: handling its recorded result failed: %s", entry->result.jobId, std::string(exc.what()));
		}
	}
}

} // namespace Sygen
