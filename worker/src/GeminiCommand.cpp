//
// GeminiCommand.cpp
//

#include "GeminiCommand.h"

namespace Sygen {

CliCommand GeminiCommand::build(const ExecutionConfig& config, const std::string& prompt)
{
	CliCommand c;
	c.provider = "gemini";
	c.argv = {"gemini", "-p", "", "--output-format", "json", "--include-directories", "."};
	if (!config.model.empty())
	{
		c.argv.push_back("--model");
		c.argv.push_back(config.model);
	}
	if (config.permissionMode == "bypassPermissions")
	{
		c.argv.push_back("--approval-mode");
		c.argv.push_back("yolo");
	}
	// gemini 0.61 refuses a headless run in a folder it does not trust (exit 55), and
	// turns yolo back into "default" there. The operator chose the folder (task folder
	// or workspace); this variable trusts it for this run only, in either mode.
	c.environment.push_back("GEMINI_CLI_TRUST_WORKSPACE=true");
	c.argv.insert(c.argv.end(), config.cliParameters.begin(), config.cliParameters.end());
	c.stdinText = prompt;
	return c;
}

} // namespace Sygen
