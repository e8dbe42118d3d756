//
// Dispatcher.cpp
//

#include "jobs/Dispatcher.h"
#include "Sygen/Foundation/IsoTime.h"
#include "Sygen/Protocol/JobStatus.h"
#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <algorithm>

namespace Sygen {

POCO_IMPLEMENT_EXCEPTION(JobNotReadyException, Poco::Exception, "Job not ready")
POCO_IMPLEMENT_EXCEPTION(JobTakenException, Poco::Exception, "Job taken by another node")

namespace {

Poco::Logger& logger()
{
	return Poco::Logger::get("Sygen.Dispatcher");
}

// A worker reported idle by the pool may be gone by the time the job is sent;
// the pool then stops reporting it idle. This bounds the retries in one pump
// should a pool keep offering a worker it cannot send to.
const int MAX_SEND_FAILURES_PER_PUMP = 16;

const std::string JOURNAL_HOLD = "the job store cannot record a start (see its error before this line)";

} // namespace

Dispatcher::Dispatcher(JobPreparer& preparer, JobObserver& observer, std::size_t capacity, const Clock& clock):
	_preparer(preparer),
	_observer(observer),
	_capacity(capacity),
	_clock(clock)
{
}

Dispatcher::~Dispatcher()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopRetries = true;
	}
	_retryWanted.notify_all();
	if (_retryThread.joinable()) _retryThread.join();
}

void Dispatcher::setRetryDelays(int firstMs, int maxMs)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_firstRetryDelayMs = std::max(1, firstMs);
	_maxRetryDelayMs = std::max(_firstRetryDelayMs, maxMs);
	_retryDelayMs = _firstRetryDelayMs;
}

std::string Dispatcher::holdReason() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _holdReason;
}

void Dispatcher::scheduleRetryLocked()
{
	if (_retryPending || _stopRetries) return;
	_retryPending = true;
	_retryDue = std::chrono::steady_clock::now() + std::chrono::milliseconds(_retryDelayMs);
	_retryDelayMs = std::min(_retryDelayMs * 2, _maxRetryDelayMs);
	if (!_retryThread.joinable()) _retryThread = std::thread(&Dispatcher::runRetries, this);
	_retryWanted.notify_all();
}

void Dispatcher::runRetries()
{
	// The queue must resume by itself once the journal or the hook file is back:
	// no new request or worker event may be needed to move it.
	std::unique_lock<std::mutex> lock(_mutex);
	for (;;)
	{
		_retryWanted.wait(lock, [this] { return _stopRetries || _retryPending; });
		if (_stopRetries) return;
		if (_retryWanted.wait_until(lock, _retryDue, [this] { return _stopRetries; })) return;
		_retryPending = false;
		std::vector<WebhookResult> finished;
		pumpLocked(lock, finished);
		lock.unlock();
		notify(finished);
		lock.lock();
	}
}

void Dispatcher::hold(const std::string& reason)
{
	// One ERROR when the queue stops; while it stays stopped the reason may change at
	// every retry (an outage alternates "unreachable" and "cannot connect"), and the
	// cause itself is logged once by the component that failed.
	if (_holdReason.empty()) logger().error("queued jobs wait: " + reason);
	else if (reason != _holdReason) logger().debug("queued jobs still wait: " + reason);
	_holdReason = reason;
	scheduleRetryLocked();
}

void Dispatcher::setWorkers(WorkerPort* workers)
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_workers = workers;
	}
	pump();
}

bool Dispatcher::hasRoom() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _queue.size() < _capacity;
}

void Dispatcher::submit(const QueuedJob& job)
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_queue.push_back(job);
	}
	pump();
}

void Dispatcher::pump()
{
	std::vector<WebhookResult> finished;
	{
		std::unique_lock<std::mutex> lock(_mutex);
		pumpLocked(lock, finished);
	}
	notify(finished);
}

void Dispatcher::pumpLocked(std::unique_lock<std::mutex>& lock, std::vector<WebhookResult>& finished)
{
	// One pump at a time. The durable "started" record (an fdatasync) and the send
	// happen with _mutex released, so that submit(), hasRoom() and the workers' events
	// never wait for a dispatch's disk flush: before, every dispatch held the lock
	// across the fsync, which serialised ingress behind dispatch (bench/README.md,
	// "Fixes"). Another thread that wants a pump meanwhile leaves a note, and the
	// running pump goes round again.
	if (_pumping)
	{
		_pumpAgain = true;
		return;
	}
	_pumping = true;
	do
	{
		_pumpAgain = false;
		pumpOnce(lock, finished);
	} while (_pumpAgain);
	_pumping = false;
}

void Dispatcher::pumpOnce(std::unique_lock<std::mutex>& lock, std::vector<WebhookResult>& finished)
{
	int sendFailures = 0;
	// An index, not an iterator: submit() may append while the lock is released. Only
	// the pump removes queued jobs, and there is one pump at a time.
	std::size_t i = 0;
	while (i < _queue.size())
	{
		if (_paused || !_workers) return;
		WorkerPort* workers = _workers;
		if (blocked(_queue[i]))
		{
			++i;
			continue;
		}
		int workerId = workers->idleWorker();
		if (workerId == 0) return;

		const QueuedJob job = _queue[i];
		WebhookResult failure;
		std::optional<WorkOrder> order;
		try
		{
			order = _preparer.prepare(job, failure);
		}
		catch (JobNotReadyException& e)
		{
			// Never failed for a passing problem (a broken hook file): it waits.
			hold(e.message());
			++i;
			continue;
		}
		catch (Poco::Exception& e)
		{
			logger().error("job " + job.jobId + ": preparing it failed: " + e.displayText());
			failure = failureFor(job, JobStatus::ERROR_EXCEPTION, "");
		}
		catch (std::exception& e)
		{
			logger().error("job " + job.jobId + ": preparing it failed: " + std::string(e.what()));
			failure = failureFor(job, JobStatus::ERROR_EXCEPTION, "");
		}
		if (!_holdReason.empty() && _holdReason != JOURNAL_HOLD)
		{
			logger().notice("queued jobs move again");
			_holdReason.clear();
		}
		if (!order)
		{
			if (failure.jobId.empty()) failure.jobId = job.jobId;
			if (failure.hookId.empty()) failure.hookId = job.hookId;
			if (failure.status.empty()) failure.status = JobStatus::ERROR_EXCEPTION;
			if (failure.finishedAt.empty()) failure.finishedAt = IsoTime::format(_clock.now());
			finished.push_back(failure);
			_queue.erase(_queue.begin() + static_cast<std::ptrdiff_t>(i));
			continue;
		}

		// Counted as running before the lock is released: a fast worker's result may
		// arrive before this thread has the lock back.
		Running running;
		running.job = job;
		running.workerId = workerId;
		running.startedAt = _clock.now();
		running.hookTitle = order->spec.title;
		running.mode = order->spec.mode;
		_running[job.jobId] = running;
		markRunning(job);
		_queue.erase(_queue.begin() + static_cast<std::ptrdiff_t>(i));

		bool recorded = true;
		bool taken = false;
		bool sent = false;
		lock.unlock();
		try
		{
			_observer.jobStarted(job.jobId, workerId, running.startedAt);
		}
		catch (JobTakenException& e)
		{
			logger().warning("job " + job.jobId + ": not started here: " + e.message());
			recorded = false;
			taken = true;
		}
		catch (Poco::Exception& e)
		{
			// Without the durable "started" mark a crash could run the job twice:
			// leave it queued and try again on the next event.
			logger().debug("job " + job.jobId + ": cannot record its start, not dispatching: " + e.displayText());
			recorded = false;
		}
		if (recorded) sent = workers->sendJob(workerId, *order);
		lock.lock();
		if (sent)
		{
			auto started = _running.find(job.jobId);
			if (started != _running.end()) started->second.starting = false;
			_retryDelayMs = _firstRetryDelayMs;
			if (!_holdReason.empty()) logger().notice("queued jobs move again");
			_holdReason.clear();
			continue;
		}

		// Not started after all: back to its place in the queue.
		_running.erase(job.jobId);
		markDone(job);
		if (taken)
		{
			// Another node owns it now and reports its result; it is not ours to end.
			_cancelling.erase(job.jobId);
			continue;
		}
		if (_cancelling.erase(job.jobId))
		{
			// Cancelled while its dispatch was under way: it ends here, unrun.
			finished.push_back(failureFor(job, JobStatus::CANCELLED, "[Webhook job cancelled by an operator before it started]"));
			continue;
		}
		_queue.insert(_queue.begin() + static_cast<std::ptrdiff_t>(std::min(i, _queue.size())), job);
		if (!recorded)
		{
			hold(JOURNAL_HOLD);
			return;
		}
		logger().warning("job " + job.jobId + ": worker " + std::to_string(workerId) + " went away before the job was sent; trying again");
		if (++sendFailures >= MAX_SEND_FAILURES_PER_PUMP) return;
	}
}

bool Dispatcher::blocked(const QueuedJob& job) const
{
	if (!job.dependency.empty() && _busyDependencies.count(job.dependency)) return true;
	if (job.maxConcurrent <= 0) return false;
	auto it = _runningPerHook.find(job.hookId);
	return it != _runningPerHook.end() && it->second >= job.maxConcurrent;
}

void Dispatcher::markRunning(const QueuedJob& job)
{
	if (!job.dependency.empty()) _busyDependencies.insert(job.dependency);
	++_runningPerHook[job.hookId];
}

void Dispatcher::markDone(const QueuedJob& job)
{
	if (!job.dependency.empty()) _busyDependencies.erase(job.dependency);
	auto it = _runningPerHook.find(job.hookId);
	if (it != _runningPerHook.end() && --it->second <= 0) _runningPerHook.erase(it);
}

void Dispatcher::notify(const std::vector<WebhookResult>& finished)
{
	for (const WebhookResult& result: finished)
	{
		try
		{
			_observer.jobFinished(result);
		}
		catch (Poco::Exception& e)
		{
			logger().error("job " + result.jobId + ": recording its result failed: " + e.displayText());
		}
	}
}

WebhookResult Dispatcher::failureFor(const QueuedJob& job, const std::string& status, const std::string& text) const
{
	WebhookResult r;
	r.jobId = job.jobId;
	r.hookId = job.hookId;
	r.status = status;
	r.resultText = text;
	r.finishedAt = IsoTime::format(_clock.now());
	return r;
}

void Dispatcher::pause()
{
	std::lock_guard<std::mutex> lock(_mutex);
	_paused = true;
}

void Dispatcher::resume()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_paused = false;
	}
	pump();
}

bool Dispatcher::paused() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _paused;
}

std::size_t Dispatcher::capacity() const
{
	return _capacity;
}

std::size_t Dispatcher::queuedCount() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _queue.size();
}

std::size_t Dispatcher::runningCount() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _running.size();
}

std::vector<DispatcherJob> Dispatcher::jobs() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	std::vector<DispatcherJob> result;
	for (const auto& entry: _running)
	{
		if (entry.second.starting)
		{
			result.push_back(queuedView(entry.second.job, "queued"));
			continue;
		}
		DispatcherJob j;
		j.jobId = entry.first;
		j.hookId = entry.second.job.hookId;
		j.dependency = entry.second.job.dependency;
		j.state = "running";
		j.queuedAt = entry.second.job.queuedAt;
		j.workerId = entry.second.workerId;
		j.startedAt = entry.second.startedAt;
		result.push_back(j);
	}
	for (const QueuedJob& q: _queue) result.push_back(queuedView(q, blocked(q) ? "waiting" : "queued"));
	return result;
}

DispatcherJob Dispatcher::queuedView(const QueuedJob& job, const std::string& state)
{
	DispatcherJob j;
	j.jobId = job.jobId;
	j.hookId = job.hookId;
	j.dependency = job.dependency;
	j.state = state;
	j.queuedAt = job.queuedAt;
	return j;
}

Dispatcher::Cancellation Dispatcher::cancel(const std::string& jobId)
{
	Cancellation outcome;
	std::vector<WebhookResult> finished;
	{
		std::unique_lock<std::mutex> lock(_mutex);
		auto running = _running.find(jobId);
		if (running != _running.end())
		{
			_cancelling.insert(jobId);
			outcome.kind = Cancellation::TERMINATING;
			outcome.workerId = running->second.workerId;
			return outcome;
		}
		auto queued = std::find_if(_queue.begin(), _queue.end(), [&jobId](const QueuedJob& q) { return q.jobId == jobId; });
		if (queued == _queue.end()) return outcome;
		finished.push_back(failureFor(*queued, JobStatus::CANCELLED, "[Webhook job cancelled by an operator before it started]"));
		_queue.erase(queued);
		// A pump that released the lock keeps an index into the queue: it goes round
		// again rather than skip the job that moved into the removed one's place.
		if (_pumping) _pumpAgain = true;
		outcome.kind = Cancellation::CANCELLED;
		logger().notice("job " + jobId + ": cancelled by an operator while queued");
	}
	notify(finished);
	return outcome;
}

void Dispatcher::workerIdle(int)
{
	pump();
}

void Dispatcher::jobFinished(int workerId, const WebhookResult& result)
{
	std::vector<WebhookResult> finished;
	{
		std::unique_lock<std::mutex> lock(_mutex);
		auto it = _running.find(result.jobId);
		if (it == _running.end())
		{
			// Already reported (lost, then a late result): never finish a job twice.
			logger().warning("worker " + std::to_string(workerId) + " reported job " + result.jobId + ", which is not running; ignored");
		}
		else
		{
			markDone(it->second.job);
			_running.erase(it);
			_cancelling.erase(result.jobId);
			finished.push_back(result);
		}
		pumpLocked(lock, finished);
	}
	notify(finished);
}

void Dispatcher::jobLost(int workerId, const std::string& jobId)
{
	std::vector<WebhookResult> finished;
	{
		std::unique_lock<std::mutex> lock(_mutex);
		auto it = _running.find(jobId);
		if (it == _running.end())
		{
			logger().warning("worker " + std::to_string(workerId) + " lost job " + jobId + ", which is not running; ignored");
		}
		else
		{
			const Running& running = it->second;
			bool cancelled = _cancelling.erase(jobId) > 0;
			WebhookResult r = cancelled ? failureFor(running.job, JobStatus::CANCELLED,
											  "[Webhook job cancelled by an operator while it ran: its CLI was terminated]")
										: failureFor(running.job, JobStatus::ERROR_WORKER_LOST, "");
			r.hookTitle = running.hookTitle;
			r.mode = running.mode;
			r.startedAt = IsoTime::format(running.startedAt);
			r.durationMs = (_clock.now() - running.startedAt) / 1000;
			if (cancelled)
				logger().notice(
					"job " + jobId + ": cancelled by an operator; worker " + std::to_string(workerId) + " and its CLI were terminated");
			else logger().error("job " + jobId + ": worker " + std::to_string(workerId) + " was lost while running it");
			markDone(running.job);
			_running.erase(it);
			finished.push_back(r);
		}
		pumpLocked(lock, finished);
	}
	notify(finished);
}

} // namespace Sygen
