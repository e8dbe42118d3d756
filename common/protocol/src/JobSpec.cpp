//
// JobSpec.cpp
//

#include "Sygen/Protocol/JobSpec.h"
#include "Sygen/Foundation/JSONFields.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <limits>

namespace Sygen {

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
	obj->set("task_folder", JSONFields::orNull(taskFolder));
	obj->set("provider", JSONFields::orNull(provider));
	obj->set("model", JSONFields::orNull(model));
	obj->set("reasoning_effort", JSONFields::orNull(reasoningEffort));
	Poco::JSON::Array::Ptr params = new Poco::JSON::Array;
	for (const std::string& p: cliParameters) params->add(p);
	obj->set("cli_parameters", params);
	obj->set("quiet_start", JSONFields::orNull(quietStart));
	obj->set("quiet_end", JSONFields::orNull(quietEnd));
	obj->set("dependency", JSONFields::orNull(dependency));
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
	spec.quietStart = JSONFields::optionalInt(obj, "quiet_start");
	spec.quietEnd = JSONFields::optionalInt(obj, "quiet_end");
	spec.dependency = JSONFields::optionalString(obj, "dependency");
	return spec;
}

} // namespace Sygen
