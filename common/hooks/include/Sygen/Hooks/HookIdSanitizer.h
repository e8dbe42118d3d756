//
// HookIdSanitizer.h
//
// Library: Sygen/Hooks
//

#ifndef Sygen_Hooks_HookIdSanitizer_INCLUDED
#define Sygen_Hooks_HookIdSanitizer_INCLUDED

#include <string>

namespace Sygen {

class HookIdSanitizer
/// Turns a name given to sygen-webhookctl into a hook id (SPEC §5): lowercase;
/// every character outside [a-z0-9-] becomes "-"; runs of "-" collapse to one;
/// leading and trailing "-" are removed.
{
public:
	static std::string sanitize(const std::string& name);
	/// Returns the id for name (UTF-8; letters are lowercased per Unicode first,
	/// so a non-ASCII letter becomes "-" unless its lowercase form is ASCII).
	/// Throws Poco::InvalidArgumentException when the result is empty.
	/// Thread-safe.
};

} // namespace Sygen

#endif // Sygen_Hooks_HookIdSanitizer_INCLUDED
