//
// GeminiStub.cpp
//

#include "GeminiStub.h"
#include "Sygen/Foundation/JSONWriter.h"
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace Sygen {
namespace Test {

namespace {

Poco::JSON::Object::Ptr ordered()
{
	return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

bool hasMethod(const std::string& uri, const std::string& method)
{
	std::string::size_type colon = uri.rfind(':');
	return colon != std::string::npos && uri.compare(colon + 1, method.size(), method) == 0 &&
		(uri.size() == colon + 1 + method.size() || uri[colon + 1 + method.size()] == '?');
}

} // namespace

GeminiStub::GeminiStub():
	ModelAPIStub(&GeminiStub::isModelRequest, &GeminiStub::answer)
{
}

void GeminiStub::replyError(int status, const std::string& code, const std::string& message)
{
	Poco::JSON::Object::Ptr error = ordered();
	error->set("code", status);
	error->set("message", message);
	error->set("status", code);
	Poco::JSON::Object::Ptr body = ordered();
	body->set("error", error);
	replyErrorBody(status, JSONWriter::compact(body));
}

bool GeminiStub::isModelRequest(const RecordedRequest& request)
{
	return request.method == "POST" && (hasMethod(request.uri, "generateContent") || hasMethod(request.uri, "streamGenerateContent"));
}

std::string GeminiStub::candidate(const std::string& text)
{
	Poco::JSON::Object::Ptr part = ordered();
	part->set("text", text);
	Poco::JSON::Array::Ptr parts = new Poco::JSON::Array;
	parts->add(part);
	Poco::JSON::Object::Ptr content = ordered();
	content->set("role", "model");
	content->set("parts", parts);
	Poco::JSON::Object::Ptr first = ordered();
	first->set("content", content);
	first->set("finishReason", "STOP");
	first->set("index", 0);
	Poco::JSON::Array::Ptr candidates = new Poco::JSON::Array;
	candidates->add(first);
	Poco::JSON::Object::Ptr usage = ordered();
	usage->set("promptTokenCount", 10);
	usage->set("candidatesTokenCount", 5);
	usage->set("totalTokenCount", 15);
	Poco::JSON::Object::Ptr response = ordered();
	response->set("candidates", candidates);
	response->set("usageMetadata", usage);
	response->set("modelVersion", "gemini-stub");
	return JSONWriter::compact(response);
}

FakeReply GeminiStub::answer(const RecordedRequest& request, const std::string& text)
{
	FakeReply reply;
	reply.headers["Content-Type"] = "application/json";
	if (request.method == "POST" && hasMethod(request.uri, "countTokens"))
	{
		reply.body = R"({"totalTokens":10})";
	}
	else if (request.method == "POST" && hasMethod(request.uri, "streamGenerateContent"))
	{
		// One chunk: gemini asks for server-sent events with alt=sse.
		reply.headers["Content-Type"] = "text/event-stream";
		reply.body = "data: " + candidate(text) + "\r\n\r\n";
	}
	else if (isModelRequest(request))
	{
		reply.body = candidate(text);
	}
	else
	{
		reply.status = 404;
		reply.body = R"({"error":{"code":404,"message":"not here","status":"NOT_FOUND"}})";
	}
	return reply;
}

}
} // namespace Sygen::Test
