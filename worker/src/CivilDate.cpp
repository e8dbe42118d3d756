//
// CivilDate.cpp
//

#include "CivilDate.h"

namespace Sygen {

std::int64_t CivilDate::toDays(int year, int month, int day)
{
	std::int64_t y = month <= 2 ? year - 1 : year;
	std::int64_t era = floorDiv(y, 400);
	std::int64_t yoe = y - era * 400;
	std::int64_t mp = (month + 9) % 12;
	std::int64_t doy = (153 * mp + 2) / 5 + day - 1;
	std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

CivilDate CivilDate::fromDays(std::int64_t days)
{
	days += 719468;
	std::int64_t era = floorDiv(days, 146097);
	std::int64_t doe = days - era * 146097;
	std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	std::int64_t mp = (5 * doy + 2) / 153;
	CivilDate d;
	d.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
	d.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
	d.year = static_cast<int>(yoe + era * 400 + (d.month <= 2 ? 1 : 0));
	return d;
}

int CivilDate::weekday(std::int64_t days)
{
	// 1970-01-01 was a Thursday.
	return static_cast<int>((days % 7 + 11) % 7);
}

bool CivilDate::isLeapYear(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int CivilDate::daysInMonth(int year, int month)
{
	static const int lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return month == 2 && isLeapYear(year) ? 29 : lengths[month - 1];
}

std::int64_t CivilDate::floorDiv(std::int64_t a, std::int64_t b)
{
	std::int64_t q = a / b;
	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

} // namespace Sygen
