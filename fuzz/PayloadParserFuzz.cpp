//
// PayloadParserFuzz.cpp
//
// The request validation chain of the ingress (SPEC §8), minus the parts that need
// a server: the route of the request target, the JSON media-type check, the body
// through PayloadParser, and bearer authentication of the request.
//
// Input: Content-Type value, NUL, request target, NUL, Authorization value, NUL,
// body. Fewer NULs: the whole input is the body.
//
// Properties: nothing throws; PayloadParser::check() (the plain-JSON fast path)
// gives the same outcome as parse(); a parsed payload is an object that survives a
// stringify/parse round trip; a body with a byte order mark parses as without it.
//

#include "FuzzSupport.h"
#include "Sygen/Auth/Authenticator.h"
#include "Sygen/Auth/RequestView.h"
#include "Sygen/Foundation/JSONFields.h"
#include "Sygen/Foundation/PayloadParser.h"
#include "Sygen/Foundation/PlainJSONScanner.h"
#include "http/RequestHandlerFactory.h"
#include "http/WebhookRequestHandler.h"
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Timestamp.h>

using Sygen::PayloadParser;
using Sygen::RequestHandlerFactory;
using Sygen::WebhookRequestHandler;

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
	Sygen::Fuzz::silenceLogging();
	return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	std::vector<std::string> parts = Sygen::Fuzz::split(data, size, 4);
	std::string contentType, target, authorization, body;
	if (parts.size() == 4)
	{
		contentType = parts[0];
		target = parts[1];
		authorization = parts[2];
		body = parts[3];
	}
	else body = std::string(reinterpret_cast<const char*>(data), size);

	RequestHandlerFactory::Route route = RequestHandlerFactory::route(target);
	if (!route.name.empty() && route.methods.empty()) Sygen::Fuzz::fail("a route without methods");
	if ((route.name == "hooks" || route.name == "jobs") && route.argument.empty()) Sygen::Fuzz::fail("an empty {id} was routed");
	WebhookRequestHandler::isJSONMediaType(contentType);

	Poco::JSON::Object::Ptr payload;
	PayloadParser::Outcome outcome = PayloadParser::parse(body, payload);
	if (outcome == PayloadParser::OK)
	{
		if (!payload) Sygen::Fuzz::fail("OK without a payload");
		std::string text = Sygen::JSONFields::compact(payload);
		Poco::JSON::Object::Ptr again;
		if (PayloadParser::parse(text, again) != PayloadParser::OK)
			Sygen::Fuzz::fail("a parsed payload does not parse again after stringify");
		if (Sygen::JSONFields::compact(again) != text) Sygen::Fuzz::fail("payload round trip changed it");
	}
	else if (payload) Sygen::Fuzz::fail("payload set although not OK");
	// The ingress's fast path must never disagree with the full parser.
	if (PayloadParser::check(body) != outcome) Sygen::Fuzz::fail("check() and parse() disagree");
	if (Sygen::PlainJSONScanner::isPlainObject(body, PayloadParser::MAX_DEPTH) && outcome != PayloadParser::OK)
		Sygen::Fuzz::fail("the plain scanner accepted what the parser refuses");

	Poco::JSON::Object::Ptr withBom;
	if (PayloadParser::parse("\xEF\xBB\xBF" + body, withBom) != outcome && body.compare(0, 3, "\xEF\xBB\xBF") != 0)
		Sygen::Fuzz::fail("a byte order mark changed the outcome");

	Sygen::Hook hook;
	hook.id = route.argument.empty() ? "h" : route.argument;
	hook.authMode = "bearer";
	hook.token = "hook-token";
	Poco::Net::NameValueCollection headers;
	headers.set("Content-Type", contentType);
	if (!authorization.empty()) headers.set("Authorization", authorization);
	Sygen::RequestView request(headers, body, "global-token", Poco::Timestamp());
	bool ok = Sygen::Authenticator::authenticate(hook, request);
	if (ok && authorization != "Bearer hook-token") Sygen::Fuzz::fail("bearer accepted a wrong token");
	return 0;
}
