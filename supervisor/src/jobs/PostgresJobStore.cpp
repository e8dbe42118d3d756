//
// PostgresJobStore.cpp
//

#include "PostgresJobStore.h"
#include "SchemaMigrator.h"
#include "Sygen/JsonFields.h"
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <map>

namespace Sygen {

namespace {

Poco::Logger& logger()
{
	return Poco::Logger::get("Backend");
}

using Params = std::vector<PostgresConnection::Param>;

const Poco::Timestamp::TimeDiff MAINTENANCE_INTERVAL_US = 10 * 1000 * 1000;

const char* const JOB_COLUMNS = "job_id, hook_id, dependency, status, queued_us, started_us, worker_id, result::text";

std::string micros(Poco::Timestamp at)
{
	return std::to_string(at.epochMicroseconds());
}

// "($1,$2,$3),($4,$5,$6)": placeholders for rows of width columns.
std::string placeholders(std::size_t rows, std::size_t width)
{
	std::string text;
	std::size_t n = 0;
	for (std::size_t row = 0; row < rows; ++row)
	{
		text += row ? ",(" : "(";
		for (std::size_t column = 0; column < width; ++column)
		{
			if (column) text += ",";
			text += "$" + std::to_string(++n);
		}
		text += ")";
	}
	return text;
}

JobInfo jobFromRow(const PostgresResult& rows, int row)
{
	JobInfo info;
	info.jobId = rows.text(row, 0);
	info.hookId = rows.text(row, 1);
	info.dependency = rows.text(row, 2);
	info.status = rows.text(row, 3);
	info.queuedAt = Poco::Timestamp(rows.integer(row, 4));
	if (!rows.isNull(row, 5)) info.startedAt = Poco::Timestamp(rows.integer(row, 5));
	info.workerId = static_cast<int>(rows.integer(row, 6));
	if (!rows.isNull(row, 7))
	{
		Poco::JSON::Object::Ptr object = Poco::JSON::Parser().parse(rows.text(row, 7)).extract<Poco::JSON::Object::Ptr>();
		info.result = WebhookResult::fromJSON(*object);
	}
	return info;
}

class Transaction
	/// BEGIN now, ROLLBACK unless commit() was reached.
{
public:
	explicit Transaction(PostgresConnection& connection):
		_connection(connection)
	{
		_connection.execute("BEGIN");
	}

	~Transaction()
	{
		if (_committed || !_connection.ok()) return;
		try
		{
			_connection.execute("ROLLBACK");
		}
		catch (...)
		{
			// The connection is dropped by the pool if it broke.
		}
	}

	void commit()
	{
		_connection.execute("COMMIT");
		_committed = true;
	}

private:
	PostgresConnection& _connection;
	bool _committed = false;
};

} // namespace

PostgresJobStore::PostgresJobStore(const Config::Backend& settings, std::size_t historyLimit, long long dedupeWindowSeconds):
	_settings(settings),
	_historyLimit(historyLimit),
	_dedupeWindowSeconds(dedupeWindowSeconds),
	_pool(settings.dsn, settings.poolSize)
{
}

PostgresJobStore::~PostgresJobStore()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopping = true;
	}
	_wanted.notify_all();
	if (_flusher.joinable()) _flusher.join();
	if (!_unwritten.empty())
		logger().critical("%s results were never written to PostgreSQL (it stayed unreachable until shutdown)", std::to_string(_unwritten.size()));
}

const std::string& PostgresJobStore::nodeId() const
{
	return _settings.nodeId;
}

std::string PostgresJobStore::name() const
{
	return "postgres";
}

bool PostgresJobStore::dedupesDeliveries() const
{
	return true;
}

bool PostgresJobStore::available() const
{
	return _pool.available();
}

void PostgresJobStore::open()
{
	_pool.with([this](PostgresConnection& connection) {
		int from = SchemaMigrator::migrate(connection);
		if (from != SchemaMigrator::CURRENT_VERSION)
			logger().notice("PostgreSQL schema migrated from version %s to %s", std::to_string(from), std::to_string(SchemaMigrator::CURRENT_VERSION));
		std::string now = micros(Poco::Timestamp());
		connection.query("INSERT INTO sygen_nodes (node_id, started_us, heartbeat_us) VALUES ($1, $2, $2)"
			" ON CONFLICT (node_id) DO UPDATE SET started_us = $2, heartbeat_us = $2", {_settings.nodeId, now});
		return 0;
	});
	logger().information("jobs are kept in PostgreSQL (%s) as node %s", _pool.maskedDSN(), _settings.nodeId);
	_flusher = std::thread([this] { runFlusher(); });
}

JobAcceptance PostgresJobStore::accept(const NewJob& job)
{
	Request request;
	request.job = &job;
	std::unique_lock<std::mutex> lock(_mutex);
	if (_stopping) throw BackendUnavailable("the service is stopping");
	_queue.push_back(&request);
	_wanted.notify_one();
	_written.wait(lock, [&request] { return request.done; });
	if (request.error) std::rethrow_exception(request.error);
	return request.acceptance;
}

void PostgresJobStore::runFlusher()
{
	std::unique_lock<std::mutex> lock(_mutex);
	for (;;)
	{
		_wanted.wait_for(lock, std::chrono::seconds(1), [this] { return _stopping || !_queue.empty(); });
		if (_stopping && _queue.empty()) return;
		std::vector<Request*> batch;
		while (!_queue.empty() && batch.size() < MAX_BATCH)
		{
			batch.push_back(_queue.front());
			_queue.pop_front();
		}
		bool resultsWaiting = !_unwritten.empty();
		lock.unlock();
		if (!batch.empty()) writeBatch(batch);
		lock.lock();
		for (Request* request: batch) request->done = true;
		if (!batch.empty()) _written.notify_all();
		// While the database is down this also reconnects (at the pool's backoff), so
		// /health recovers without traffic and kept results get written.
		if (_lastMaintenance.elapsed() > MAINTENANCE_INTERVAL_US || resultsWaiting || !_pool.available())
		{
			lock.unlock();
			retryUnwrittenResults();
			maintain();
			lock.lock();
		}
	}
}

void PostgresJobStore::writeBatch(std::vector<Request*>& batch)
{
	try
	{
		_pool.with([&](PostgresConnection& connection) {
			writeBatchOn(connection, batch);
			return 0;
		});
	}
	catch (...)
	{
		// Nobody in the batch gets a 202: the commit did not happen (or is unknown).
		std::exception_ptr error = std::current_exception();
		for (Request* request: batch) request->error = error;
	}
}

void PostgresJobStore::writeBatchOn(PostgresConnection& connection, std::vector<Request*>& batch)
{
	Transaction transaction(connection);
	std::vector<bool> duplicate(batch.size(), false);
	claimDeliveries(connection, batch, duplicate);

	Params params;
	std::vector<bool> binary;
	std::size_t rows = 0;
	for (std::size_t i = 0; i < batch.size(); ++i)
	{
		if (duplicate[i]) continue;
		const NewJob& job = *batch[i]->job;
		params.insert(params.end(), {job.jobId, job.hookId, job.dependency, std::to_string(job.maxConcurrent), job.body,
			micros(job.receivedAt), _settings.nodeId});
		binary.insert(binary.end(), {false, false, false, false, true, false, false});
		batch[i]->acceptance = JobAcceptance{false, job.jobId};
		++rows;
	}
	if (rows > 0)
	{
		connection.queryBinary("INSERT INTO sygen_jobs (job_id, hook_id, dependency, max_concurrent, body, queued_us, node_id) VALUES "
			+ placeholders(rows, 7), params, binary);
		connection.execute("NOTIFY sygen_jobs");
	}
	transaction.commit();
}

void PostgresJobStore::claimDeliveries(PostgresConnection& connection, std::vector<Request*>& batch, std::vector<bool>& duplicate)
{
	// The same id twice in one batch: the later ones are duplicates of the first.
	std::map<std::pair<std::string, std::string>, std::size_t> first;
	std::vector<std::size_t> claimed;
	Params params;
	for (std::size_t i = 0; i < batch.size(); ++i)
	{
		const NewJob& job = *batch[i]->job;
		if (job.deliveryId.empty()) continue;
		auto key = std::make_pair(job.hookId, job.deliveryId);
		if (first.count(key))
		{
			duplicate[i] = true;
			continue;
		}
		first[key] = i;
		claimed.push_back(i);
		params.insert(params.end(), {job.hookId, job.deliveryId, job.jobId, micros(job.receivedAt)});
	}
	if (claimed.empty()) return;

	// A row older than the dedupe window is taken over by the new delivery.
	Poco::Timestamp cutoff = Poco::Timestamp() - static_cast<Poco::Timestamp::TimeDiff>(_dedupeWindowSeconds) * 1000 * 1000;
	params.push_back(micros(cutoff));
	PostgresResult won = connection.query("INSERT INTO sygen_deliveries AS d (hook_id, delivery_id, job_id, accepted_us) VALUES "
		+ placeholders(claimed.size(), 4) + " ON CONFLICT (hook_id, delivery_id) DO UPDATE SET job_id = EXCLUDED.job_id,"
		" accepted_us = EXCLUDED.accepted_us WHERE d.accepted_us < $" + std::to_string(params.size()) + " RETURNING job_id", params);
	std::map<std::string, bool> winners;
	for (int row = 0; row < won.rows(); ++row) winners[won.text(row, 0)] = true;

	std::map<std::pair<std::string, std::string>, std::string> earlier;
	for (std::size_t i: claimed)
	{
		const NewJob& job = *batch[i]->job;
		if (winners.count(job.jobId)) continue;
		PostgresResult row = connection.query("SELECT job_id FROM sygen_deliveries WHERE hook_id = $1 AND delivery_id = $2",
			{job.hookId, job.deliveryId});
		earlier[std::make_pair(job.hookId, job.deliveryId)] = row.rows() ? row.text(0, 0) : std::string();
		duplicate[i] = true;
	}
	for (std::size_t i = 0; i < batch.size(); ++i)
	{
		if (!duplicate[i]) continue;
		const NewJob& job = *batch[i]->job;
		auto key = std::make_pair(job.hookId, job.deliveryId);
		auto found = earlier.find(key);
		std::string jobId = found != earlier.end() ? found->second : batch[first[key]]->job->jobId;
		batch[i]->acceptance = JobAcceptance{true, jobId};
	}
}

void PostgresJobStore::markStarted(const std::string& jobId, int workerId, Poco::Timestamp at)
{
	_pool.with([&](PostgresConnection& connection) {
		return connection.query("UPDATE sygen_jobs SET status = 'running', worker_id = $2, started_us = $3, node_id = $4 WHERE job_id = $1",
			{jobId, std::to_string(workerId), micros(at), _settings.nodeId}).affected();
	});
}

void PostgresJobStore::markFinished(const WebhookResult& result)
{
	if (writeResult(result)) return;
	// Kept until the database is back: a result is never dropped for an outage.
	std::lock_guard<std::mutex> lock(_mutex);
	_unwritten.push_back(result);
}

bool PostgresJobStore::writeResult(const WebhookResult& result)
{
	try
	{
		_pool.with([&](PostgresConnection& connection) {
			return connection.query("UPDATE sygen_jobs SET status = $2, finished_us = $3, result = $4::jsonb WHERE job_id = $1",
				{result.jobId, result.status, micros(Poco::Timestamp()), JsonFields::compact(result.toJSON())}).affected();
		});
		return true;
	}
	catch (BackendUnavailable&)
	{
		return false;
	}
}

void PostgresJobStore::retryUnwrittenResults()
{
	for (;;)
	{
		WebhookResult result;
		{
			std::lock_guard<std::mutex> lock(_mutex);
			if (_unwritten.empty()) return;
			result = _unwritten.front();
		}
		if (!writeResult(result)) return;
		std::lock_guard<std::mutex> lock(_mutex);
		_unwritten.pop_front();
	}
}

std::size_t PostgresJobStore::unwrittenResults() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _unwritten.size();
}

void PostgresJobStore::maintain()
{
	_lastMaintenance.update();
	try
	{
		_pool.with([&](PostgresConnection& connection) {
			std::string now = micros(Poco::Timestamp());
			connection.query("UPDATE sygen_nodes SET heartbeat_us = $2 WHERE node_id = $1", {_settings.nodeId, now});
			connection.query("DELETE FROM sygen_jobs WHERE seq IN (SELECT seq FROM sygen_jobs WHERE finished_us IS NOT NULL"
				" ORDER BY finished_us DESC OFFSET $1)", {std::to_string(_historyLimit)});
			Poco::Timestamp cutoff = Poco::Timestamp() - static_cast<Poco::Timestamp::TimeDiff>(_dedupeWindowSeconds) * 1000 * 1000;
			connection.query("DELETE FROM sygen_deliveries WHERE accepted_us < $1", {micros(cutoff)});
			return 0;
		});
	}
	catch (Poco::Exception& exc)
	{
		// BackendUnavailable was logged by the pool; anything else is worth a line.
		if (!dynamic_cast<BackendUnavailable*>(&exc)) logger().error("PostgreSQL maintenance failed: %s", exc.displayText());
	}
}

std::string PostgresJobStore::readBody(const std::string& jobId) const
{
	return _pool.with([&](PostgresConnection& connection) {
		PostgresResult row = connection.query("SELECT body FROM sygen_jobs WHERE job_id = $1 AND finished_us IS NULL", {jobId});
		if (row.rows() == 0) throw Poco::NotFoundException("job " + jobId + " has no body in PostgreSQL");
		return row.bytes(0, 0);
	});
}

std::vector<JobInfo> PostgresJobStore::jobsWhere(const std::string& condition, const Params& params) const
{
	return _pool.with([&](PostgresConnection& connection) {
		PostgresResult rows = connection.query(std::string("SELECT ") + JOB_COLUMNS + " FROM sygen_jobs WHERE " + condition, params);
		std::vector<JobInfo> jobs;
		for (int row = 0; row < rows.rows(); ++row) jobs.push_back(jobFromRow(rows, row));
		return jobs;
	});
}

std::optional<JobInfo> PostgresJobStore::find(const std::string& jobId) const
{
	std::vector<JobInfo> jobs = jobsWhere("job_id = $1", {jobId});
	if (jobs.empty()) return std::nullopt;
	return jobs.front();
}

std::vector<JobInfo> PostgresJobStore::list(std::size_t limit) const
{
	std::string count = std::to_string(limit);
	std::vector<JobInfo> jobs = jobsWhere("finished_us IS NULL ORDER BY seq LIMIT $1", {count});
	if (jobs.size() >= limit) return jobs;
	std::vector<JobInfo> finished = jobsWhere("finished_us IS NOT NULL ORDER BY finished_us DESC LIMIT $1", {std::to_string(limit - jobs.size())});
	jobs.insert(jobs.end(), finished.begin(), finished.end());
	return jobs;
}

std::vector<JobInfo> PostgresJobStore::pending() const
{
	return jobsWhere("status = 'queued' AND node_id = $1 ORDER BY seq", {_settings.nodeId});
}

std::vector<JobInfo> PostgresJobStore::interrupted() const
{
	return jobsWhere("status = 'running' AND node_id = $1 ORDER BY seq", {_settings.nodeId});
}

std::size_t PostgresJobStore::unfinishedCount() const
{
	try
	{
		return static_cast<std::size_t>(_pool.with([&](PostgresConnection& connection) {
			return connection.query("SELECT count(*) FROM sygen_jobs WHERE finished_us IS NULL AND node_id = $1", {_settings.nodeId}).integer(0, 0);
		}));
	}
	catch (Poco::Exception&)
	{
		return 0;
	}
}

} // namespace Sygen
