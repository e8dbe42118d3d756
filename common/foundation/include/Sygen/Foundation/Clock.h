//
// Clock.h
//
// Library: Sygen/Foundation
//
// An injectable source of the current time, so that rate limits, quiet hours and
// signature tolerances can be tested without sleeping.
//

#ifndef Sygen_Foundation_Clock_INCLUDED
#define Sygen_Foundation_Clock_INCLUDED

#include <Poco/Timestamp.h>
#include <atomic>

namespace Sygen {

class Clock
/// The current wall-clock time. Implementations must be thread-safe.
{
public:
	virtual ~Clock() = default;

	virtual Poco::Timestamp now() const = 0;
	/// Returns the current UTC time (microsecond resolution).

	static Clock& system();
	/// Returns the process-wide clock backed by the system's real time.
};

class SystemClock: public Clock
/// Clock reading the system's real time.
{
public:
	Poco::Timestamp now() const override;
};

class ManualClock: public Clock
/// Clock for tests: returns the time it was set to. Thread-safe.
{
public:
	explicit ManualClock(Poco::Timestamp start = Poco::Timestamp(0));

	Poco::Timestamp now() const override;

	void set(Poco::Timestamp t);
	/// Sets the time returned by now().

	void advanceSeconds(double seconds);
	/// Moves the time forward (or backward for negative values).

private:
	std::atomic<Poco::Timestamp::TimeVal> _now;
};

} // namespace Sygen

#endif // Sygen_Foundation_Clock_INCLUDED
