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
		// gemini turns yolo back into "default" in a folder it does not trust, and a
		// headless run cannot answer its approval prompts. The operator chose the task
		// folder and bypassPermissions; this variable trusts the folder for this run only.
		c.environment.push_back("GEMINI_CLI_TRUST_WORKSPACE=true");
	}
	c.argv.insert(c.argv.end(), config.cliParameters.begin(), config.cliParameters.end());
	c.stdinText = prompt;
	return c;
}

} // namespace Sygen
