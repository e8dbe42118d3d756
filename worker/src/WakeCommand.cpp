//
// WakeCommand.cpp
//

#include "WakeCommand.h"
#include "CronTaskRunner.h"
#include <algorithm>

namespace Sygen {

namespace {

std::vector<std::string>::iterator separator(std::vector<std::string>& argv)
{
	// The builders end with "--", <prompt>; a cli_parameter could be "--" too.
	if (argv.size() >= 2 && argv[argv.size() - 2] == "--") return argv.end() - 2;
	return argv.end();
}

} // namespace

CliCommand WakeCommand::build(const ExecutionConfig& config, const std::string& prompt, const std::string& sessionId)
{
	CliCommand command = CronTaskRunner::command(config, prompt);
	std::vector<std::string>& argv = command.argv;
	if (command.provider == "codex")
	{
		if (!sessionId.empty()) argv.insert(separator(argv), {"resume", sessionId});
	}
	else if (command.provider == "gemini")
	{
		if (!sessionId.empty()) argv.insert(argv.end(), {"--resume", sessionId});
	}
	else
	{
		// Only the builder's own flag, which comes before the hook's cli_parameters.
		auto flag = std::find(argv.begin(), separator(argv), std::string("--no-session-persistence"));
		if (flag != separator(argv)) argv.erase(flag);
		if (!sessionId.empty()) argv.insert(separator(argv), {"--resume", sessionId});
	}
	return command;
}

} // namespace Sygen
