//
// WebhookResult.cpp
//

#include "Sygen/Protocol/WebhookResult.h"
#include "Sygen/Foundation/JsonFields.h"

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
	r.jobId = JsonFields::requireString(obj, "job_id");
	r.hookId = JsonFields::string(obj, "hook_id");
	r.hookTitle = JsonFields::string(obj, "hook_title");
	r.mode = JsonFields::string(obj, "mode");
	r.status = JsonFields::requireString(obj, "status");
	r.resultText = JsonFields::string(obj, "result_text");
	r.startedAt = JsonFields::string(obj, "started_at");
	r.finishedAt = JsonFields::string(obj, "finished_at");
	r.durationMs = JsonFields::integer(obj, "duration_ms", 0);
	r.delivered = JsonFields::boolean(obj, "delivered", false);
	return r;
}

} // namespace Sygen
