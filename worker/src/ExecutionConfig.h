//
// ExecutionConfig.h
//
// Library: Sygen/worker
//
// Provider, model and CLI options of one cron_task run (SPEC §10 step 5).
//

#ifndef Sygen_ExecutionConfig_INCLUDED
#define Sygen_ExecutionConfig_INCLUDED

#include "Sygen/Protocol/JobSpec.h"
#include "WorkerSettings.h"
#include <string>
#include <vector>

namespace Sygen {

class CliProvider;

struct ExecutionConfig
{
	std::string provider; ///< as configured: a CliProviders name or unknown.
	std::string model;
	std::string reasoningEffort; ///< codex only.
	std::string permissionMode;
	std::vector<std::string> cliParameters;

	static ExecutionConfig resolve(const JobSpec& hook, const WorkerSettings& settings);
	/// provider, model and reasoning effort each from the hook when set and
	/// non-empty, else from the settings; cli_parameters from the hook as given.

	const CliProvider& cliProvider() const;
	/// The provider whose command line is used: CliProviders::find(provider)
	/// (claude for an unknown provider).

	std::string commandProvider() const;
	/// The name of cliProvider().

	bool isModelValid() const;
	/// cliProvider().isModelValid(model).
};

} // namespace Sygen

#endif // Sygen_ExecutionConfig_INCLUDED
