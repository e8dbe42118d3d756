//
// RetryPolicy.cpp
//

#include "Sygen/RetryPolicy.h"
#include <Poco/Thread.h>

namespace Sygen {

Poco::Timespan RetryPolicy::backoff(int failedAttempts) const
{
	Poco::Timespan::TimeDiff delay = initialDelay.totalMicroseconds();
	const Poco::Timespan::TimeDiff cap = maxDelay.totalMicroseconds();
	for (int i = 1; i < failedAttempts && delay < cap; ++i) delay *= 2;
	return Poco::Timespan(delay < cap ? delay : cap);
}

bool RetryPolicy::wait(const Poco::Timespan& delay) const
{
	if (sleep) return sleep(delay);
	if (delay.totalMilliseconds() > 0) Poco::Thread::sleep(static_cast<long>(delay.totalMilliseconds()));
	return true;
}

} // namespace Sygen
