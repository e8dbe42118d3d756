//
// ExecutionConfig.cpp
//

#include "ExecutionConfig.h"

namespace Sygen {

namespace {

std::string pick(const std::optional<std::string>& hookValue, const std::string& fallback)
{
	return hookValue && !hookValue->empty() ? *hookValue : fallback;
}

bool startsWith(const std::string& s, const std::string& prefix)
{
	return s.size() > prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

} // namespace

ExecutionConfig ExecutionConfig::resolve(const JobSpec& hook, const WorkerSettings& settings)
{
	ExecutionConfig c;
	c.provider = pick(hook.provider, settings.provider);
	c.model = pick(hook.model, settings.model);
	c.reasoningEffort = pick(hook.reasoningEffort, settings.reasoningEffort);
	c.permissionMode = settings.permissionMode;
	c.cliParameters = hook.cliParameters;
	return c;
}

std::string ExecutionConfig::commandProvider() const
{
	if (provider == "codex" || provider == "gemini") return provider;
	return "claude";
}

bool ExecutionConfig::isModelValid() const
{
	std::string p = commandProvider();
	if (p == "codex") return !model.empty();
	if (p == "gemini")
	{
		return model == "auto" || model == "pro" || model == "flash" || model == "flash-lite"
			|| startsWith(model, "gemini-") || startsWith(model, "auto-gemini-");
	}
	return model == "haiku" || model == "sonnet" || model == "opus" || startsWith(model, "claude-");
}

} // namespace Sygen
