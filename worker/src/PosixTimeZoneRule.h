//
// PosixTimeZoneRule.h
//
// Library: Sygen/worker
//
// A POSIX TZ rule string ("CET-1CEST,M3.5.0,M10.5.0/3"), as found in $TZ and in
// the footer of TZif v2+ files, where it covers every time after the last
// transition listed in the file. The parsing and the arithmetic are date/tz's
// Posix::time_zone (<date/ptz.h>); this class adds what ptz.h leaves to us:
// glibc's default for a daylight zone without rules, POSIX's field ranges, and
// reading the footer of a TZif file.
//

#ifndef Sygen_PosixTimeZoneRule_INCLUDED
#define Sygen_PosixTimeZoneRule_INCLUDED

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace Posix {
class time_zone;
}

namespace Sygen {

class PosixTimeZoneRule
/// Standard offset, and optionally a daylight offset with its yearly start and
/// end rule (Jn, n or Mm.w.d, each with an optional /time). Immutable, thread-safe.
{
public:
	static constexpr const char* US_DEFAULT_RULES = ",M3.2.0,M11.1.0";

	static std::optional<PosixTimeZoneRule> parse(const std::string& text);
	/// Parses text; std::nullopt when it is not a valid rule. Without a
	/// ",start,end" part a daylight zone uses the US default (M3.2.0,M11.1.0),
	/// as glibc does (POSIX leaves it to the implementation).

	static std::optional<PosixTimeZoneRule> fromTZifFooter(const std::string& path);
	/// The rule in the footer of the TZif (version 2 or later) file at path;
	/// std::nullopt when the file is unreadable, not TZif v2+, or has no rule.

	int utcOffsetAt(std::int64_t unixSeconds) const;
	/// Seconds east of UTC in effect at the given instant.

private:
	explicit PosixTimeZoneRule(std::shared_ptr<const Posix::time_zone> zone);

	static std::shared_ptr<const Posix::time_zone> parseWithLibrary(const std::string& text);
	static bool fieldsWithinPosixRanges(const std::string& text);
	static bool dateFieldWithinPosixRange(const std::string& field);

	std::shared_ptr<const Posix::time_zone> _zone;
	///< Behind a pointer so that only PosixTimeZoneRule.cpp includes <date/ptz.h>:
	///< 3.0.1 defines Posix::time_zone::contant_offset() in the header without
	///< `inline`, so a second translation unit including it fails to link.
};

} // namespace Sygen

#endif // Sygen_PosixTimeZoneRule_INCLUDED
