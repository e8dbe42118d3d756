//
// OpenAIStub.cpp
//

#include "OpenAIStub.h"
#include "Sygen/Foundation/JSONWriter.h"
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace Sygen {
namespace Test {

namespace {

Poco::JSON::Object::Ptr object(const std::string& type)
{
	Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	o->set("type", type);
	return o;
}

std::string event(const Poco::JSON::Object::Ptr& data)
{
	return "event: " + data->getValue<std::string>("type") + "\ndata: " + JSONWriter::compact(data) + "\n\n";
}

Poco::JSON::Object::Ptr response(const std::string& status)
{
	Poco::JSON::Object::Ptr r = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	r->set("id", "resp_stub_01");
	r->set("object", "response");
	r->set("status", status);
	return r;
}

Poco::JSON::Object::Ptr assistantMessage(const std::string& text)
{
	Poco::JSON::Object::Ptr part = object("output_text");
	part->set("text", text);
	part->set("annotations", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
	Poco::JSON::Array::Ptr content = new Poco::JSON::Array;
	content->add(part);
	Poco::JSON::Object::Ptr item = object("message");
	item->set("id", "msg_stub_01");
	item->set("role", "assistant");
	item->set("status", "completed");
	item->set("content", content);
	return item;
}

} // namespace

OpenAIStub::OpenAIStub():
	ModelAPIStub(&OpenAIStub::isModelRequest, &OpenAIStub::answer)
{
}

void OpenAIStub::replyError(int status, const std::string& type, const std::string& message)
{
	Poco::JSON::Object::Ptr error = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	error->set("message", message);
	error->set("type", type);
	error->set("param", Poco::Dynamic::Var());
	error->set("code", type);
	Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
	body->set("error", error);
	replyErrorBody(status, JSONWriter::compact(body));
}

bool OpenAIStub::isModelRequest(const RecordedRequest& request)
{
	const std::string suffix = "/responses";
	const std::string& uri = request.uri;
	return request.method == "POST" && uri.size() >= suffix.size() && uri.compare(uri.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string OpenAIStub::sse(const std::string& text)
{
	Poco::JSON::Object::Ptr created = object("response.created");
	created->set("response", response("in_progress"));
	Poco::JSON::Object::Ptr done = object("response.output_item.done");
	done->set("output_index", 0);
	done->set("item", assistantMessage(text));
	Poco::JSON::Object::Ptr usage = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	usage->set("input_tokens", 10);
	usage->set("output_tokens", 5);
	usage->set("total_tokens", 15);
	Poco::JSON::Object::Ptr finished = response("completed");
	finished->set("usage", usage);
	Poco::JSON::Object::Ptr completed = object("response.completed");
	completed->set("response", finished);
	return event(created) + event(done) + event(completed);
}

FakeReply OpenAIStub::answer(const RecordedRequest& request, const std::string& text)
{
	FakeReply reply;
	reply.headers["Content-Type"] = "application/json";
	if (!isModelRequest(request))
	{
		// Anything else (model lists, websockets) is not the model: codex falls back.
		reply.status = 404;
		reply.body = R"({"error":{"message":"not here","type":"not_found","param":null,"code":null}})";
		return reply;
	}
	reply.headers["Content-Type"] = "text/event-stream";
	reply.body = sse(text);
	return reply;
}

}
} // namespace Sygen::Test
