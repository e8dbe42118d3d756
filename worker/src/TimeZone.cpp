//
// TimeZone.cpp
//

#include "TimeZone.h"
#include <Poco/Logger.h>
#include <cstdlib>
#include <date/tz.h>
#include <memory>

namespace Sygen {

namespace {

// Later than any transition in the database: Debian's files list none past
// 2037, and date/tz's own end of time is year 32767.
const date::year LAST_YEAR(9999);

date::sys_seconds toSysSeconds(const Poco::Timestamp& t)
{
	return date::floor<std::chrono::seconds>(date::sys_time<std::chrono::microseconds>(std::chrono::microseconds(t.epochMicroseconds())));
}

} // namespace

TimeZone TimeZone::utc()
{
	return TimeZone();
}

std::optional<TimeZone> TimeZone::load(const std::string& ianaName)
{
	TimeZone zone;
	zone._name = ianaName;
	try
	{
		zone._zone = date::locate_zone(ianaName);
		// The zone's file is read on first use: read it now, so a broken one is
		// refused here and not thrown at the quiet-hours check.
		date::sys_info last = zone._zone->get_info(date::sys_days(LAST_YEAR / 1 / 1));
		// date/tz (USE_OS_TZDB) repeats the file's last transition forever and
		// ignores its footer rule; fat files stop in 2037, slim ones years ago.
		zone._rule = PosixTimeZoneRule::fromTZifFooter(std::string(DEFAULT_ZONEINFO_DIR) + "/" + zone._zone->name());
		zone._ruleFrom = last.begin.time_since_epoch().count();
	}
	catch (const std::exception&)
	{
		return std::nullopt;
	}
	return zone;
}

std::optional<TimeZone> TimeZone::fromFile(const std::string& path, const std::string& name)
{
	std::optional<std::string> databaseName = databaseNameOf(path);
	std::optional<TimeZone> zone = databaseName ? load(*databaseName) : std::nullopt;
	if (!zone)
	{
		std::optional<PosixTimeZoneRule> rule = PosixTimeZoneRule::fromTZifFooter(path);
		if (!rule) return std::nullopt;
		zone = TimeZone();
		zone->_rule = rule;
		zone->_ruleFrom = std::numeric_limits<std::int64_t>::min();
	}
	zone->_name = name;
	return zone;
}

std::optional<std::string> TimeZone::databaseNameOf(const std::string& path)
{
	// A host zone is mostly a symlink into the database (what date::current_zone()
	// reads too); its target names the zone.
	std::unique_ptr<char, decltype(&std::free)> real(::realpath(path.c_str(), nullptr), &std::free);
	if (!real) return std::nullopt;
	std::string target(real.get());
	std::string prefix = std::string(DEFAULT_ZONEINFO_DIR) + "/";
	if (target.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
	return target.substr(prefix.size());
}

std::optional<TimeZone> TimeZone::fromPosixRule(const std::string& rule)
{
	std::optional<PosixTimeZoneRule> parsed = PosixTimeZoneRule::parse(rule);
	if (!parsed) return std::nullopt;
	TimeZone zone;
	zone._name = rule;
	zone._rule = parsed;
	zone._ruleFrom = std::numeric_limits<std::int64_t>::min();
	return zone;
}

std::optional<TimeZone> TimeZone::fromTZVariable(const std::string& value)
{
	std::string v = !value.empty() && value[0] == ':' ? value.substr(1) : value;
	if (v.empty()) return std::nullopt;
	if (v[0] == '/') return fromFile(v, v);
	std::optional<TimeZone> zone = load(v);
	if (zone) return zone;
	return fromPosixRule(v);
}

TimeZone TimeZone::resolve(const std::string& userTimezone)
{
	const char* tz = std::getenv("TZ");
	return resolve(userTimezone, tz ? tz : "", DEFAULT_HOST_ZONE_FILE);
}

TimeZone TimeZone::resolve(const std::string& userTimezone, const std::string& tzVariable, const std::string& hostZoneFile)
{
	Poco::Logger& logger = Poco::Logger::get("Sygen.TimeZone");
	if (!userTimezone.empty())
	{
		std::optional<TimeZone> zone = load(userTimezone);
		if (zone) return *zone;
		logger.warning("user_timezone \"%s\" is not a known time zone; trying $TZ", userTimezone);
	}
	if (!tzVariable.empty())
	{
		std::optional<TimeZone> zone = fromTZVariable(tzVariable);
		if (zone) return *zone;
		logger.warning("$TZ \"%s\" is not a usable time zone; trying the host zone", tzVariable);
	}
	std::optional<TimeZone> host = fromFile(hostZoneFile, "localtime");
	if (host) return *host;
	return utc();
}

int TimeZone::utcOffsetSeconds(const Poco::Timestamp& t) const
{
	date::sys_seconds seconds = toSysSeconds(t);
	if (_rule && seconds.time_since_epoch().count() >= _ruleFrom) return _rule->utcOffsetAt(seconds.time_since_epoch().count());
	if (_zone) return static_cast<int>(_zone->get_info(seconds).offset.count());
	return 0;
}

int TimeZone::localHour(const Poco::Timestamp& t) const
{
	date::sys_seconds utc = toSysSeconds(t);
	date::local_seconds local{utc.time_since_epoch() + std::chrono::seconds(utcOffsetSeconds(t))};
	return static_cast<int>(date::make_time(local - date::floor<date::days>(local)).hours().count());
}

} // namespace Sygen
