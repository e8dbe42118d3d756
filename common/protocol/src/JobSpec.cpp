//
// JobSpec.cpp
//

#include "Sygen/Protocol/JobSpec.h"
#include "Sygen/Foundation/JSONFields.h"
#include <Poco/Exception.h>
#include <limits>

namespace Sygen {

JobSpec JobSpec::fromHook(const Hook& hook)
{
	JobSpec spec;
	spec.id = hook.id;
	spec.title = hook.title;
	spec.mode = hook.mode;
	spec.taskFolder = hook.taskFolder;
	static_cast<HookExecution&>(spec) = hook;
	return spec;
}

Poco::JSON::Object::Ptr JobSpec::toJSON() const
{
	Poco::JSON::Object::Ptr obj = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	obj->set("id", id);
	obj->set("title", title);
	obj->set("mode", mode);
	obj->set("task_folder", JSONFields::orNull(taskFolder));
	writeExecutionFields(*obj);
	return obj;
}

JobSpec JobSpec::fromJSON(const Poco::JSON::Object& obj)
{
	JobSpec spec;
	spec.id = JSONFields::requireString(obj, "id");
	spec.title = JSONFields::string(obj, "title");
	spec.mode = JSONFields::requireString(obj, "mode");
	spec.taskFolder = JSONFields::optionalString(obj, "task_folder");
	spec.readExecutionFields(obj);
	return spec;
}

} // namespace Sygen
