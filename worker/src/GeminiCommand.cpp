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
	c.argv.insert(c.argv.end(), config.cliParameters.begin(), config.cliParameters.end());
	c.stdinText = prompt;
	return c;
}

} // namespace Sygen
