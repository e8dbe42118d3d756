//
// JobEventWriter.h
//
// Writes this node's job starts and results to PostgreSQL, many per transaction.
//

#ifndef Sygen_JobEventWriter_INCLUDED
#define Sygen_JobEventWriter_INCLUDED

#include "Sygen/Protocol/WebhookResult.h"
#include "jobs/PostgresPool.h"
#include <Poco/Timestamp.h>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace Sygen {

class JobEventWriter
/// Group commit for the records on a worker's path. Each start and result used
/// to be a transaction of its own, and a node's workers waited for those commits
/// one after another (bench/README.md, "Cluster"). Now records are queued and one
/// thread writes everything queued in one statement (JobEventStatement: one
/// round trip, one transaction). Each record still has its own row check, so a
/// start whose claim is no longer this node's is told so.
///
/// A start's caller waits for the COMMIT: the CLI must not run before the job is
/// durably running here (never run twice). A result need not hold its worker:
/// queueResult() returns at once and calls back after the COMMIT, so whatever
/// reports the result to the outside runs only once it is durable; results with
/// nobody waiting linger up to RESULT_LINGER for a start to share its commit
/// (a node at work starts a job about as often as it ends one). Batches are
/// taken in arrival order, so a start's commit also covers every result queued
/// before it.
///
/// A failed transaction fails every record in it, so nothing is reported durable
/// that is not; a statement the server rejected (not an outage) is retried alone,
/// so that it fails only its own record. drain() waits for what is queued;
/// stop() writes it and refuses new records. Thread-safe.
{
public:
	static constexpr std::size_t MAX_BATCH = 256;
	static constexpr std::chrono::milliseconds RESULT_LINGER{20};
	/// How long queued results may wait for a start to share its commit.

	using Written = std::function<void(bool written)>;
	/// Called on the writer's thread: true once the result is committed (or known
	/// not to be this node's any more, or refused by the server: logged); false
	/// when the database cannot be reached and the caller must keep it.

	JobEventWriter(PostgresPool& pool, const std::string& nodeId, bool keepBodies);
	~JobEventWriter();

	JobEventWriter(const JobEventWriter&) = delete;
	JobEventWriter& operator=(const JobEventWriter&) = delete;

	bool recordStart(const std::string& jobId, int workerId, Poco::Timestamp at);
	/// true once the job is durably running on this node; false when it is not
	/// this node's to run (its claim was given up or taken, or it is gone). Throws
	/// BackendUnavailable (or PostgresError) when the commit did not happen.

	bool recordResult(const WebhookResult& result);
	/// queueResult and wait: true when written, false when unreachable. Throws
	/// PostgresError when the server refused it.

	void queueResult(const WebhookResult& result, Written written);

	void drain();
	/// Returns once everything queued before the call is written and called back.

	void stop();
	/// Writes what is queued and ends the thread; later records fail as unavailable.

	unsigned long long transactions() const;
	/// Transactions committed so far (tests).

private:
	struct Entry
	{
		bool start = false;
		int workerId = 0;
		Poco::Timestamp at;
		WebhookResult result; ///< A start uses only result.jobId.
		Written written;
		std::chrono::steady_clock::time_point queuedAt; ///< queueResult() only.
		int affected = 0;
		std::exception_ptr error;
		bool done = false;
	};
	using Batch = std::vector<std::shared_ptr<Entry>>;

	void submitAndWait(const std::shared_ptr<Entry>& entry);
	void run();
	void lingerForAStart(std::unique_lock<std::mutex>& lock);
	void write(Batch& batch);
	void writeEachAlone(Batch& batch);
	void writeOn(PostgresConnection& connection, Batch& batch);
	void callBack(Batch& batch);

	PostgresPool& _pool;
	const std::string _nodeId;
	const bool _keepBodies;
	mutable std::mutex _mutex;
	std::condition_variable _wanted;  ///< The writer sleeps here.
	std::condition_variable _written; ///< Waiting callers sleep here.
	std::deque<std::shared_ptr<Entry>> _queue;
	unsigned long long _queued = 0;   ///< Entries ever queued.
	unsigned long long _finished = 0; ///< Entries written and called back, in order.
	int _waiting = 0;                 ///< Callers waiting (starts, recordResult, drain): no lingering.
	bool _stopping = false;
	bool _ended = false; ///< The thread has returned.
	unsigned long long _transactions = 0;
	std::thread _thread;
};

} // namespace Sygen

#endif // Sygen_JobEventWriter_INCLUDED
