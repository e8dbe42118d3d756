//
// PostgresJobStore.h
//
// Jobs, history and delivery ids in PostgreSQL: the cluster's store of record.
//

#ifndef Sygen_PostgresJobStore_INCLUDED
#define Sygen_PostgresJobStore_INCLUDED

#include "JobStore.h"
#include "PostgresPool.h"
#include "Sygen/Config.h"
#include <condition_variable>
#include <deque>
#include <exception>
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
	///
	/// open() migrates the schema (SchemaMigrator) and registers the node. Results a
	/// node could not write while the database was down are kept and written when it
	/// is back. Thread-safe.
{
public:
	static const std::size_t MAX_BATCH = 256;

	PostgresJobStore(const Config::Backend& settings, std::size_t historyLimit, long long dedupeWindowSeconds);
	~PostgresJobStore() override;

	const std::string& nodeId() const;

	std::string name() const override;
	void open() override;
		/// Throws SchemaTooNewError (exit 78), PostgresError / BackendUnavailable when
		/// the database cannot be used at start.
	bool dedupesDeliveries() const override;
	JobAcceptance accept(const NewJob& job) override;
	void markStarted(const std::string& jobId, int workerId, Poco::Timestamp at) override;
	void markFinished(const WebhookResult& result) override;
	std::string readBody(const std::string& jobId) const override;
	std::optional<JobInfo> find(const std::string& jobId) const override;
	std::vector<JobInfo> list(std::size_t limit) const override;
	std::vector<JobInfo> pending() const override;
	std::vector<JobInfo> interrupted() const override;
	std::size_t unfinishedCount() const override;
	bool available() const override;

	std::size_t unwrittenResults() const;
		/// Results waiting for the database to come back.

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
	void retryUnwrittenResults();
	void maintain();
	std::vector<JobInfo> jobsWhere(const std::string& condition, const std::vector<PostgresConnection::Param>& params) const;

	Config::Backend _settings;
	std::size_t _historyLimit;
	long long _dedupeWindowSeconds;
	mutable PostgresPool _pool;

	mutable std::mutex _mutex;
	std::condition_variable _wanted;    ///< The flusher sleeps here.
	std::condition_variable _written;   ///< accept() callers sleep here.
	std::deque<Request*> _queue;
	std::deque<WebhookResult> _unwritten;
	bool _stopping = false;
	std::thread _flusher;
	Poco::Timestamp _lastMaintenance;
};

} // namespace Sygen

#endif // Sygen_PostgresJobStore_INCLUDED
