//
// RetryPolicy.cpp
//

#include "Sygen/Foundation/RetryPolicy.h"
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

bool RetryPolicy::run(const AttemptFunction& attempt, const FailureFunction& onFailure) const
{
	const int attempts = maxAttempts < 1 ? 1 : maxAttempts;
	for (int n = 1;; ++n)
	{
		Attempt outcome = attempt(n);
		if (outcome.result == Attempt::DELIVERED) return true;
		bool retry = outcome.result == Attempt::RETRY && n < attempts;
		Poco::Timespan delay = outcome.serverDelay > Poco::Timespan(0) ? outcome.serverDelay : backoff(n);
		if (retry && outcome.serverDelay > maxServerDelay)
		{
			outcome.description += " (server asked to wait " + std::to_string(outcome.serverDelay.totalSeconds()) + " s, more than the " +
				std::to_string(maxServerDelay.totalSeconds()) + " s honoured)";
			retry = false;
		}
		if (onFailure) onFailure(outcome, n, !retry);
		if (!retry || !wait(delay)) return false;
	}
}

} // namespace Sygen
