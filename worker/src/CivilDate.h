//
// CivilDate.h
//
// Library: Sygen/worker
//
// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01),
// after Howard Hinnant's public-domain algorithms.
//

#ifndef Sygen_CivilDate_INCLUDED
#define Sygen_CivilDate_INCLUDED

#include <cstdint>

namespace Sygen {

struct CivilDate
{
	int year = 1970;
	int month = 1; ///< 1..12
	int day = 1;   ///< 1..31

	static std::int64_t toDays(int year, int month, int day);
	static CivilDate fromDays(std::int64_t days);
	static int weekday(std::int64_t days);
	/// 0 = Sunday .. 6 = Saturday.
	static bool isLeapYear(int year);
	static int daysInMonth(int year, int month);
	static std::int64_t floorDiv(std::int64_t a, std::int64_t b);
	/// Division rounding towards minus infinity.
};

} // namespace Sygen

#endif // Sygen_CivilDate_INCLUDED
