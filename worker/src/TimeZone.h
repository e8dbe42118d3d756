//
// TimeZone.h
//
// Library: Sygen/worker
//
// A time zone from the system's tz database through Howard Hinnant's date/tz
// (<date/tz.h>, built on /usr/share/zoneinfo), so quiet hours can be evaluated
// in any IANA zone without touching the process-wide $TZ (setenv/tzset are not
// thread-safe and g++ 12 has no std::chrono zones).
//

#ifndef Sygen_TimeZone_INCLUDED
#define Sygen_TimeZone_INCLUDED

#include "PosixTimeZoneRule.h"
#include <Poco/Timestamp.h>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace date {
class time_zone;
}

namespace Sygen {

class TimeZone
/// Offsets from UTC over time for one zone. Immutable and thread-safe once built.
{
public:
	static constexpr const char* DEFAULT_ZONEINFO_DIR = "/usr/share/zoneinfo";
	/// Where date/tz reads the database (USE_OS_TZDB) on Linux.
	static constexpr const char* DEFAULT_HOST_ZONE_FILE = "/etc/localtime";

	static TimeZone utc();

	static std::optional<TimeZone> load(const std::string& ianaName);
	/// The zone "Europe/Berlin" etc. from the tz database (date::locate_zone,
	/// which loads the database's index on first use). std::nullopt for a name
	/// the database does not list ("../x", absolute paths, "") or a broken file.

	static std::optional<TimeZone> fromFile(const std::string& path, const std::string& name);
	/// The zone of a TZif file, named name: the database's zone when path leads
	/// (through symlinks) into DEFAULT_ZONEINFO_DIR, else the POSIX rule in the
	/// file's footer (docs/DECISIONS.md). std::nullopt when neither works.

	static std::optional<TimeZone> fromPosixRule(const std::string& rule);
	/// A zone from a POSIX TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3".

	static TimeZone resolve(const std::string& userTimezone);
	/// The zone of SPEC §2: user_timezone, else $TZ, else the host zone
	/// (/etc/localtime), else UTC. A value that cannot be loaded is skipped.

	static TimeZone resolve(const std::string& userTimezone, const std::string& tzVariable, const std::string& hostZoneFile);
	/// As above with the inputs given (tests). tzVariable may be "", ":Zone",
	/// "/path/to/file", "Zone/Name" or a POSIX rule.

	const std::string& name() const { return _name; }

	int utcOffsetSeconds(const Poco::Timestamp& t) const;
	/// Seconds east of UTC in effect at t.

	int localHour(const Poco::Timestamp& t) const;
	/// The hour (0..23) of the wall clock in this zone at t.

private:
	static std::optional<TimeZone> fromTZVariable(const std::string& value);
	static std::optional<std::string> databaseNameOf(const std::string& path);

	std::string _name = "UTC";
	const date::time_zone* _zone = nullptr; ///< owned by date/tz's database; null: _rule only.
	std::optional<PosixTimeZoneRule> _rule; ///< from _ruleFrom on (Unix seconds); none: UTC.
	std::int64_t _ruleFrom = std::numeric_limits<std::int64_t>::max();
};

} // namespace Sygen

#endif // Sygen_TimeZone_INCLUDED
