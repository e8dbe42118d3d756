//
// PosixTimeZoneRule.cpp
//

#include "PosixTimeZoneRule.h"
#include "CivilDate.h"
#include <cctype>

namespace Sygen {

std::optional<PosixTimeZoneRule> PosixTimeZoneRule::parse(const std::string& text)
{
	PosixTimeZoneRule rule;
	size_t pos = 0;
	int posixOffset = 0;
	if (!parseName(text, pos) || !parseOffset(text, pos, posixOffset)) return std::nullopt;
	// POSIX offsets count west of UTC; ours count east.
	rule._stdOffset = -posixOffset;
	if (pos == text.size()) return rule;

	if (!parseName(text, pos)) return std::nullopt;
	rule._hasDst = true;
	rule._dstOffset = rule._stdOffset + 3600;
	if (pos < text.size() && text[pos] != ',')
	{
		if (!parseOffset(text, pos, posixOffset)) return std::nullopt;
		rule._dstOffset = -posixOffset;
	}
	if (pos == text.size())
	{
		rule._start = Date{'M', 0, 2, 3, 7200};
		rule._end = Date{'M', 0, 1, 11, 7200};
		return rule;
	}
	if (text[pos++] != ',' || !parseDate(text, pos, rule._start)) return std::nullopt;
	if (pos >= text.size() || text[pos++] != ',' || !parseDate(text, pos, rule._end)) return std::nullopt;
	if (pos != text.size()) return std::nullopt;
	return rule;
}

int PosixTimeZoneRule::utcOffsetAt(std::int64_t unixSeconds) const
{
	if (!_hasDst) return _stdOffset;
	int year = CivilDate::fromDays(CivilDate::floorDiv(unixSeconds + _stdOffset, 86400)).year;
	std::int64_t start = transitionUtc(_start, year, _stdOffset);
	std::int64_t end = transitionUtc(_end, year, _dstOffset);
	bool dst = start < end ? (unixSeconds >= start && unixSeconds < end) : !(unixSeconds >= end && unixSeconds < start);
	return dst ? _dstOffset : _stdOffset;
}

bool PosixTimeZoneRule::parseName(const std::string& s, size_t& pos)
{
	size_t begin = pos;
	if (pos < s.size() && s[pos] == '<')
	{
		size_t close = s.find('>', pos);
		if (close == std::string::npos || close - pos - 1 < 3) return false;
		pos = close + 1;
		return true;
	}
	while (pos < s.size() && std::isalpha(static_cast<unsigned char>(s[pos]))) ++pos;
	return pos - begin >= 3;
}

bool PosixTimeZoneRule::parseOffset(const std::string& s, size_t& pos, int& seconds)
{
	int sign = 1;
	if (pos < s.size() && (s[pos] == '+' || s[pos] == '-'))
	{
		if (s[pos] == '-') sign = -1;
		++pos;
	}
	int parts[3] = {0, 0, 0};
	for (int i = 0; i < 3; ++i)
	{
		if (i > 0)
		{
			if (pos >= s.size() || s[pos] != ':') break;
			++pos;
		}
		size_t begin = pos;
		while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])) && pos - begin < 3)
		{
			parts[i] = parts[i] * 10 + (s[pos] - '0');
			++pos;
		}
		if (pos == begin) return false;
	}
	if (parts[0] > 167 || parts[1] > 59 || parts[2] > 59) return false;
	seconds = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
	return true;
}

bool PosixTimeZoneRule::parseDate(const std::string& s, size_t& pos, Date& date)
{
	auto number = [&](int& out) {
		size_t begin = pos;
		out = 0;
		while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])) && pos - begin < 3)
		{
			out = out * 10 + (s[pos] - '0');
			++pos;
		}
		return pos > begin;
	};
	if (pos < s.size() && s[pos] == 'M')
	{
		++pos;
		date.kind = 'M';
		if (!number(date.month) || pos >= s.size() || s[pos++] != '.') return false;
		if (!number(date.week) || pos >= s.size() || s[pos++] != '.') return false;
		if (!number(date.day)) return false;
		if (date.month < 1 || date.month > 12 || date.week < 1 || date.week > 5 || date.day > 6) return false;
	}
	else
	{
		date.kind = 'D';
		if (pos < s.size() && s[pos] == 'J')
		{
			date.kind = 'J';
			++pos;
		}
		if (!number(date.day)) return false;
		if ((date.kind == 'J' && (date.day < 1 || date.day > 365)) || date.day > 365) return false;
	}
	date.time = 7200;
	if (pos < s.size() && s[pos] == '/')
	{
		++pos;
		if (!parseOffset(s, pos, date.time)) return false;
	}
	return true;
}

std::int64_t PosixTimeZoneRule::transitionUtc(const Date& date, int year, int utcOffset)
{
	std::int64_t day = 0;
	if (date.kind == 'J')
	{
		// Julian day n counts 1..365 and never Feb 29.
		day = CivilDate::toDays(year, 1, 1) + date.day - 1;
		if (CivilDate::isLeapYear(year) && date.day >= 60) ++day;
	}
	else if (date.kind == 'D')
	{
		day = CivilDate::toDays(year, 1, 1) + date.day;
	}
	else
	{
		std::int64_t first = CivilDate::toDays(year, date.month, 1);
		int firstWeekday = CivilDate::weekday(first);
		day = first + (date.day - firstWeekday + 7) % 7 + 7 * (date.week - 1);
		int length = CivilDate::daysInMonth(year, date.month);
		while (day >= first + length) day -= 7;
	}
	return day * 86400 + date.time - utcOffset;
}

} // namespace Sygen
