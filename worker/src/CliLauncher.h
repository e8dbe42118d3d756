//
// CliLauncher.h
//
// Finds a provider CLI and runs it in the sandbox: the part cron_task and wake share.
//

#ifndef Sygen_CliLauncher_INCLUDED
#define Sygen_CliLauncher_INCLUDED

#include "CliCommand.h"
#include "CliRunner.h"
#include "WorkerSettings.h"
#include <string>
#include <vector>

namespace Sygen {

class Sandbox;

struct CliLaunch
{
	bool found = false; ///< false: the program is not on the search path or cannot be executed.
	CliOutcome outcome; ///< Set when found.
};

class CliLauncher
/// Looks the command's program up on the worker's PATH (or settings.searchPath),
/// for a provider that searchesNvm() (gemini) also in the newest ~/.nvm/versions/node/*/bin of the CLI's user and
/// of the worker, prepares the sandbox (clean environment plus the command's own
/// variables, rlimits, Landlock, user drop) in the given working folder, and runs
/// it with the timeout and output bounds of the settings. Stateless; thread-safe.
{
public:
	explicit CliLauncher(const WorkerSettings& settings);

	CliLaunch launch(const CliCommand& command, const std::string& workingFolder) const;
	/// Throws SpawnException for spawn failures other than a missing or
	/// non-executable program (those give found == false).

private:
	std::vector<std::string> nvmBinDirs(const Sandbox& sandbox) const;

	const WorkerSettings& _settings;
};

} // namespace Sygen

#endif // Sygen_CliLauncher_INCLUDED
