//
// PostgresJobStore.cpp
//

#include "jobs/PostgresJobStore.h"
#include "Sygen/Foundation/JSONFields.h"
#include "jobs/SchemaMigrator.h"
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/Thread.h>
#include <algorithm>
#include <limits>
#include <map>
#include <poll.h>
#include <sstream>

namespace Sygen {

namespace {

Poco::Logger& logger()
{
	return Poco::Logger::get("Backend");
}

using Params = std::vector<PostgresConnection::Param>;

const Poco::Timestamp::TimeDiff MAINTENANCE_INTERVAL_US = 10 * 1000 * 1000;
const long long CLAIM_LOCK_KEY = 0x5967656e436c6169LL; // "SygenClai"

const char* const JOB_COLUMNS = "job_id, hook_id, dependency, status, queued_us, started_us, worker_id, result::text, retry_of,"
								" (SELECT r.job_id FROM sygen_jobs r WHERE r.retry_of = sygen_jobs.job_id ORDER BY r.seq DESC LIMIT 1)";

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

// run_on as jsonb text: NULL (any node) when empty.
std::optional<std::string> nodeList(const std::vector<std::string>& nodes)
{
	if (nodes.empty()) return std::nullopt;
	Poco::JSON::Array array;
	for (const std::string& node: nodes) array.add(node);
	std::ostringstream text;
	array.stringify(text);
	return text.str();
}

JobInfo jobFromRow(const PostgresResult& rows, int row)
{
	JobInfo info;
	info.jobId = rows.text(row, 0);
	info.hookId = rows.text(row, 1);
	info.dependency = rows.text(row, 2);
	// Internal states: claimed (by a node, not started) reads as queued; lost (being
	// finished as worker_lost by a survivor) as running.
	info.status = rows.text(row, 3);
	if (info.status == "claimed") info.status = "queued";
	else if (info.status == "lost") info.status = "running";
	info.queuedAt = Poco::Timestamp(rows.integer(row, 4));
	if (!rows.isNull(row, 5)) info.startedAt = Poco::Timestamp(rows.integer(row, 5));
	info.workerId = static_cast<int>(rows.integer(row, 6));
	if (!rows.isNull(row, 7))
	{
		Poco::JSON::Object::Ptr object = Poco::JSON::Parser().parse(rows.text(row, 7)).extract<Poco::JSON::Object::Ptr>();
		info.result = WebhookResult::fromJSON(*object);
	}
	info.retryOf = rows.text(row, 8);
	if (!rows.isNull(row, 9)) info.retriedBy = rows.text(row, 9);
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
	stopListening();
	releaseClaims();
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopping = true;
	}
	_wanted.notify_all();
	if (_flusher.joinable()) _flusher.join();
	// Last: the flusher writes kept results through it. What is still queued is written now.
	if (_events) _events->stop();
	if (!_unwritten.empty() && _backlog)
		logger().warning("%s results not yet written to PostgreSQL (unreachable until shutdown): kept in %s for the next start",
			std::to_string(_unwritten.size()), _backlog->path());
	else if (!_unwritten.empty())
		logger().critical(
			"%s results were never written to PostgreSQL (it stayed unreachable until shutdown)", std::to_string(_unwritten.size()));
}

void PostgresJobStore::setBacklogFile(const std::string& path)
{
	_backlog.reset(new ResultBacklog(path));
}

void PostgresJobStore::setKeepsBodies(bool keep)
{
	_keepBodies = keep;
}

const std::string& PostgresJobStore::nodeId() const
{
	return _settings.nodeId;
}

PostgresPool& PostgresJobStore::pool()
{
	return _pool;
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
			logger().notice(
				"PostgreSQL schema migrated from version %s to %s", std::to_string(from), std::to_string(SchemaMigrator::CURRENT_VERSION));
		std::string now = micros(Poco::Timestamp());
		connection.query("INSERT INTO sygen_nodes (node_id, started_us, heartbeat_us) VALUES ($1, $2, $2)"
						 " ON CONFLICT (node_id) DO UPDATE SET started_us = $2, heartbeat_us = $2",
			{_settings.nodeId, now});
		// Claimed before a crash and never started: back to the cluster's queue.
		connection.query(
			"UPDATE sygen_jobs SET status = 'queued', node_id = NULL WHERE status = 'claimed' AND node_id = $1", {_settings.nodeId});
		return 0;
	});
	_events.reset(new JobEventWriter(_pool, _settings.nodeId, _keepBodies));
	if (_backlog)
	{
		std::deque<WebhookResult> left = _backlog->load();
		if (!left.empty())
		{
			logger().notice("%s results kept on disk while PostgreSQL was unreachable: writing them now", std::to_string(left.size()));
			std::lock_guard<std::mutex> lock(_mutex);
			_unwritten = left;
		}
		retryUnwrittenResults();
	}
	if (_wake) _listener = std::thread([this] { runListener(); });
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
		Poco::Timestamp::TimeDiff interval =
			std::min<Poco::Timestamp::TimeDiff>(MAINTENANCE_INTERVAL_US, _settings.leaseSeconds * 1000LL * 1000 / 3);
		if (_lastMaintenance.elapsed() > interval || resultsWaiting || !_pool.available())
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
		params.insert(params.end(),
			{job.jobId, job.hookId, job.dependency, std::to_string(job.maxConcurrent), job.body, micros(job.receivedAt), job.retryOf,
				nodeList(job.runOn), job.sessionKey});
		binary.insert(binary.end(), {false, false, false, false, true, false, false, false, false});
		batch[i]->acceptance = JobAcceptance{false, job.jobId};
		++rows;
	}
	if (rows > 0)
	{
		connection.queryBinary(
			"INSERT INTO sygen_jobs (job_id, hook_id, dependency, max_concurrent, body, queued_us, retry_of, run_on, session_key) VALUES " +
				placeholders(rows, 9),
			params, binary);
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
	PostgresResult won = connection.query("INSERT INTO sygen_deliveries AS d (hook_id, delivery_id, job_id, accepted_us) VALUES " +
			placeholders(claimed.size(), 4) +
			" ON CONFLICT (hook_id, delivery_id) DO UPDATE SET job_id = EXCLUDED.job_id,"
			" accepted_us = EXCLUDED.accepted_us WHERE d.accepted_us < $" +
			std::to_string(params.size()) + " RETURNING job_id",
		params);
	std::map<std::string, bool> winners;
	for (int row = 0; row < won.rows(); ++row) winners[won.text(row, 0)] = true;

	std::map<std::pair<std::string, std::string>, std::string> earlier;
	for (std::size_t i: claimed)
	{
		const NewJob& job = *batch[i]->job;
		if (winners.count(job.jobId)) continue;
		PostgresResult row =
			connection.query("SELECT job_id FROM sygen_deliveries WHERE hook_id = $1 AND delivery_id = $2", {job.hookId, job.deliveryId});
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
	if (!_events) throw BackendUnavailable("the job store is not open");
	// Started or not, the dispatcher has prepared it: a retry reads the body again.
	forgetClaimedBody(jobId);
	if (!_events->recordStart(jobId, workerId, at))
		throw JobTakenException("its claim by node " + _settings.nodeId + " was given up (lease expired) or taken, or it is gone");
}

void PostgresJobStore::markFinished(const WebhookResult& result)
{
	forgetClaimedBody(result.jobId); // ended unstarted (a failed preparation, a cancel)
	if (!writeResult(result)) keepUnwritten(result);
}

void PostgresJobStore::markFinishedThen(const WebhookResult& result, const std::function<void()>& recorded)
{
	if (!_events) return JobStore::markFinishedThen(result, recorded); // not open: markFinished, then recorded
	forgetClaimedBody(result.jobId);                                   // ended unstarted (a failed preparation, a cancel)
	// The worker's thread goes back to its worker at once; the result is reported
	// (recorded) only once committed, or kept on disk during an outage.
	_events->queueResult(result, [this, result, recorded](bool written) {
		if (!written) keepUnwritten(result);
		recorded();
	});
}

void PostgresJobStore::flushResults()
{
	if (_events) _events->drain();
}

unsigned long long PostgresJobStore::eventTransactions() const
{
	return _events ? _events->transactions() : 0;
}

void PostgresJobStore::keepUnwritten(const WebhookResult& result)
{
	// Kept until the database is back: a result is never dropped for an outage.
	std::lock_guard<std::mutex> lock(_mutex);
	_unwritten.push_back(result);
	saveBacklog();
}

void PostgresJobStore::saveBacklog()
{
	if (!_backlog) return;
	try
	{
		_backlog->save(_unwritten);
	}
	catch (Poco::Exception& exc)
	{
		// Still in memory: written when the database is back unless the node stops first.
		logger().critical("results waiting for PostgreSQL not saved to %s: %s", _backlog->path(), exc.displayText());
	}
}

bool PostgresJobStore::writeResult(const WebhookResult& result)
{
	return _events && _events->recordResult(result);
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
		saveBacklog();
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
	std::vector<JobInfo> lost;
	try
	{
		_pool.with([&](PostgresConnection& connection) {
			std::string now = micros(Poco::Timestamp());
			// An upsert: a node that was presumed dead (a long outage) rejoins.
			connection.query("INSERT INTO sygen_nodes (node_id, started_us, heartbeat_us) VALUES ($1, $2, $2)"
							 " ON CONFLICT (node_id) DO UPDATE SET heartbeat_us = $2",
				{_settings.nodeId, now});
			connection.query("DELETE FROM sygen_jobs WHERE seq IN (SELECT seq FROM sygen_jobs WHERE finished_us IS NOT NULL"
							 " ORDER BY finished_us DESC OFFSET $1)",
				{std::to_string(_historyLimit)});
			Poco::Timestamp cutoff = Poco::Timestamp() - static_cast<Poco::Timestamp::TimeDiff>(_dedupeWindowSeconds) * 1000 * 1000;
			connection.query("DELETE FROM sygen_deliveries WHERE accepted_us < $1", {micros(cutoff)});
			lost = reapDeadNodes(connection);
			return 0;
		});
	}
	catch (Poco::Exception& exc)
	{
		_connected = false;
		// BackendUnavailable was logged by the pool; anything else is worth a line.
		if (!dynamic_cast<BackendUnavailable*>(&exc)) logger().error("PostgreSQL maintenance failed: %s", exc.displayText());
	}
	// Outside the pool: finishing a job writes its result on a connection of its own.
	for (const JobInfo& job: lost)
	{
		if (_lost) _lost(job);
	}
}

void PostgresJobStore::startReaping()
{
	_reaping = true;
}

void PostgresJobStore::stopListening()
{
	_listenerStop = true;
	if (_listener.joinable()) _listener.join();
}

std::vector<JobInfo> PostgresJobStore::reapDeadNodes(PostgresConnection& connection)
{
	if (!_reaping) return {};
	// Back from an outage that may have silenced every node: give the others a
	// lease to renew theirs before judging them dead by a stale heartbeat.
	if (!_connected)
	{
		_connected = true;
		_connectedSince.update();
	}
	if (_connectedSince.elapsed() < static_cast<Poco::Timestamp::TimeDiff>(_settings.leaseSeconds) * 1000 * 1000) return {};
	Poco::Timestamp cutoff = Poco::Timestamp() - static_cast<Poco::Timestamp::TimeDiff>(_settings.leaseSeconds) * 1000 * 1000;
	PostgresResult dead = connection.query(
		"DELETE FROM sygen_nodes WHERE heartbeat_us < $1 AND node_id <> $2 RETURNING node_id", {micros(cutoff), _settings.nodeId});
	for (int row = 0; row < dead.rows(); ++row)
		logger().warning("node %s stopped renewing its lease: its running jobs end worker_lost, its claimed ones return to the queue",
			dead.text(row, 0));
	// Also jobs of nodes reaped earlier by a survivor that died before finishing them.
	connection.query("UPDATE sygen_jobs SET status = 'queued', node_id = NULL WHERE status = 'claimed'"
					 " AND node_id NOT IN (SELECT node_id FROM sygen_nodes)");
	PostgresResult lost =
		connection.query(std::string("UPDATE sygen_jobs SET status = 'lost', node_id = $1 WHERE status IN ('running', 'lost')"
									 " AND node_id NOT IN (SELECT node_id FROM sygen_nodes) RETURNING ") +
				JOB_COLUMNS,
			{_settings.nodeId});
	std::vector<JobInfo> jobs;
	for (int row = 0; row < lost.rows(); ++row) jobs.push_back(jobFromRow(lost, row));
	if (lost.rows() > 0 || dead.rows() > 0) connection.execute("NOTIFY sygen_jobs");
	return jobs;
}

std::vector<QueuedJob> PostgresJobStore::claim(std::size_t limit)
{
	if (limit == 0) return {};
	return _pool.with([&](PostgresConnection& connection) {
		Transaction transaction(connection);
		connection.query("SELECT pg_advisory_xact_lock($1)", {std::to_string(CLAIM_LOCK_KEY)});
		PostgresResult rows = connection.query(
			"UPDATE sygen_jobs SET status = 'claimed', node_id = $1 WHERE seq IN ("
			" SELECT j.seq FROM sygen_jobs j WHERE j.status = 'queued'"
			"  AND (j.dependency = '' OR NOT EXISTS (SELECT 1 FROM sygen_jobs e WHERE e.dependency = j.dependency"
			"   AND e.finished_us IS NULL AND e.status <> 'queued' AND e.node_id <> $1))"
			"  AND (j.dependency = '' OR NOT EXISTS (SELECT 1 FROM sygen_jobs e WHERE e.dependency = j.dependency"
			"   AND e.status = 'queued' AND e.seq < j.seq))"
			"  AND (j.max_concurrent = 0 OR (SELECT count(*) FROM sygen_jobs e WHERE e.hook_id = j.hook_id"
			"   AND e.status IN ('claimed', 'running') AND e.node_id <> $1) < j.max_concurrent)"
			"  AND (j.run_on IS NULL OR j.run_on ? $1)"
			"  AND (j.session_key = '' OR NOT EXISTS (SELECT 1 FROM sygen_sessions s JOIN sygen_nodes n ON n.node_id = s.node_id"
			"   WHERE s.session_key = j.session_key AND s.node_id <> $1))"
			" ORDER BY j.seq LIMIT $2 FOR UPDATE SKIP LOCKED)"
			" RETURNING seq, job_id, hook_id, dependency, queued_us, max_concurrent, session_key, body",
			{_settings.nodeId, std::to_string(limit)});
		for (int row = 0; row < rows.rows(); ++row)
		{
			if (!rows.text(row, 6).empty()) holdSession(connection, rows.text(row, 6));
		}
		transaction.commit();
		keepClaimedBodies(rows);
		std::vector<std::pair<long long, QueuedJob>> claimed;
		for (int row = 0; row < rows.rows(); ++row)
		{
			QueuedJob job{rows.text(row, 1), rows.text(row, 2), rows.text(row, 3), Poco::Timestamp(rows.integer(row, 4)),
				static_cast<int>(rows.integer(row, 5))};
			claimed.emplace_back(rows.integer(row, 0), job);
		}
		// RETURNING gives no order: arrival order is what the dispatcher keeps.
		std::sort(claimed.begin(), claimed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
		std::vector<QueuedJob> jobs;
		for (auto& entry: claimed) jobs.push_back(entry.second);
		return jobs;
	});
}

void PostgresJobStore::keepClaimedBodies(const PostgresResult& rows)
{
	// The dispatcher reads a job's body to prepare it, right before its start: taken
	// with the claim, that is one round trip less on the (one per node) pump's path.
	std::lock_guard<std::mutex> lock(_mutex);
	for (int row = 0; row < rows.rows(); ++row) _claimedBodies[rows.text(row, 1)] = rows.bytes(row, 7);
}

void PostgresJobStore::forgetClaimedBody(const std::string& jobId)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_claimedBodies.erase(jobId);
}

void PostgresJobStore::holdSession(PostgresConnection& connection, const std::string& sessionKey)
{
	// Under the claim lock: no other node moves the session in between.
	PostgresResult held = connection.query("SELECT node_id FROM sygen_sessions WHERE session_key = $1", {sessionKey});
	std::string previous = held.rows() ? held.text(0, 0) : std::string();
	if (!previous.empty() && previous != _settings.nodeId)
		logger().warning(
			"session %s was held by node %s, which is gone: a new session starts on node %s", sessionKey, previous, _settings.nodeId);
	connection.query("INSERT INTO sygen_sessions (session_key, node_id, updated_us) VALUES ($1, $2, $3)"
					 " ON CONFLICT (session_key) DO UPDATE SET node_id = $2, updated_us = $3",
		{sessionKey, _settings.nodeId, micros(Poco::Timestamp())});
}

void PostgresJobStore::setWakeListener(std::function<void()> listener)
{
	_wake = std::move(listener);
}

void PostgresJobStore::setLostJobListener(std::function<void(const JobInfo&)> listener)
{
	_lost = std::move(listener);
}

void PostgresJobStore::runListener()
{
	while (!_listenerStop)
	{
		try
		{
			std::unique_ptr<PostgresConnection> connection = _pool.connect();
			connection->execute("LISTEN sygen_jobs");
			_wake(); // whatever was accepted while not listening
			while (!_listenerStop)
			{
				pollfd descriptor{connection->socket(), POLLIN, 0};
				int ready = ::poll(&descriptor, 1, 250);
				if (ready > 0 && !connection->notifications().empty()) _wake();
			}
		}
		catch (Poco::Exception&)
		{
			// Down: the pool logged it; the periodic claim still runs. Retry shortly.
			for (int i = 0; i < 4 && !_listenerStop; ++i) Poco::Thread::sleep(250);
		}
	}
}

void PostgresJobStore::releaseClaims()
{
	try
	{
		_pool.with([&](PostgresConnection& connection) {
			return connection
				.query(
					"UPDATE sygen_jobs SET status = 'queued', node_id = NULL WHERE status = 'claimed' AND node_id = $1", {_settings.nodeId})
				.affected();
		});
	}
	catch (Poco::Exception&)
	{
		// open() of the next start, or a survivor's reaping, releases them.
	}
}

std::size_t PostgresJobStore::queuedInCluster() const
{
	try
	{
		return static_cast<std::size_t>(_pool.with([&](PostgresConnection& connection) {
			return connection.query("SELECT count(*) FROM sygen_jobs WHERE status IN ('queued', 'claimed')").integer(0, 0);
		}));
	}
	catch (Poco::Exception&)
	{
		return 0;
	}
}

std::string PostgresJobStore::readBody(const std::string& jobId) const
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		auto claimed = _claimedBodies.find(jobId);
		if (claimed != _claimedBodies.end()) return claimed->second;
	}
	return _pool.with([&](PostgresConnection& connection) {
		PostgresResult row = connection.query("SELECT body FROM sygen_jobs WHERE job_id = $1 AND finished_us IS NULL", {jobId});
		if (row.rows() == 0) throw Poco::NotFoundException("job " + jobId + " has no body in PostgreSQL");
		return row.bytes(0, 0);
	});
}

std::optional<std::string> PostgresJobStore::keptBody(const std::string& jobId) const
{
	return _pool.with([&](PostgresConnection& connection) {
		PostgresResult row = connection.query("SELECT body FROM sygen_jobs WHERE job_id = $1", {jobId});
		return row.rows() == 0 ? std::optional<std::string>() : std::optional<std::string>(row.bytes(0, 0));
	});
}

bool PostgresJobStore::claimOne(const std::string& jobId)
{
	return _pool.with([&](PostgresConnection& connection) {
		// Also a job another node claimed ahead (ClusterFeeder) and has not started:
		// that node's start record then finds the claim gone and drops the job
		// (JobTakenException), as after a lease takeover. Row locks order the two.
		return connection
			.query("UPDATE sygen_jobs SET status = 'claimed', node_id = $2 WHERE job_id = $1 AND status IN ('queued', 'claimed')",
				{jobId, _settings.nodeId})
			.affected();
	}) > 0;
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
	// LIMIT takes a bigint: "everything" (SIZE_MAX) must not overflow it.
	limit = std::min<std::size_t>(limit, static_cast<std::size_t>(std::numeric_limits<long long>::max()));
	std::string count = std::to_string(limit);
	std::vector<JobInfo> jobs = jobsWhere("finished_us IS NULL ORDER BY seq LIMIT $1", {count});
	if (jobs.size() >= limit) return jobs;
	std::vector<JobInfo> finished =
		jobsWhere("finished_us IS NOT NULL ORDER BY finished_us DESC LIMIT $1", {std::to_string(limit - jobs.size())});
	jobs.insert(jobs.end(), finished.begin(), finished.end());
	return jobs;
}

std::vector<JobInfo> PostgresJobStore::pending() const
{
	// Queued jobs belong to the cluster: claim() hands them out.
	return {};
}

std::vector<JobInfo> PostgresJobStore::interrupted() const
{
	std::vector<JobInfo> jobs = jobsWhere("status IN ('running', 'lost') AND node_id = $1 ORDER BY seq", {_settings.nodeId});
	// A job whose result waits in the backlog did finish: it is not lost.
	std::lock_guard<std::mutex> lock(_mutex);
	jobs.erase(std::remove_if(jobs.begin(), jobs.end(),
				   [this](const JobInfo& job) {
					   return std::any_of(
						   _unwritten.begin(), _unwritten.end(), [&job](const WebhookResult& result) { return result.jobId == job.jobId; });
				   }),
		jobs.end());
	return jobs;
}

std::size_t PostgresJobStore::unfinishedCount() const
{
	try
	{
		return static_cast<std::size_t>(_pool.with([&](PostgresConnection& connection) {
			return connection.query("SELECT count(*) FROM sygen_jobs WHERE finished_us IS NULL AND node_id = $1", {_settings.nodeId})
				.integer(0, 0);
		}));
	}
	catch (Poco::Exception&)
	{
		return 0;
	}
}

} // namespace Sygen
