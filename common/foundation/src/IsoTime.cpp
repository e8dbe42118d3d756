//
// IsoTime.cpp
//

#include "Sygen/Foundation/IsoTime.h"
#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>

namespace Sygen {

std::string IsoTime::format(const Poco::Timestamp& t)
{
	return Poco::DateTimeFormatter::format(t, "%Y-%m-%dT%H:%M:%S.%F+00:00");
}

Poco::Timestamp IsoTime::parse(const std::string& text)
{
	int tzd = 0;
	Poco::DateTime dt = Poco::DateTimeParser::parse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, text, tzd);
	dt.makeUTC(tzd);
	return dt.timestamp();
}

} // namespace Sygen
