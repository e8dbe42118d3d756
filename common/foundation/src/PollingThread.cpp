//
// PollingThread.cpp
//

#include "Sygen/Foundation/PollingThread.h"
#include <algorithm>
#include <chrono>

namespace Sygen {

PollingThread::~PollingThread()
{
	stop();
}

void PollingThread::start(Poco::Timespan often, Poco::Timespan occasionally, Steps steps)
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_thread.joinable()) return;
	_stopRequested = false;
	_thread = std::thread([this, often, occasionally, steps] { run(often, occasionally, steps); });
}

bool PollingThread::stop()
{
	std::thread thread;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopRequested = true;
		thread = std::move(_thread);
	}
	_wakeUp.notify_all();
	if (!thread.joinable()) return false;
	thread.join();
	return true;
}

void PollingThread::run(Poco::Timespan often, Poco::Timespan occasionally, const Steps& steps)
{
	using SteadyClock = std::chrono::steady_clock;
	const auto occasionalEvery = std::chrono::microseconds(occasionally.totalMicroseconds());
	const auto tick = std::chrono::microseconds(std::min(often, occasionally).totalMicroseconds());
	SteadyClock::time_point nextOccasional = SteadyClock::now() + occasionalEvery;
	std::unique_lock<std::mutex> lock(_mutex);
	while (!_wakeUp.wait_for(lock, tick, [this] { return _stopRequested; }))
	{
		lock.unlock();
		try
		{
			if (SteadyClock::now() >= nextOccasional)
			{
				nextOccasional = SteadyClock::now() + occasionalEvery;
				if (steps.occasionally) steps.occasionally();
			}
			steps.often();
		}
		catch (const std::exception& exc)
		{
			steps.failed(exc);
		}
		lock.lock();
	}
}

} // namespace Sygen
