//
// TimeZone.h
//
// Library: Sygen/worker
//
// A time zone read from the system's zoneinfo (TZif files), so quiet hours can be
// evaluated in any IANA zone without touching the process-wide $TZ (setenv/tzset
// are not thread-safe and g++ 12 has no std::chrono zones).
//

#ifndef Sygen_TimeZone_INCLUDED
#define Sygen_TimeZone_INCLUDED

#include "PosixTimeZoneRule.h"
#include <Poco/Timestamp.h>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace Sygen {

class TimeZone
/// Offsets from UTC over time for one zone. Immutable and thread-safe once built.
{
public:
	static constexpr const char* DEFAULT_ZONEINFO_DIR = "/usr/share/zoneinfo";
	static constexpr const char* DEFAULT_HOST_ZONE_FILE = "/etc/localtime";

	static TimeZone utc();

	static std::optional<TimeZone> load(const std::string& ianaName, const std::string& zoneinfoDir = DEFAULT_ZONEINFO_DIR);
	/// The zone "Europe/Berlin" etc. from zoneinfoDir. std::nullopt when the name
	/// is not a plain relative name (absolute, "..") or the file is missing or not TZif.

	static std::optional<TimeZone> fromFile(const std::string& path, const std::string& name);
	/// Reads a TZif file (version 1, 2, 3 or 4). std::nullopt when unreadable.

	static std::optional<TimeZone> fromPosixRule(const std::string& rule);
	/// A zone from a POSIX TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3".

	static TimeZone resolve(const std::string& userTimezone);
	/// The zone of SPEC §2: user_timezone, else $TZ, else the host zone
	/// (/etc/localtime), else UTC. A value that cannot be loaded is skipped.

	static TimeZone resolve(
		const std::string& userTimezone, const std::string& tzVariable, const std::string& hostZoneFile, const std::string& zoneinfoDir);
	/// As above with the inputs given (tests). tzVariable may be "", ":Zone",
	/// "/path/to/file", "Zone/Name" or a POSIX rule.

	const std::string& name() const { return _name; }

	int utcOffsetSeconds(const Poco::Timestamp& t) const;
	/// Seconds east of UTC in effect at t.

	int localHour(const Poco::Timestamp& t) const;
	/// The hour (0..23) of the wall clock in this zone at t.

private:
	static std::optional<TimeZone> fromTZif(const std::string& data, const std::string& name);
	static std::optional<TimeZone> fromTZVariable(const std::string& value, const std::string& zoneinfoDir);

	std::string _name = "UTC";
	std::vector<std::int64_t> _transitions;   ///< Unix seconds, ascending.
	std::vector<int> _offsets;                ///< offset in effect from _transitions[i] on.
	int _initialOffset = 0;                   ///< before the first transition.
	std::optional<PosixTimeZoneRule> _footer; ///< after the last transition.
};

} // namespace Sygen

#endif // Sygen_TimeZone_INCLUDED
