//
// TelegramTransport.cpp
//

#include "Sygen/Delivery/TelegramTransport.h"
#include "Sygen/Foundation/JSONFields.h"
#include "Sygen/Foundation/JSONWriter.h"
#include "Sygen/Foundation/LogFields.h"
#include "Sygen/Foundation/Logging.h"
#include "Sygen/Foundation/MessageSplitter.h"
#include <Poco/JSON/Object.h>
#include <Poco/NumberParser.h>

namespace Sygen {

namespace {

struct Reply
/// The fields of a Bot API answer we act on.
{
	bool ok = false;
	std::string description;
	long long retryAfter = 0;
	long long migrateTo = 0;
};

Reply parseReply(const std::string& body)
{
	Reply reply;
	try
	{
		Poco::JSON::Object::Ptr obj = JSONFields::parseObject(body);
		if (!obj) return reply;
		reply.ok = JSONFields::boolean(*obj, "ok", false);
		reply.description = JSONFields::string(*obj, "description");
		Poco::JSON::Object::Ptr parameters = JSONFields::object(*obj, "parameters");
		if (parameters)
		{
			reply.retryAfter = JSONFields::integer(*parameters, "retry_after", 0);
			reply.migrateTo = JSONFields::integer(*parameters, "migrate_to_chat_id", 0);
		}
	}
	catch (Poco::Exception&)
	{
		// Not the Bot API's shape (a proxy's error page, say): the status decides.
	}
	return reply;
}

Poco::Dynamic::Var chatIdValue(const std::string& chatId)
{
	// The reference sends numeric ids as numbers; "@channel" names stay strings.
	Poco::Int64 numeric;
	if (Poco::NumberParser::tryParse64(chatId, numeric)) return numeric;
	return chatId;
}

} // namespace

TelegramTransport::TelegramTransport(
	const std::string& apiBase, const std::string& token, const RetryPolicy& policy, const HTTPClient& http):
	_apiBase(apiBase),
	_token(token),
	_policy(policy),
	_http(http),
	_logger(Poco::Logger::get("Sygen.TelegramTransport"))
{
	while (!_apiBase.empty() && _apiBase.back() == '/') _apiBase.pop_back();
	Logging::addSecret(_token);
}

bool TelegramTransport::configured() const
{
	return !_token.empty();
}

std::string TelegramTransport::methodUrl() const
{
	return _apiBase + "/bot" + _token + "/sendMessage";
}

bool TelegramTransport::send(const std::string& chatId, const std::string& text, const std::string& hookId, const std::string& jobId) const
{
	if (!configured())
	{
		Logging::log(_logger, Poco::Message::PRIO_ERROR, "telegram: no bot token configured; message to chat " + chatId + " not sent",
			{{LogFields::HOOK_ID, hookId}, {LogFields::JOB_ID, jobId}});
		return false;
	}
	std::vector<std::string> parts = MessageSplitter::splitUTF16(text, MESSAGE_LIMIT);
	std::string target = chatId;
	for (std::size_t i = 0; i < parts.size(); ++i)
	{
		const std::string label = "telegram: sendMessage to chat " + chatId +
			(parts.size() > 1 ? " (part " + std::to_string(i + 1) + "/" + std::to_string(parts.size()) + ")" : "");
		bool sent = _policy.run([&](int) { return sendPart(target, parts[i]); },
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

RetryPolicy::Attempt TelegramTransport::sendPart(std::string& chatId, const std::string& part) const
{
	RetryPolicy::Attempt attempt;
	Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	body->set("chat_id", chatIdValue(chatId));
	body->set("text", part);
	HTTPClient::Response response;
	try
	{
		response = _http.send("POST", methodUrl(), JSONWriter::compact(body));
	}
	catch (HTTPTransportError& exc)
	{
		attempt.result = RetryPolicy::Attempt::RETRY;
		attempt.description = exc.message();
		return attempt;
	}
	Reply reply = parseReply(response.body);
	attempt.description = "HTTP " + std::to_string(response.status) + (reply.description.empty() ? "" : " " + reply.description);

	if (response.status == 200 && reply.ok)
	{
		attempt.result = RetryPolicy::Attempt::DELIVERED;
	}
	else if (response.status == 429)
	{
		attempt.result = RetryPolicy::Attempt::RETRY;
		long long seconds = reply.retryAfter;
		int header = 0;
		if (seconds <= 0 && Poco::NumberParser::tryParse(response.headers.get("Retry-After", ""), header)) seconds = header;
		if (seconds > 0) attempt.serverDelay = Poco::Timespan(static_cast<long>(seconds), 0);
	}
	else if (response.status >= 500)
	{
		attempt.result = RetryPolicy::Attempt::RETRY;
	}
	else if (response.status == 400 && reply.migrateTo != 0 && std::to_string(reply.migrateTo) != chatId)
	{
		// The group became a supergroup with a new id; the old one is dead for good.
		_logger.warning("telegram: chat %s moved to %s; update allowed_user_ids", chatId, std::to_string(reply.migrateTo));
		chatId = std::to_string(reply.migrateTo);
		attempt.result = RetryPolicy::Attempt::RETRY;
		attempt.serverDelay = Poco::Timespan(0, 1);
	}
	return attempt;
}

} // namespace Sygen
