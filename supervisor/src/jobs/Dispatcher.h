//
// Dispatcher.h
//
// Hands queued jobs to idle workers: FIFO per dependency name, bounded queue.
//

#ifndef Sygen_Dispatcher_INCLUDED
#define Sygen_Dispatcher_INCLUDED

#include "Sygen/Foundation/Clock.h"
#include "jobs/JobObserver.h"
#include "jobs/JobPreparer.h"
#include "jobs/QueuedJob.h"
#include "workers/WorkerEvents.h"
#include "workers/WorkerPort.h"
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace Sygen {

struct DispatcherJob
/// One unfinished job as the dispatcher sees it (for the admin API).
{
	std::string jobId;
	std::string hookId;
	std::string dependency;
	std::string state; ///< "queued", "waiting" (its dependency is busy) or "running".
	Poco::Timestamp queuedAt;
	int workerId = 0; ///< Set when running.
	Poco::Timestamp startedAt;
};

class Dispatcher: public WorkerEvents
/// The queue between ingress and the worker pool.
///
/// Jobs are kept in arrival order. A job is dispatched when a worker is idle and
/// no job of the same dependency is running; the first such job in arrival order
/// goes first, so jobs of one dependency run one at a time in FIFO order while
/// jobs without (or with other) dependencies run in parallel. A job waiting for
/// its dependency never occupies a worker. A hook with max_concurrent > 0 has at
/// most that many jobs running at once; its further jobs wait the same way (other
/// hooks' jobs pass them). The dependency used is the one the job
/// was queued with.
///
/// Capacity counts jobs not yet started; hasRoom() is what ingress checks before
/// answering 202. submit() itself never refuses, so jobs recovered from the spool
/// at start-up are never dropped.
///
/// A job whose start cannot be recorded (the journal refuses writes) or whose
/// hook cannot be judged yet (JobNotReadyException) stays queued, and the
/// dispatcher tries again by itself with backoff (100 ms doubling to 5 s), so
/// the queue resumes without waiting for a new request or worker event.
///
/// A job whose worker is lost ends as error:worker_lost; it is never requeued
/// (it may have had side effects), so no job runs twice.
///
/// Thread-safe. Lock order: the dispatcher's lock is taken before the pool's
/// (WorkerPort calls are made with it held); WorkerEvents must be called without
/// the pool's lock. JobObserver::jobFinished is always called without the lock.
{
public:
	Dispatcher(JobPreparer& preparer, JobObserver& observer, std::size_t capacity, const Clock& clock = Clock::system());
	~Dispatcher();
	/// Stops the retry thread.

	Dispatcher(const Dispatcher&) = delete;
	Dispatcher& operator=(const Dispatcher&) = delete;

	void setRetryDelays(int firstMs, int maxMs);
	/// Backoff of the dispatcher's own retries (default 100 ms doubling to 5 s).

	std::string holdReason() const;
	/// Why queued jobs wait although workers may be idle (empty when they do not).

	void setWorkers(WorkerPort* workers);
	/// The pool to dispatch to (may be set after construction: the pool itself
	/// needs the dispatcher as its WorkerEvents). Dispatches what is queued.

	bool hasRoom() const;
	/// True while fewer than capacity jobs wait to start.

	void submit(const QueuedJob& job);
	/// Queues the job (never refuses) and dispatches whatever can run.

	void pump();
	/// Dispatches every job that can run now. Called by submit() and the worker
	/// events; public for the application (e.g. after a reload).

	void pause();
	/// Stops starting jobs (supervisor shutdown): queued jobs stay queued (and in
	/// the spool); running ones still report their results.

	void resume();

	bool paused() const;

	std::size_t capacity() const;
	std::size_t queuedCount() const;
	/// Jobs not yet started.
	std::size_t runningCount() const;

	struct Cancellation
	/// What cancel() did.
	{
		enum Kind
		{
			CANCELLED,   ///< It was queued: it finished as "cancelled" and never runs.
			TERMINATING, ///< It runs on workerId: once that worker is terminated it ends "cancelled".
			NOT_ACTIVE   ///< Neither queued nor running here.
		};
		Kind kind = NOT_ACTIVE;
		int workerId = 0;
	};

	Cancellation cancel(const std::string& jobId);
	/// Cancels a queued job at once (its result "cancelled" goes to the observer),
	/// or marks a running one so that losing its worker ends it as "cancelled"
	/// instead of error:worker_lost; the caller then terminates that worker (its
	/// CLI's process group goes with it). A result that beats the termination
	/// is kept as it is.

	std::vector<DispatcherJob> jobs() const;
	/// Running jobs, then queued ones in arrival order.

	// WorkerEvents
	void workerIdle(int workerId) override;
	void jobFinished(int workerId, const WebhookResult& result) override;
	void jobLost(int workerId, const std::string& jobId) override;

private:
	struct Running
	{
		QueuedJob job;
		int workerId = 0;
		Poco::Timestamp startedAt;
		std::string hookTitle;
		std::string mode;
		/// Its "started" record is being written: until it is durable the job is
		/// shown as queued, because a refused record puts it back in the queue.
		bool starting = true;
	};

	bool blocked(const QueuedJob& job) const;
	static DispatcherJob queuedView(const QueuedJob& job, const std::string& state);
	/// Its dependency is busy, or its hook already runs max_concurrent jobs.
	void markRunning(const QueuedJob& job);
	void markDone(const QueuedJob& job);
	void pumpLocked(std::unique_lock<std::mutex>& lock, std::vector<WebhookResult>& finished);
	void pumpOnce(std::unique_lock<std::mutex>& lock, std::vector<WebhookResult>& finished);
	void notify(const std::vector<WebhookResult>& finished);
	WebhookResult failureFor(const QueuedJob& job, const std::string& status, const std::string& text) const;
	void scheduleRetryLocked();
	void runRetries();
	void hold(const std::string& reason);

	JobPreparer& _preparer;
	JobObserver& _observer;
	const std::size_t _capacity;
	const Clock& _clock;
	WorkerPort* _workers = nullptr;
	bool _paused = false;
	bool _pumping = false;   ///< A thread is in pumpLocked (it may have released _mutex).
	bool _pumpAgain = false; ///< Something changed while it was pumping.

	mutable std::mutex _mutex;
	std::deque<QueuedJob> _queue;            ///< Not started, arrival order.
	std::map<std::string, Running> _running; ///< By job id.
	std::set<std::string> _busyDependencies;
	std::map<std::string, int> _runningPerHook; ///< Running jobs by hook id (for max_concurrent).
	std::set<std::string> _cancelling;          ///< Running jobs an operator cancelled.

	std::condition_variable _retryWanted;
	std::thread _retryThread;
	bool _retryPending = false;
	bool _stopRetries = false;
	std::chrono::steady_clock::time_point _retryDue;
	int _firstRetryDelayMs = 100;
	int _maxRetryDelayMs = 5000;
	int _retryDelayMs = 100;
	std::string _holdReason; ///< Set while jobs wait for a problem to clear; logged once.
};

} // namespace Sygen

#endif // Sygen_Dispatcher_INCLUDED
