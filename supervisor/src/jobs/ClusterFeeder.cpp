//
// ClusterFeeder.cpp
//

#include "jobs/ClusterFeeder.h"
#include <Poco/Logger.h>

namespace Sygen {

ClusterFeeder::ClusterFeeder(PostgresJobStore& store, Dispatcher& dispatcher, int workers):
	_store(store),
	_dispatcher(dispatcher),
	_workers(static_cast<std::size_t>(workers > 0 ? workers : 0)),
	_bound(_workers * (1 + CLAIM_AHEAD_PER_WORKER))
{
}

ClusterFeeder::~ClusterFeeder()
{
	stop();
}

void ClusterFeeder::start()
{
	_thread = std::thread([this] { run(); });
}

void ClusterFeeder::stop()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopping = true;
	}
	_woken.notify_all();
	if (_thread.joinable()) _thread.join();
}

void ClusterFeeder::wake()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_wanted = true;
	}
	_woken.notify_one();
}

void ClusterFeeder::run()
{
	std::unique_lock<std::mutex> lock(_mutex);
	while (!_stopping)
	{
		_woken.wait_for(lock, std::chrono::seconds(1), [this] { return _stopping || _wanted; });
		if (_stopping) return;
		_wanted = false;
		lock.unlock();
		feed();
		lock.lock();
	}
}

std::size_t ClusterFeeder::wanted() const
{
	if (_workers == 0 || _dispatcher.paused()) return 0;
	std::size_t held = _dispatcher.queuedCount() + _dispatcher.runningCount();
	// Fewer than a job per worker missing: the local queue still feeds every worker.
	return held + _workers > _bound ? 0 : _bound - held;
}

void ClusterFeeder::feed()
{
	std::size_t limit = wanted();
	if (limit == 0) return;
	try
	{
		std::vector<QueuedJob> jobs = _store.claim(limit);
		for (const QueuedJob& job: jobs) _dispatcher.submit(job);
		// A full claim may have left more behind: look again at once.
		if (jobs.size() == limit) wake();
	}
	catch (Poco::Exception& exc)
	{
		// BackendUnavailable is logged once by the pool; the next tick tries again.
		if (!dynamic_cast<BackendUnavailable*>(&exc)) Poco::Logger::get("Backend").error("claiming jobs failed: %s", exc.displayText());
	}
}

} // namespace Sygen
