//
// JobSpec.cpp
//

#include "Sygen/Protocol/JobSpec.h"
#include "Sygen/Foundation/JSONFields.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <limits>

namespace Sygen {

namespace {

Poco::Dynamic::Var orNull(const std::optional<std::string>& value)
{
	return value ? Poco::Dynamic::Var(*value) : Poco::Dynamic::Var();
}

Poco::Dynamic::Var orNull(const std::optional<int>& value)
{
	return value ? Poco::Dynamic::Var(*value) : Poco::Dynamic::Var();
}

std::optional<int> optionalInt(const Poco::JSON::Object& obj, const std::string& key)
{
	std::optional<long long> value = JSONFields::optionalInteger(obj, key);
	if (!value) return std::nullopt;
	if (*value < std::numeric_limits<int>::min() || *value > std::numeric_limits<int>::max())
		throw Poco::DataFormatException(key + ": expected an integer in range");
	return static_cast<int>(*value);
}

} // namespace

JobSpec JobSpec::fromHook(const Hook& hook)
{
	JobSpec spec;
	spec.id = hook.id;
	spec.title = hook.title;
	spec.mode = hook.mode;
	spec.taskFolder = hook.taskFolder;
	spec.provider = hook.provider;
	spec.model = hook.model;
	spec.reasoningEffort = hook.reasoningEffort;
	spec.cliParameters = hook.cliParameters;
	spec.quietStart = hook.quietStart;
	spec.quietEnd = hook.quietEnd;
	spec.dependency = hook.dependency;
	return spec;
}

Poco::JSON::Object::Ptr JobSpec::toJSON() const
{
	Poco::JSON::Object::Ptr obj = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	obj->set("id", id);
	obj->set("title", title);
	obj->set("mode", mode);
	obj->set("task_folder", orNull(taskFolder));
	obj->set("provider", orNull(provider));
	obj->set("model", orNull(model));
	obj->set("reasoning_effort", orNull(reasoningEffort));
	Poco::JSON::Array::Ptr params = new Poco::JSON::Array;
	for (const std::string& p: cliParameters) params->add(p);
	obj->set("cli_parameters", params);
	obj->set("quiet_start", orNull(quietStart));
	obj->set("quiet_end", orNull(quietEnd));
	obj->set("dependency", orNull(dependency));
	return obj;
}

JobSpec JobSpec::fromJSON(const Poco::JSON::Object& obj)
{
	JobSpec spec;
	spec.id = JSONFields::requireString(obj, "id");
	spec.title = JSONFields::string(obj, "title");
	spec.mode = JSONFields::requireString(obj, "mode");
	spec.taskFolder = JSONFields::optionalString(obj, "task_folder");
	spec.provider = JSONFields::optionalString(obj, "provider");
	spec.model = JSONFields::optionalString(obj, "model");
	spec.reasoningEffort = JSONFields::optionalString(obj, "reasoning_effort");
	spec.cliParameters = JSONFields::stringList(obj, "cli_parameters");
	spec.quietStart = optionalInt(obj, "quiet_start");
	spec.quietEnd = optionalInt(obj, "quiet_end");
	spec.dependency = JSONFields::optionalString(obj, "dependency");
	return spec;
}

} // namespace Sygen
