//
// PostgresJobStore.h
//
// Jobs, history and delivery ids in PostgreSQL: the cluster's store of record.
//

#ifndef Sygen_PostgresJobStore_INCLUDED
#define Sygen_PostgresJobStore_INCLUDED

#include "Sygen/Foundation/Config.h"
#include "jobs/JobEventWriter.h"
#include "jobs/JobObserver.h"
#include "jobs/JobStore.h"
#include "jobs/PostgresPool.h"
#include "jobs/QueuedJob.h"
#include "jobs/ResultBacklog.h"
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace Sygen {

class PostgresJobStore: public JobStore
/// Accepted jobs are written by a flusher thread of the store's own: concurrent
/// accept() calls queue their job and sleep; the flusher writes everything queued
/// in one transaction (multi-row INSERTs) and wakes them after the COMMIT, so
/// durability costs one commit per batch, not per request (group commit, as the
/// spool shares one fdatasync). Delivery ids are a unique key in the same
/// transaction: the second delivery of an id, on any node, gets the first job.
/// Starts and results are group-committed the same way by a JobEventWriter;
/// markFinishedThen() does not hold the worker's thread for the commit.
///
/// open() migrates the schema (SchemaMigrator) and registers the node. Results a
/// node could not write while the database was down are kept and written when it
/// is back. Thread-safe.
{
public:
	static constexpr std::size_t MAX_BATCH = 256;

	PostgresJobStore(const Config::Backend& settings, std::size_t historyLimit, long long dedupeWindowSeconds);
	~PostgresJobStore() override;

	void setBacklogFile(const std::string& path);
	/// Where results finished while the database is unreachable are kept on disk
	/// (ResultBacklog) until they are written; without one they wait in memory
	/// only. Set before open(), which writes what a previous run left there.

	void setKeepsBodies(bool keep);
	/// false (webhooks.keep_payloads false): a job's body is dropped when its result
	/// is written. Set before open().

	const std::string& nodeId() const;

	PostgresPool& pool();
	/// The store's connections, shared with what else the cluster keeps in the
	/// database (supervisor/src/cluster), so an outage is seen and logged once.

	std::string name() const override;
	void open() override;
	/// Throws SchemaTooNewError (exit 78), PostgresError / BackendUnavailable when
	/// the database cannot be used at start.
	bool dedupesDeliveries() const override;
	JobAcceptance accept(const NewJob& job) override;
	void markStarted(const std::string& jobId, int workerId, Poco::Timestamp at) override;
	void markFinished(const WebhookResult& result) override;
	void markFinishedThen(const WebhookResult& result, const std::function<void()>& recorded) override;
	void flushResults() override;
	std::string readBody(const std::string& jobId) const override;
	std::optional<JobInfo> find(const std::string& jobId) const override;
	std::vector<JobInfo> list(std::size_t limit) const override;
	std::vector<JobInfo> pending() const override;
	std::vector<JobInfo> interrupted() const override;
	std::size_t unfinishedCount() const override;
	bool available() const override;

	std::optional<std::string> keptBody(const std::string& jobId) const;
	/// The body a job was accepted with, finished or not, for as long as its row is
	/// kept (job_history); nullopt when there is no such job.

	bool claimOne(const std::string& jobId);
	/// Claims jobId for this node if it has not started (to cancel it): queued, or
	/// claimed by any node; false when it is running or finished already.

	std::size_t unwrittenResults() const;
	/// Results waiting for the database to come back.

	unsigned long long eventTransactions() const;
	/// Transactions that wrote this node's starts and results (JobEventWriter).

	std::vector<QueuedJob> claim(std::size_t limit);
	/// Cluster dispatch: takes up to limit of the oldest runnable unclaimed jobs for
	/// this node, in arrival order. Runnable: no earlier unfinished job of the same
	/// dependency on another node or unclaimed, and fewer than the hook's
	/// max_concurrent claimed or running on the other nodes; this node among the
	/// hook's run_on (when set); and for a wake job, its session held by no other
	/// live node (a claim takes the session over). Claims are serialised
	/// cluster-wide by an advisory transaction lock, so two nodes never both take
	/// the last free slot. Throws BackendUnavailable.

	void setWakeListener(std::function<void()> listener);
	/// Called (on a thread of the store's) when another node accepted or finished a
	/// job (LISTEN sygen_jobs), so an idle node claims at once, not on a poll.
	/// Set before open().

	void setLostJobListener(std::function<void(const JobInfo&)> listener);
	/// Called for each job that was running on a node whose lease expired; the
	/// listener finishes it as error:worker_lost (never run twice). Set before open().

	void startReaping();
	/// From now on, maintenance finishes dead nodes' jobs (after the result
	/// listener is in place).

	void stopListening();
	/// Ends the LISTEN thread (no wake-up is called after it returns).

	std::size_t queuedInCluster() const;
	/// Jobs accepted by any node and not yet started; 0 when unreachable.

private:
	struct Request
	{
		const NewJob* job = nullptr;
		JobAcceptance acceptance;
		std::exception_ptr error;
		bool done = false;
	};

	void runFlusher();
	void writeBatch(std::vector<Request*>& batch);
	void writeBatchOn(PostgresConnection& connection, std::vector<Request*>& batch);
	void claimDeliveries(PostgresConnection& connection, std::vector<Request*>& batch, std::vector<bool>& duplicate);
	bool writeResult(const WebhookResult& result);
	void keepUnwritten(const WebhookResult& result);
	void retryUnwrittenResults();
	void saveBacklog();
	void maintain();
	std::vector<JobInfo> reapDeadNodes(PostgresConnection& connection);
	void holdSession(PostgresConnection& connection, const std::string& sessionKey);
	void keepClaimedBodies(const PostgresResult& rows);
	void forgetClaimedBody(const std::string& jobId);
	void runListener();
	void releaseClaims();
	std::vector<JobInfo> jobsWhere(const std::string& condition, const std::vector<PostgresConnection::Param>& params) const;

	Config::Backend _settings;
	std::size_t _historyLimit;
	long long _dedupeWindowSeconds;
	mutable PostgresPool _pool;

	mutable std::mutex _mutex;
	std::condition_variable _wanted;  ///< The flusher sleeps here.
	std::condition_variable _written; ///< accept() callers sleep here.
	std::deque<Request*> _queue;
	std::deque<WebhookResult> _unwritten;
	bool _stopping = false;
	std::thread _flusher;
	Poco::Timestamp _lastMaintenance;
	std::function<void()> _wake;
	std::function<void(const JobInfo&)> _lost;
	std::atomic<bool> _listenerStop{false};
	std::atomic<bool> _reaping{false};
	bool _keepBodies = true;
	std::unique_ptr<ResultBacklog> _backlog; ///< Mirrors _unwritten on disk; guarded by _mutex.
	Poco::Timestamp _connectedSince;         ///< Since when maintenance has reached the database.
	bool _connected = false;
	std::thread _listener;
	std::map<std::string, std::string> _claimedBodies; ///< Bodies of claimed, unstarted jobs (readBody); guarded by _mutex.
	std::unique_ptr<JobEventWriter> _events;           ///< Starts and results, group-committed; made by open().
};

} // namespace Sygen

#endif // Sygen_PostgresJobStore_INCLUDED
