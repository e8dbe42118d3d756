//
// DeliveryRequest.cpp
//

#include "Sygen/Protocol/DeliveryRequest.h"
#include "Sygen/Foundation/JSONFields.h"
#include <Poco/Exception.h>

namespace Sygen {

namespace {

Poco::Timespan milliseconds(long long ms)
{
	return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms) * 1000);
}

} // namespace

Poco::JSON::Object::Ptr DeliveryRequest::toJSON() const
{
	Poco::JSON::Object::Ptr obj = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	obj->set("transport", transport);
	obj->set("chat_id", chatId);
	obj->set("text", text);
	obj->set("hook_id", hookId);
	obj->set("job_id", jobId);
	if (transport == "matrix")
	{
		obj->set("matrix_homeserver", delivery.matrixHomeserver);
		obj->set("matrix_access_token", delivery.matrixAccessToken);
	}
	else
	{
		obj->set("telegram_api_base", delivery.telegramApiBase);
		obj->set("telegram_token", delivery.telegramToken);
	}
	Poco::JSON::Object::Ptr r = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	r->set("max_attempts", retry.maxAttempts);
	r->set("initial_delay_ms", static_cast<Poco::Int64>(retry.initialDelay.totalMilliseconds()));
	r->set("max_delay_ms", static_cast<Poco::Int64>(retry.maxDelay.totalMilliseconds()));
	r->set("max_server_delay_ms", static_cast<Poco::Int64>(retry.maxServerDelay.totalMilliseconds()));
	obj->set("retry", r);
	return obj;
}

DeliveryRequest DeliveryRequest::fromJSON(const Poco::JSON::Object& obj)
{
	DeliveryRequest req;
	req.transport = JSONFields::requireString(obj, "transport");
	if (req.transport != "telegram" && req.transport != "matrix")
		throw Poco::DataFormatException("transport: must be telegram or matrix", req.transport);
	req.chatId = JSONFields::requireString(obj, "chat_id");
	req.text = JSONFields::requireString(obj, "text");
	req.hookId = JSONFields::string(obj, "hook_id");
	req.jobId = JSONFields::string(obj, "job_id");
	if (req.transport == "matrix")
	{
		req.delivery.matrixHomeserver = JSONFields::requireString(obj, "matrix_homeserver");
		req.delivery.matrixAccessToken = JSONFields::requireString(obj, "matrix_access_token");
		req.delivery.matrixRoomIds = {req.chatId};
	}
	else
	{
		req.delivery.telegramApiBase = JSONFields::requireString(obj, "telegram_api_base");
		req.delivery.telegramToken = JSONFields::requireString(obj, "telegram_token");
		req.delivery.allowedUserIds = {req.chatId};
	}
	if (Poco::JSON::Object::Ptr r = JSONFields::object(obj, "retry"))
	{
		req.retry.maxAttempts = static_cast<int>(JSONFields::integer(*r, "max_attempts", req.retry.maxAttempts));
		if (req.retry.maxAttempts < 1) req.retry.maxAttempts = 1;
		req.retry.initialDelay = milliseconds(JSONFields::integer(*r, "initial_delay_ms", req.retry.initialDelay.totalMilliseconds()));
		req.retry.maxDelay = milliseconds(JSONFields::integer(*r, "max_delay_ms", req.retry.maxDelay.totalMilliseconds()));
		req.retry.maxServerDelay =
			milliseconds(JSONFields::integer(*r, "max_server_delay_ms", req.retry.maxServerDelay.totalMilliseconds()));
	}
	return req;
}

} // namespace Sygen
