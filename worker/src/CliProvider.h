//
// CliProvider.h
//
// Library: Sygen/worker
//
// What differs between the agent CLIs (SPEC §10, §11; docs/CLI-NOTES.md): one
// subclass per CLI, picked by name through CliProviders.
//

#ifndef Sygen_CliProvider_INCLUDED
#define Sygen_CliProvider_INCLUDED

#include "CliCommand.h"
#include "ExecutionConfig.h"
#include <string>

namespace Sygen {

class CliProvider
/// Implementations hold no state; thread-safe.
{
public:
	virtual std::string name() const = 0;
	/// The provider's name in config.json and hooks, also the program looked up
	/// on the PATH and the suffix of error:cli_not_found_<name>.

	virtual CliCommand command(const ExecutionConfig& config, const std::string& prompt) const = 0;
	/// The command line of a cron_task run.

	virtual CliCommand wakeCommand(const ExecutionConfig& config, const std::string& prompt, const std::string& sessionId) const = 0;
	/// The command line of one wake turn: command() changed so that the session
	/// persists and, when sessionId is non-empty, is resumed.

	virtual std::string parseOutput(const std::string& stdoutBytes, const std::string& stderrBytes, int exitCode) const = 0;
	/// The result text of a run (SPEC §10 step 9); also of failed and timed-out runs.

	virtual std::string sessionId(const std::string& stdoutBytes, const std::string& stderrBytes) const = 0;
	/// The id under which the run can be resumed; "" when there is none.

	virtual bool isUnknownSession(const std::string& stdoutBytes, const std::string& stderrBytes) const = 0;
	/// True when a run given a resume id failed because the CLI no longer knows
	/// that session (its files were deleted, or the id came from another machine).

	virtual bool isModelValid(const std::string& model) const = 0;
	/// Whether model names a model of this CLI (SPEC §10 step 5).

	virtual bool searchesNvm() const;
	/// Whether the CLI is also looked for in the newest ~/.nvm/versions/node/*/bin
	/// of the CLI's user and of the worker (CliLauncher). False by default.

	virtual ~CliProvider() = default;

protected:
	static void appendPrompt(CliCommand& command, const ExecutionConfig& config, const std::string& prompt);
	/// Appends the hook's cli_parameters, then "--" and the prompt as the last
	/// argument ("--" keeps a prompt that starts with '-' from being read as an option).

	static bool hasPrefix(const std::string& s, const std::string& prefix);
	/// True when s starts with prefix and is longer (for model families: "claude-…").
};

} // namespace Sygen

#endif // Sygen_CliProvider_INCLUDED
