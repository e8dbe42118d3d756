//
// Clock.cpp
//

#include "Sygen/Foundation/Clock.h"

namespace Sygen {

Clock& Clock::system()
{
	static SystemClock clock;
	return clock;
}

Poco::Timestamp SystemClock::now() const
{
	return Poco::Timestamp();
}

ManualClock::ManualClock(Poco::Timestamp start):
	_now(start.epochMicroseconds())
{
}

Poco::Timestamp ManualClock::now() const
{
	return Poco::Timestamp(_now.load());
}

void ManualClock::set(Poco::Timestamp t)
{
	_now.store(t.epochMicroseconds());
}

void ManualClock::advanceSeconds(double seconds)
{
	_now.fetch_add(static_cast<Poco::Timestamp::TimeVal>(seconds * 1e6));
}

} // namespace Sygen
