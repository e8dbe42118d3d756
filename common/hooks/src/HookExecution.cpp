//
// HookExecution.cpp
//

#include "Sygen/Hooks/HookExecution.h"
#include "Sygen/Foundation/JSONFields.h"
#include <Poco/JSON/Array.h>

namespace Sygen {

void HookExecution::readExecutionFields(const Poco::JSON::Object& obj)
{
	provider = JSONFields::optionalString(obj, "provider");
	model = JSONFields::optionalString(obj, "model");
	reasoningEffort = JSONFields::optionalString(obj, "reasoning_effort");
	cliParameters = JSONFields::stringList(obj, "cli_parameters");
	quietStart = JSONFields::optionalInt(obj, "quiet_start");
	quietEnd = JSONFields::optionalInt(obj, "quiet_end");
	dependency = JSONFields::optionalString(obj, "dependency");
}

void HookExecution::writeExecutionFields(Poco::JSON::Object& obj) const
{
	obj.set("provider", JSONFields::orNull(provider));
	obj.set("model", JSONFields::orNull(model));
	obj.set("reasoning_effort", JSONFields::orNull(reasoningEffort));
	Poco::JSON::Array::Ptr params = new Poco::JSON::Array;
	for (const std::string& p: cliParameters) params->add(p);
	obj.set("cli_parameters", params);
	obj.set("quiet_start", JSONFields::orNull(quietStart));
	obj.set("quiet_end", JSONFields::orNull(quietEnd));
	obj.set("dependency", JSONFields::orNull(dependency));
}

} // namespace Sygen
