//
// IsoTime.h
//
// Library: Sygen/Foundation
//

#ifndef Sygen_Foundation_IsoTime_INCLUDED
#define Sygen_Foundation_IsoTime_INCLUDED

#include <Poco/Timestamp.h>
#include <string>

namespace Sygen {

class IsoTime
/// UTC ISO-8601 text for timestamps, in the form the reference writes
/// ("2026-11-28T13:05:54.123456+00:00").
{
public:
	static std::string format(const Poco::Timestamp& t);
	/// Formats t as UTC ISO-8601 with microseconds and a "+00:00" offset.

	static Poco::Timestamp parse(const std::string& text);
	/// Parses ISO-8601 text (any offset, "Z" too). Throws Poco::SyntaxException.
};

} // namespace Sygen

#endif // Sygen_Foundation_IsoTime_INCLUDED
