//
// CodexCommand.cpp
//

#include "CodexCommand.h"

namespace Sygen {

CliCommand CodexCommand::build(const ExecutionConfig& config, const std::string& prompt)
{
	CliCommand c;
	c.provider = "codex";
	c.argv = {"codex", "exec", "--json", "--color", "never", "--skip-git-repo-check"};
	if (config.permissionMode == "bypassPermissions")
	{
		c.argv.push_back("--dangerously-bypass-approvals-and-sandbox");
	}
	else
	{
		c.argv.push_back("--sandbox");
		c.argv.push_back("workspace-write");
	}
	c.argv.push_back("--model");
	c.argv.push_back(config.model);
	if (!config.reasoningEffort.empty() && config.reasoningEffort != "medium")
	{
		c.argv.push_back("-c");
		c.argv.push_back("model_reasoning_effort=" + config.reasoningEffort);
	}
	c.argv.insert(c.argv.end(), config.cliParameters.begin(), config.cliParameters.end());
	c.argv.push_back("--");
	c.argv.push_back(prompt);
	return c;
}

} // namespace Sygen
