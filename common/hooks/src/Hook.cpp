//
// Hook.cpp
//

#include "Sygen/Hooks/Hook.h"
#include "Sygen/Foundation/JSONFields.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <algorithm>
#include <limits>

namespace Sygen {

namespace {

// SPEC §3 order; toJSON writes them in exactly this order.
const char* const REFERENCE_FIELDS[] = {"id", "title", "description", "mode", "prompt_template", "enabled", "task_folder", "auth_mode",
	"token", "hmac_secret", "hmac_header", "hmac_algorithm", "hmac_encoding", "hmac_sig_prefix", "hmac_sig_regex",
	"hmac_payload_prefix_regex", "created_at", "trigger_count", "last_triggered_at", "last_error", "provider", "model", "reasoning_effort",
	"cli_parameters", "quiet_start", "quiet_end", "dependency"};

const char* const BEYOND_FIELDS[] = {"hmac_tolerance_seconds", "dedupe_header", "max_concurrent", "run_on"};

void readCredentials(Hook& h, const Poco::JSON::Object& obj)
{
	h.authMode = JSONFields::string(obj, "auth_mode", h.authMode);
	h.token = JSONFields::string(obj, "token");
	h.hmacSecret = JSONFields::string(obj, "hmac_secret");
	h.hmacHeader = JSONFields::string(obj, "hmac_header");
	h.hmacAlgorithm = JSONFields::string(obj, "hmac_algorithm", h.hmacAlgorithm);
	h.hmacEncoding = JSONFields::string(obj, "hmac_encoding", h.hmacEncoding);
	h.hmacSigPrefix = JSONFields::string(obj, "hmac_sig_prefix", h.hmacSigPrefix);
	h.hmacSigRegex = JSONFields::string(obj, "hmac_sig_regex");
	h.hmacPayloadPrefixRegex = JSONFields::string(obj, "hmac_payload_prefix_regex");
}

void readTelemetry(Hook& h, const Poco::JSON::Object& obj)
{
	h.createdAt = JSONFields::string(obj, "created_at");
	h.triggerCount = JSONFields::integer(obj, "trigger_count", 0);
	h.lastTriggeredAt = JSONFields::optionalString(obj, "last_triggered_at");
	h.lastError = JSONFields::optionalString(obj, "last_error");
}

void readExecution(Hook& h, const Poco::JSON::Object& obj)
{
	h.readExecutionFields(obj);
	h.hmacToleranceSeconds = JSONFields::optionalInteger(obj, "hmac_tolerance_seconds");
	h.dedupeHeader = JSONFields::optionalString(obj, "dedupe_header");
	h.maxConcurrent = JSONFields::optionalInt(obj, "max_concurrent");
	h.runOn = JSONFields::stringList(obj, "run_on");
}

} // namespace

bool Hook::isField(const std::string& name)
{
	auto matches = [&name](const char* field) { return name == field; };
	return std::any_of(std::begin(REFERENCE_FIELDS), std::end(REFERENCE_FIELDS), matches) ||
		std::any_of(std::begin(BEYOND_FIELDS), std::end(BEYOND_FIELDS), matches);
}

Hook Hook::fromJSON(const Poco::JSON::Object& obj)
{
	Hook h;
	h.id = JSONFields::requireString(obj, "id");
	h.title = JSONFields::requireString(obj, "title");
	h.description = JSONFields::string(obj, "description");
	h.mode = JSONFields::requireString(obj, "mode");
	h.promptTemplate = JSONFields::requireString(obj, "prompt_template");
	h.enabled = JSONFields::boolean(obj, "enabled", true);
	h.taskFolder = JSONFields::optionalString(obj, "task_folder");
	readCredentials(h, obj);
	readTelemetry(h, obj);
	readExecution(h, obj);
	for (const std::string& name: obj.getNames())
	{
		if (isField(name)) continue;
		if (!h.extra) h.extra = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		h.extra->set(name, obj.get(name));
	}
	return h;
}

Poco::JSON::Object::Ptr Hook::toJSON() const
{
	Poco::JSON::Object::Ptr obj = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	obj->set("id", id);
	obj->set("title", title);
	obj->set("description", description);
	obj->set("mode", mode);
	obj->set("prompt_template", promptTemplate);
	obj->set("enabled", enabled);
	obj->set("task_folder", JSONFields::orNull(taskFolder));
	obj->set("auth_mode", authMode);
	obj->set("token", token);
	obj->set("hmac_secret", hmacSecret);
	obj->set("hmac_header", hmacHeader);
	obj->set("hmac_algorithm", hmacAlgorithm);
	obj->set("hmac_encoding", hmacEncoding);
	obj->set("hmac_sig_prefix", hmacSigPrefix);
	obj->set("hmac_sig_regex", hmacSigRegex);
	obj->set("hmac_payload_prefix_regex", hmacPayloadPrefixRegex);
	obj->set("created_at", createdAt);
	obj->set("trigger_count", static_cast<Poco::Int64>(triggerCount));
	obj->set("last_triggered_at", JSONFields::orNull(lastTriggeredAt));
	obj->set("last_error", JSONFields::orNull(lastError));
	writeExecutionFields(*obj);
	if (hmacToleranceSeconds) obj->set("hmac_tolerance_seconds", static_cast<Poco::Int64>(*hmacToleranceSeconds));
	if (dedupeHeader) obj->set("dedupe_header", *dedupeHeader);
	if (maxConcurrent) obj->set("max_concurrent", *maxConcurrent);
	if (!runOn.empty())
	{
		Poco::JSON::Array::Ptr nodes = new Poco::JSON::Array;
		for (const std::string& node: runOn) nodes->add(node);
		obj->set("run_on", nodes);
	}
	if (extra)
	{
		for (const std::string& name: extra->getNames())
		{
			// A known field smuggled into extra must not override or duplicate the typed one.
			if (!isField(name)) obj->set(name, extra->get(name));
		}
	}
	return obj;
}

} // namespace Sygen
