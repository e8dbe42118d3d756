//
// ClaudeCommand.cpp
//

#include "ClaudeCommand.h"

namespace Sygen {

CliCommand ClaudeCommand::build(const ExecutionConfig& config, const std::string& prompt)
{
	CliCommand c;
	c.provider = "claude";
	c.argv = {"claude", "-p", "--output-format", "json", "--model", config.model,
		"--permission-mode", config.permissionMode, "--no-session-persistence"};
	c.argv.insert(c.argv.end(), config.cliParameters.begin(), config.cliParameters.end());
	// "--" keeps a prompt that starts with '-' from being read as an option.
	c.argv.push_back("--");
	c.argv.push_back(prompt);
	return c;
}

} // namespace Sygen
