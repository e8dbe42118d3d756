//
// JobEventWriter.cpp
//

#include "jobs/JobEventWriter.h"
#include "Sygen/Foundation/JSONFields.h"
#include "jobs/JobEventStatement.h"
#include "jobs/JobStore.h"
#include <Poco/Logger.h>
#include <set>

namespace Sygen {

namespace {

Poco::Logger& logger()
{
	return Poco::Logger::get("Backend");
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
			entry->queuedAt = std::chrono::steady_clock::now();
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
	++_waiting;
	_wanted.notify_one();
	_written.wait(lock, [&entry] { return entry->done; });
	--_waiting;
}

void JobEventWriter::drain()
{
	std::unique_lock<std::mutex> lock(_mutex);
	unsigned long long target = _queued;
	++_waiting; // no lingering while someone waits
	_wanted.notify_one();
	_written.wait(lock, [this, target] { return _finished >= target || _ended; });
	--_waiting;
}

void JobEventWriter::run()
{
	std::unique_lock<std::mutex> lock(_mutex);
	for (;;)
	{
		_wanted.wait(lock, [this] { return _stopping || !_queue.empty(); });
		if (_queue.empty())
		{
			// Stopping, and everything queued is written.
			_ended = true;
			_written.notify_all();
			return;
		}
		lingerForAStart(lock);
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

void JobEventWriter::lingerForAStart(std::unique_lock<std::mutex>& lock)
{
	// Only results queued, and nobody waiting for them: hold them a moment for the
	// next start, so that they share its commit (bench/README.md: alone, each
	// result cost a WAL flush of its own). Their callbacks wait; no worker does.
	auto urgent = [this] { return _stopping || _waiting > 0; };
	_wanted.wait_until(lock, _queue.front()->queuedAt + RESULT_LINGER, urgent);
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
	// One statement, so one round trip and one implicit transaction for the whole
	// batch: on a busy machine each extra round trip (BEGIN, a statement per record,
	// COMMIT) cost as much as the commit itself. RETURNING names the rows each part
	// changed: a start or result whose job is missing there was not this node's.
	JobEventStatement statement(_nodeId, _keepBodies);
	for (const auto& entry: batch)
	{
		if (entry->start) statement.addStart(entry->result.jobId, entry->workerId, entry->at);
		else statement.addResult(entry->result);
	}
	PostgresResult rows = connection.query(statement.text(), statement.params());
	std::set<std::string> started;
	std::set<std::string> finished;
	for (int row = 0; row < rows.rows(); ++row) (rows.text(row, 0) == "s" ? started : finished).insert(rows.text(row, 1));
	for (const auto& entry: batch) entry->affected = (entry->start ? started : finished).count(entry->result.jobId) ? 1 : 0;
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
