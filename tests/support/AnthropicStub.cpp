//
// AnthropicStub.cpp
//

#include "AnthropicStub.h"
#include "Sygen/Foundation/JSONWriter.h"
#include <Poco/JSON/Object.h>

namespace Sygen {
namespace Test {

namespace {

std::string event(const std::string& name, const Poco::JSON::Object::Ptr& data)
{
	return "event: " + name + "\ndata: " + JSONWriter::compact(data) + "\n\n";
}

Poco::JSON::Object::Ptr object(const std::string& type)
{
	Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	o->set("type", type);
	return o;
}

Poco::JSON::Object::Ptr usage(int input, int output)
{
	Poco::JSON::Object::Ptr u = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	u->set("input_tokens", input);
	u->set("output_tokens", output);
	return u;
}

Poco::JSON::Object::Ptr message(const std::string& model)
{
	Poco::JSON::Object::Ptr m = object("message");
	m->set("id", "msg_stub_01");
	m->set("role", "assistant");
	m->set("model", model);
	m->set("content", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
	m->set("stop_reason", Poco::Dynamic::Var());
	m->set("stop_sequence", Poco::Dynamic::Var());
	m->set("usage", usage(10, 1));
	return m;
}

} // namespace

AnthropicStub::AnthropicStub():
	ModelAPIStub(&AnthropicStub::isModelRequest, &AnthropicStub::answer)
{
}

void AnthropicStub::replyError(int status, const std::string& type, const std::string& message)
{
	Poco::JSON::Object::Ptr error = object(type);
	error->set("message", message);
	Poco::JSON::Object::Ptr body = object("error");
	body->set("error", error);
	replyErrorBody(status, JSONWriter::compact(body));
}

bool AnthropicStub::isModelRequest(const RecordedRequest& request)
{
	return request.method == "POST" && request.uri.compare(0, 12, "/v1/messages") == 0 &&
		request.uri.find("count_tokens") == std::string::npos;
}

std::string AnthropicStub::sse(const std::string& model, const std::string& text)
{
	Poco::JSON::Object::Ptr start = object("message_start");
	start->set("message", message(model));
	Poco::JSON::Object::Ptr blockStart = object("content_block_start");
	blockStart->set("index", 0);
	Poco::JSON::Object::Ptr block = object("text");
	block->set("text", "");
	blockStart->set("content_block", block);
	Poco::JSON::Object::Ptr delta = object("content_block_delta");
	delta->set("index", 0);
	Poco::JSON::Object::Ptr textDelta = object("text_delta");
	textDelta->set("text", text);
	delta->set("delta", textDelta);
	Poco::JSON::Object::Ptr blockStop = object("content_block_stop");
	blockStop->set("index", 0);
	Poco::JSON::Object::Ptr messageDelta = object("message_delta");
	Poco::JSON::Object::Ptr stop = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	stop->set("stop_reason", "end_turn");
	stop->set("stop_sequence", Poco::Dynamic::Var());
	messageDelta->set("delta", stop);
	messageDelta->set("usage", usage(10, 5));
	return event("message_start", start) + event("content_block_start", blockStart) + event("content_block_delta", delta) +
		event("content_block_stop", blockStop) + event("message_delta", messageDelta) + event("message_stop", object("message_stop"));
}

FakeReply AnthropicStub::answer(const RecordedRequest& request, const std::string& text)
{
	FakeReply reply;
	reply.headers["request-id"] = "req_stub";
	if (request.method == "POST" && request.uri.compare(0, 25, "/v1/messages/count_tokens") == 0)
	{
		reply.body = R"({"input_tokens":10})";
		reply.headers["Content-Type"] = "application/json";
		return reply;
	}
	if (!isModelRequest(request))
	{
		// Anything else the CLI may ask (feature flags, telemetry) is not the model.
		reply.status = 404;
		reply.body = R"({"type":"error","error":{"type":"not_found_error","message":"not here"}})";
		return reply;
	}
	Poco::JSON::Object::Ptr body;
	try
	{
		body = request.json();
	}
	catch (Poco::Exception&)
	{
		reply.status = 400;
		reply.body = R"({"type":"error","error":{"type":"invalid_request_error","message":"body is not JSON"}})";
		return reply;
	}
	std::string model = body->optValue<std::string>("model", "claude-stub");
	if (body->optValue<bool>("stream", false))
	{
		reply.headers["Content-Type"] = "text/event-stream";
		reply.body = sse(model, text);
		return reply;
	}
	Poco::JSON::Object::Ptr m = message(model);
	Poco::JSON::Array::Ptr content = new Poco::JSON::Array;
	Poco::JSON::Object::Ptr block = object("text");
	block->set("text", text);
	content->add(block);
	m->set("content", content);
	m->set("stop_reason", "end_turn");
	reply.headers["Content-Type"] = "application/json";
	reply.body = JSONWriter::compact(m);
	return reply;
}

}
} // namespace Sygen::Test
