//
// ProviderNames.h
//
// Library: Sygen/Hooks
//
// The provider names a hook may set (SPEC §4 "provider"). The worker's
// CliProviders table has one class per name; CliProvidersTest checks that both
// list the same names, so that hook validation needs no worker code.
//

#ifndef Sygen_Hooks_ProviderNames_INCLUDED
#define Sygen_Hooks_ProviderNames_INCLUDED

#include <string>
#include <vector>

namespace Sygen {

class ProviderNames
/// Constant; thread-safe.
{
public:
	static const std::vector<std::string>& all();
	/// The names, in the order of the worker's table.

	static bool isKnown(const std::string& name);
	/// True when name is one of all().

	static std::string listed();
	/// The names for an error message: "claude, codex or gemini".
};

} // namespace Sygen

#endif // Sygen_Hooks_ProviderNames_INCLUDED
