//
// HookExecution.h
//
// Library: Sygen/Hooks
//
// The hook fields that say how its jobs run (SPEC §3), in one place for the two
// types that carry them: Hook (the whole entry) and the job frame's JobSpec
// (what a worker may see).
//

#ifndef Sygen_Hooks_HookExecution_INCLUDED
#define Sygen_Hooks_HookExecution_INCLUDED

#include <Poco/JSON/Object.h>
#include <optional>
#include <string>
#include <vector>

namespace Sygen {

struct HookExecution
/// CLI provider, model, reasoning effort, extra CLI parameters, quiet hours and
/// dependency lock. Unset values are std::nullopt (the service's defaults
/// apply). No secret is among them: they may travel to the sandboxed worker.
{
	std::optional<std::string> provider;
	std::optional<std::string> model;
	std::optional<std::string> reasoningEffort;
	std::vector<std::string> cliParameters;
	std::optional<int> quietStart;
	std::optional<int> quietEnd;
	std::optional<std::string> dependency;

	void readExecutionFields(const Poco::JSON::Object& obj);
	/// Reads the fields above by their hook-file keys; JSON null means unset.
	/// Throws Poco::DataFormatException naming the field when a type is wrong.

	void writeExecutionFields(Poco::JSON::Object& obj) const;
	/// Writes them in the hook file's key order, unset ones as null.
};

} // namespace Sygen

#endif // Sygen_Hooks_HookExecution_INCLUDED
