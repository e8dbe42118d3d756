//
// CliLauncher.cpp
//

#include "CliLauncher.h"
#include "CliProviders.h"
#include "ExecutableFinder.h"
#include "Sandbox.h"
#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace Sygen {

CliLauncher::CliLauncher(const WorkerSettings& settings):
	_settings(settings)
{
}

CliLaunch CliLauncher::launch(const CliCommand& command, const std::string& workingFolder) const
{
	CliLaunch launch;
	Sandbox sandbox(_settings);
	std::vector<std::string> extraDirs =
		CliProviders::find(command.provider).searchesNvm() ? nvmBinDirs(sandbox) : std::vector<std::string>();
	std::string path = _settings.searchPath;
	if (path.empty() && std::getenv("PATH")) path = std::getenv("PATH");
	std::optional<std::string> executable = ExecutableFinder::find(command.argv[0], path, extraDirs);
	if (!executable) return launch;

	// A CLI found in an nvm folder needs that folder's node on its PATH.
	std::string binDir = executable->substr(0, executable->rfind('/'));
	bool fromNvm = std::find(extraDirs.begin(), extraDirs.end(), binDir) != extraDirs.end();
	SpawnOptions options = sandbox.prepare(command.argv, *executable, workingFolder, fromNvm ? binDir : "");
	if (options.env)
	{
		options.env->insert(options.env->end(), command.environment.begin(), command.environment.end());
	}

	CliRunner::Limits limits;
	limits.timeout = Poco::Timespan(_settings.cliTimeoutSeconds, 0);
	limits.killGrace = _settings.killGrace;
	limits.stdoutLimit = _settings.stdoutLimit;
	limits.stderrTail = _settings.stderrTail;
	try
	{
		launch.outcome = CliRunner::run(options, command.stdinText, limits, _settings.cliGroupFile);
		launch.found = true;
	}
	catch (SpawnException& exc)
	{
		// Found on the PATH but gone, or not executable, by the time it ran.
		if (exc.stage() == "exec" && (exc.code() == ENOENT || exc.code() == EACCES || exc.code() == ENOEXEC)) return launch;
		throw;
	}
	return launch;
}

std::vector<std::string> CliLauncher::nvmBinDirs(const Sandbox& sandbox) const
{
	// The sandbox user's nvm first (the CLI runs as that user), then the worker's own.
	std::vector<std::string> dirs;
	std::optional<std::string> cliHome = ExecutableFinder::newestNvmBin(sandbox.cliHome());
	if (cliHome) dirs.push_back(*cliHome);
	const char* home = std::getenv("HOME");
	std::optional<std::string> workerHome = ExecutableFinder::newestNvmBin(home ? home : "");
	if (workerHome && (!cliHome || *workerHome != *cliHome)) dirs.push_back(*workerHome);
	return dirs;
}

} // namespace Sygen
