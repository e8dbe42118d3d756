//
// PosixTimeZoneRule.h
//
// Library: Sygen/worker
//
// A POSIX TZ rule string ("CET-1CEST,M3.5.0,M10.5.0/3"), as found in $TZ and in
// the footer of TZif v2+ files, where it covers every time after the last
// transition listed in the file.
//

#ifndef Sygen_PosixTimeZoneRule_INCLUDED
#define Sygen_PosixTimeZoneRule_INCLUDED

#include <cstdint>
#include <optional>
#include <string>

namespace Sygen {

class PosixTimeZoneRule
/// Standard offset, and optionally a daylight offset with its yearly start and
/// end rule (Jn, n or Mm.w.d, each with an optional /time). Immutable, thread-safe.
{
public:
	static std::optional<PosixTimeZoneRule> parse(const std::string& text);
	/// Parses text; std::nullopt when it is not a valid rule. Without a
	/// ",start,end" part a daylight zone uses the US default (M3.2.0,M11.1.0).

	int utcOffsetAt(std::int64_t unixSeconds) const;
	/// Seconds east of UTC in effect at the given instant.

private:
	struct Date
	{
		char kind = 'M'; ///< 'J' (1..365, no Feb 29), 'D' (0..365), 'M' (month.week.day).
		int day = 0;
		int week = 0;
		int month = 0;
		int time = 7200; ///< seconds after local midnight, may be negative or > 24 h.
	};

	static bool parseName(const std::string& s, size_t& pos);
	static bool parseOffset(const std::string& s, size_t& pos, int& seconds);
	static bool parseDate(const std::string& s, size_t& pos, Date& date);
	static std::int64_t transitionUtc(const Date& date, int year, int utcOffset);
	/// The instant (Unix seconds) the rule date falls on in the given year,
	/// given the offset in effect before it.

	int _stdOffset = 0; ///< seconds east of UTC.
	bool _hasDst = false;
	int _dstOffset = 0;
	Date _start;
	Date _end;
};

} // namespace Sygen

#endif // Sygen_PosixTimeZoneRule_INCLUDED
