//
// ExecutionConfig.cpp
//

#include "ExecutionConfig.h"
#include "CliProviders.h"

namespace Sygen {

namespace {

std::string pick(const std::optional<std::string>& hookValue, const std::string& fallback)
{
	return hookValue && !hookValue->empty() ? *hookValue : fallback;
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

const CliProvider& ExecutionConfig::cliProvider() const
{
	return CliProviders::find(provider);
}

std::string ExecutionConfig::commandProvider() const
{
	return cliProvider().name();
}

bool ExecutionConfig::isModelValid() const
{
	return cliProvider().isModelValid(model);
}

} // namespace Sygen
