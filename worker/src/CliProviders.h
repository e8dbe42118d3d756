//
// CliProviders.h
//
// Library: Sygen/worker
//
// The table of CLI providers: the one place that maps a provider name onto its
// CliProvider. Each provider is a class private to its own file
// (ClaudeProvider.cpp, ...), listed in the table in CliProviders.cpp;
// ProviderNames (the hook validation of the admin library) lists the same names,
// which CliProvidersTest checks.
//

#ifndef Sygen_CliProviders_INCLUDED
#define Sygen_CliProviders_INCLUDED

#include "CliProvider.h"
#include <string>
#include <vector>

namespace Sygen {

class CliProviders
/// The table is built once and never changed; thread-safe.
{
public:
	static const CliProvider& find(const std::string& name);
	/// The provider of that name; the first of the table (claude) for an
	/// unknown or empty name, as SPEC §10 step 5 runs unknown providers as claude.

	static const CliProvider* lookup(const std::string& name);
	/// The provider of that name, or nullptr.

	static std::vector<std::string> names();
	/// The names of the table, in order.
};

} // namespace Sygen

#endif // Sygen_CliProviders_INCLUDED
