//
// PollingThread.h
//
// Library: Sygen/Foundation
//
// A background thread that does one thing often and another now and then, until
// it is stopped: the hook stores' loop (flush telemetry every second, look for
// changed hook definitions every few seconds), in one place.
//

#ifndef Sygen_Foundation_PollingThread_INCLUDED
#define Sygen_Foundation_PollingThread_INCLUDED

#include <Poco/Timespan.h>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace Sygen {

class PollingThread
/// start() runs steps.occasionally every `occasionally` interval and then
/// steps.often every `often` interval (the thread wakes at the shorter of the
/// two). An exception from either step goes to steps.failed and the loop goes
/// on at the next tick: a broken file or an unreachable database must not end
/// the polling for good. stop() returns at once, without waiting for a tick.
{
public:
	struct Steps
	{
		std::function<void()> often;
		std::function<void()> occasionally; ///< May be empty.
		std::function<void(const std::exception&)> failed;
	};

	PollingThread() = default;
	~PollingThread();
	/// Stops the thread.

	PollingThread(const PollingThread&) = delete;
	PollingThread& operator=(const PollingThread&) = delete;

	void start(Poco::Timespan often, Poco::Timespan occasionally, Steps steps);
	/// Does nothing while a thread started earlier still runs.

	bool stop();
	/// Wakes the thread and joins it; false when none was running. Idempotent;
	/// start() may follow.

private:
	void run(Poco::Timespan often, Poco::Timespan occasionally, const Steps& steps);

	std::mutex _mutex;
	std::condition_variable _wakeUp;
	bool _stopRequested = false;
	std::thread _thread;
};

} // namespace Sygen

#endif // Sygen_Foundation_PollingThread_INCLUDED
