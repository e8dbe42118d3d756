//
// MatrixTransport.cpp
//

#include "Sygen/Delivery/MatrixTransport.h"
#include "Sygen/Foundation/JSONFields.h"
#include "Sygen/Foundation/JSONWriter.h"
#include "Sygen/Foundation/LogFields.h"
#include "Sygen/Foundation/Logging.h"
#include "Sygen/Foundation/MessageSplitter.h"
#include "Sygen/Foundation/TokenGenerator.h"
#include <Poco/JSON/Object.h>
#include <Poco/NumberParser.h>

namespace Sygen {

namespace {

struct Reply
/// The fields of a Matrix error answer we act on.
{
	std::string errcode;
	std::string error;
	long long retryAfterMs = 0;
};

Reply parseReply(const std::string& body)
{
	Reply reply;
	try
	{
		Poco::JSON::Object::Ptr obj = JSONFields::parseObject(body);
		reply.errcode = JSONFields::string(*obj, "errcode");
		reply.error = JSONFields::string(*obj, "error");
		reply.retryAfterMs = JSONFields::integer(*obj, "retry_after_ms", 0);
	}
	catch (Poco::Exception&)
	{
		// Not a Matrix error object: the status decides.
	}
	return reply;
}

} // namespace

MatrixTransport::MatrixTransport(
	const std::string& homeserver, const std::string& accessToken, const RetryPolicy& policy, const HTTPClient& http):
	_homeserver(homeserver),
	_accessToken(accessToken),
	_policy(policy),
	_http(http),
	_logger(Poco::Logger::get("Sygen.MatrixTransport"))
{
	while (!_homeserver.empty() && _homeserver.back() == '/') _homeserver.pop_back();
	Logging::addSecret(_accessToken);
}

bool MatrixTransport::configured() const
{
	return !_homeserver.empty() && !_accessToken.empty();
}

std::string MatrixTransport::encodePathSegment(const std::string& text)
{
	static const char HEX[] = "0123456789ABCDEF";
	std::string out;
	for (unsigned char c: text)
	{
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~')
		{
			out += static_cast<char>(c);
		}
		else
		{
			out += '%';
			out += HEX[c >> 4];
			out += HEX[c & 0x0F];
		}
	}
	return out;
}

std::string MatrixTransport::newTransactionId()
{
	// 256 random bits (URL-safe base64, valid in a path segment): unique without
	// any state that would have to survive a restart.
	return "sygen-" + TokenGenerator::generate();
}

bool MatrixTransport::send(const std::string& roomId, const std::string& text, const std::string& hookId, const std::string& jobId) const
{
	if (!configured())
	{
		Logging::log(_logger, Poco::Message::PRIO_ERROR,
			"matrix: homeserver or access token not configured; message to room " + roomId + " not sent",
			{{LogFields::HOOK_ID, hookId}, {LogFields::JOB_ID, jobId}});
		return false;
	}
	std::vector<std::string> parts = MessageSplitter::split(text, MESSAGE_LIMIT);
	for (std::size_t i = 0; i < parts.size(); ++i)
	{
		const std::string txnId = newTransactionId();
		const std::string label = "matrix: m.room.message to room " + roomId +
			(parts.size() > 1 ? " (part " + std::to_string(i + 1) + "/" + std::to_string(parts.size()) + ")" : "");
		bool sent = _policy.run([&](int) { return sendPart(roomId, txnId, parts[i]); },
			[&](const RetryPolicy::Attempt& failure, int attempt, bool final) {
				Logging::log(_logger, final ? Poco::Message::PRIO_ERROR : Poco::Message::PRIO_WARNING,
					label + " failed (attempt " + std::to_string(attempt) + "): " + failure.description +
						(final ? "; giving up" : "; retrying"),
					{{LogFields::HOOK_ID, hookId}, {LogFields::JOB_ID, jobId}});
			});
		if (!sent) return false;
	}
	return true;
}

RetryPolicy::Attempt MatrixTransport::sendPart(const std::string& roomId, const std::string& txnId, const std::string& part) const
{
	RetryPolicy::Attempt attempt;
	Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	body->set("msgtype", std::string("m.text"));
	body->set("body", part);
	const std::string url =
		_homeserver + "/_matrix/client/v3/rooms/" + encodePathSegment(roomId) + "/send/m.room.message/" + encodePathSegment(txnId);
	Poco::Net::NameValueCollection headers;
	headers.set("Authorization", "Bearer " + _accessToken);
	HTTPClient::Response response;
	try
	{
		response = _http.send("PUT", url, JSONWriter::compact(body), headers);
	}
	catch (HTTPTransportError& exc)
	{
		attempt.result = RetryPolicy::Attempt::RETRY;
		attempt.description = exc.message();
		return attempt;
	}
	Reply reply = parseReply(response.body);
	attempt.description = "HTTP " + std::to_string(response.status) + (reply.errcode.empty() ? "" : " " + reply.errcode) +
		(reply.error.empty() ? "" : ": " + reply.error);
	if (response.status >= 200 && response.status < 300)
	{
		attempt.result = RetryPolicy::Attempt::DELIVERED;
	}
	else if (response.status == 429 || response.status >= 500)
	{
		attempt.result = RetryPolicy::Attempt::RETRY;
		long long ms = reply.retryAfterMs;
		int header = 0;
		if (ms <= 0 && Poco::NumberParser::tryParse(response.headers.get("Retry-After", ""), header)) ms = 1000LL * header;
		if (ms > 0) attempt.serverDelay = Poco::Timespan(ms * 1000);
	}
	return attempt;
}

} // namespace Sygen
