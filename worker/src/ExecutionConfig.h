//
// ExecutionConfig.h
//
// Library: Sygen/worker
//
// Provider, model and CLI options of one cron_task run (SPEC §10 step 5).
//

#ifndef Sygen_ExecutionConfig_INCLUDED
#define Sygen_ExecutionConfig_INCLUDED

#include "Sygen/Hooks/Hook.h"
#include "WorkerSettings.h"
#include <string>
#include <vector>

namespace Sygen {

struct ExecutionConfig
{
	std::string provider;          ///< as configured, e.g. "claude", "codex", "gemini" or unknown.
	std::string model;
	std::string reasoningEffort;   ///< codex only.
	std::string permissionMode;
	std::vector<std::string> cliParameters;

	static ExecutionConfig resolve(const Hook& hook, const WorkerSettings& settings);
		/// provider, model and reasoning effort each from the hook when set and
		/// non-empty, else from the settings; cli_parameters from the hook as given.

	std::string commandProvider() const;
		/// The provider whose command line is used: "codex", "gemini", or "claude"
		/// for claude and any unknown provider.

	bool isModelValid() const;
		/// claude (and unknown providers): haiku, sonnet, opus or "claude-…";
		/// gemini: auto, pro, flash, flash-lite, "gemini-…" or "auto-gemini-…";
		/// codex: any non-empty name.
};

} // namespace Sygen

#endif // Sygen_ExecutionConfig_INCLUDED
