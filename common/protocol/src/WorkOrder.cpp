//
// WorkOrder.cpp
//

#include "Sygen/Protocol/WorkOrder.h"
#include "Sygen/Foundation/JSONFields.h"
#include <Poco/Exception.h>

namespace Sygen {

Poco::JSON::Object::Ptr WorkOrder::toJSON() const
{
	Poco::JSON::Object::Ptr obj = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	obj->set("job_id", jobId);
	obj->set("hook", hook.toJSON());
	obj->set("prompt", prompt);
	obj->set("queued_at", queuedAt);
	return obj;
}

WorkOrder WorkOrder::fromJSON(const Poco::JSON::Object& obj)
{
	WorkOrder order;
	order.jobId = JSONFields::requireString(obj, "job_id");
	Poco::JSON::Object::Ptr hook = JSONFields::object(obj, "hook");
	if (!hook) throw Poco::DataFormatException("hook: missing");
	order.hook = Hook::fromJSON(*hook);
	order.prompt = JSONFields::string(obj, "prompt");
	order.queuedAt = JSONFields::string(obj, "queued_at");
	return order;
}

} // namespace Sygen
