//
// QuietHours.h
//
// Library: Sygen/worker
//
// The hook-level quiet window of SPEC §10 step 3, on the wall-clock hour that
// TimeZone (date/tz) gives.
//

#ifndef Sygen_QuietHours_INCLUDED
#define Sygen_QuietHours_INCLUDED

#include "TimeZone.h"
#include <Poco/Timestamp.h>
#include <optional>

namespace Sygen {

class QuietHours
/// A window of whole hours [start, end) that may wrap past midnight.
/// Immutable and thread-safe.
{
public:
	QuietHours(std::optional<int> start, std::optional<int> end);
	/// Both unset: never quiet. One unset: that bound counts as 0.

	bool isQuietAtHour(int hour) const;
	/// start == end: never; start < end: start <= hour < end;
	/// start > end: hour >= start or hour < end.

	bool isQuiet(const Poco::Timestamp& now, const TimeZone& zone) const;
	/// isQuietAtHour() of the wall-clock hour of now in zone.

	bool canBeQuiet() const;
	/// False when no hour is quiet (both bounds unset, or start == end): then
	/// the time zone need not be resolved at all.

private:
	bool _configured;
	int _start;
	int _end;
};

} // namespace Sygen

#endif // Sygen_QuietHours_INCLUDED
