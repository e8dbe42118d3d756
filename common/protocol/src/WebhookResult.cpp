//
// WebhookResult.cpp
//

#include "Sygen/Protocol/WebhookResult.h"
#include "Sygen/Foundation/JSONFields.h"

namespace Sygen {

Poco::JSON::Object::Ptr WebhookResult::toJSON() const
{
	Poco::JSON::Object::Ptr obj = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	obj->set("job_id", jobId);
	obj->set("hook_id", hookId);
	obj->set("hook_title", hookTitle);
	obj->set("mode", mode);
	obj->set("status", status);
	obj->set("result_text", resultText);
	obj->set("started_at", startedAt);
	obj->set("finished_at", finishedAt);
	obj->set("duration_ms", static_cast<Poco::Int64>(durationMs));
	obj->set("delivered", delivered);
	return obj;
}

WebhookResult WebhookResult::fromJSON(const Poco::JSON::Object& obj)
{
	WebhookResult r;
	r.jobId = JSONFields::requireString(obj, "job_id");
	r.hookId = JSONFields::string(obj, "hook_id");
	r.hookTitle = JSONFields::string(obj, "hook_title");
	r.mode = JSONFields::string(obj, "mode");
	r.status = JSONFields::requireString(obj, "status");
	r.resultText = JSONFields::string(obj, "result_text");
	r.startedAt = JSONFields::string(obj, "started_at");
	r.finishedAt = JSONFields::string(obj, "finished_at");
	r.durationMs = JSONFields::integer(obj, "duration_ms", 0);
	r.delivered = JSONFields::boolean(obj, "delivered", false);
	return r;
}

} // namespace Sygen
