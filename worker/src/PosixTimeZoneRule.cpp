//
// PosixTimeZoneRule.cpp
//

#include "PosixTimeZoneRule.h"
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <date/ptz.h>
#include <fstream>
#include <iterator>
#include <sstream>

namespace Sygen {

PosixTimeZoneRule::PosixTimeZoneRule(std::shared_ptr<const Posix::time_zone> zone):
	_zone(std::move(zone))
{
}

std::optional<PosixTimeZoneRule> PosixTimeZoneRule::parse(const std::string& text)
{
	if (!fieldsWithinPosixRanges(text)) return std::nullopt;
	if (text.find(',') == std::string::npos)
	{
		// ptz.h reads "EST5EDT" as daylight never starting; glibc applies the US
		// rules. The suffix parses only when text names a daylight zone.
		std::shared_ptr<const Posix::time_zone> daylight = parseWithLibrary(text + US_DEFAULT_RULES);
		if (daylight) return PosixTimeZoneRule(daylight);
	}
	std::shared_ptr<const Posix::time_zone> zone = parseWithLibrary(text);
	if (!zone) return std::nullopt;
	return PosixTimeZoneRule(zone);
}

std::optional<PosixTimeZoneRule> PosixTimeZoneRule::fromTZifFooter(const std::string& path)
{
	std::ifstream in(path, std::ios::binary);
	if (!in) return std::nullopt;
	std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
	// Version 2+ files end with "\n<rule>\n"; the rule holds no newline, so it is
	// what lies between the last two, whatever bytes the data blocks hold.
	if (data.size() < 44 || data.compare(0, 4, "TZif") != 0 || data[4] < '2' || data.back() != '\n') return std::nullopt;
	std::size_t start = data.rfind('\n', data.size() - 2);
	if (start == std::string::npos || start + 1 >= data.size() - 1) return std::nullopt;
	return parse(data.substr(start + 1, data.size() - start - 2));
}

int PosixTimeZoneRule::utcOffsetAt(std::int64_t unixSeconds) const
{
	date::sys_seconds t{std::chrono::seconds(unixSeconds)};
	return static_cast<int>(_zone->get_info(t).offset.count());
}

std::shared_ptr<const Posix::time_zone> PosixTimeZoneRule::parseWithLibrary(const std::string& text)
{
	try
	{
		return std::make_shared<const Posix::time_zone>(text);
	}
	catch (const std::exception&)
	{
		return nullptr;
	}
}

bool PosixTimeZoneRule::fieldsWithinPosixRanges(const std::string& text)
{
	std::istringstream fields(text);
	std::string field;
	std::getline(fields, field, ','); // the zone names and offsets: ptz.h checks them.
	while (std::getline(fields, field, ','))
	{
		if (!dateFieldWithinPosixRange(field)) return false;
	}
	return true;
}

bool PosixTimeZoneRule::dateFieldWithinPosixRange(const std::string& field)
{
	// ptz.h accepts M13.5.0, M3.6.0, M3.5.7 and day 366, which POSIX does not
	// define; it checks the syntax and the Jn range itself.
	int month = 0, week = 0, day = 0;
	if (std::sscanf(field.c_str(), "M%d.%d.%d", &month, &week, &day) == 3)
		return month >= 1 && month <= 12 && week >= 1 && week <= 5 && day >= 0 && day <= 6;
	if (!field.empty() && std::isdigit(static_cast<unsigned char>(field[0]))) return std::atoi(field.c_str()) <= 365;
	return true;
}

} // namespace Sygen
