//
// TelegramTransport.h
//
// Library: Sygen/Delivery
//
// Sends text to a Telegram chat with the Bot API's sendMessage (SPEC §11, §12).
//

#ifndef Sygen_Delivery_TelegramTransport_INCLUDED
#define Sygen_Delivery_TelegramTransport_INCLUDED

#include "Sygen/Delivery/HTTPClient.h"
#include "Sygen/Foundation/RetryPolicy.h"
#include <Poco/Logger.h>
#include <string>

namespace Sygen {

class TelegramTransport
/// POSTs {"chat_id", "text"} to <api_base>/bot<token>/sendMessage, text cut into
/// parts of MESSAGE_LIMIT UTF-16 code units (as Telegram counts its limit; an emoji
/// counts 2) sent in order. Plain text: no parse_mode, so
/// Markdown-looking text arrives exactly as written and can never be rejected
/// for bad markup.
///
/// Failures: no response and HTTP 5xx are retried with backoff; 429 waits
/// parameters.retry_after (else the Retry-After header); other answers are
/// final (400 chat not found, 401 bad token, 403 bot blocked). A group that
/// became a supergroup (400 with parameters.migrate_to_chat_id) is followed
/// once. All bounded by the RetryPolicy.
///
/// The URL holds the bot token, so it never appears in a log line or an
/// exception; the token is registered with Logging::addSecret() as well.
/// Thread-safe: send() may run in several threads at once.
{
public:
	static constexpr std::size_t MESSAGE_LIMIT = 4096;

	TelegramTransport(const std::string& apiBase, const std::string& token, const RetryPolicy& policy = RetryPolicy(),
		const HTTPClient& http = HTTPClient());
	/// apiBase: e.g. "https://api.telegram.org" (a trailing '/' is ignored).

	bool configured() const;
	/// True when a token is set.

	bool send(const std::string& chatId, const std::string& text, const std::string& hookId = "", const std::string& jobId = "") const;
	/// Sends text (nothing for empty text, which counts as sent) and returns true
	/// when Telegram accepted every part. A part that fails for good stops the
	/// rest: later parts out of context would confuse more than help. Never
	/// throws; each failure is logged with the hook and job ids.

private:
	RetryPolicy::Attempt sendPart(std::string& chatId, const std::string& part) const;
	std::string methodUrl() const;

	std::string _apiBase;
	std::string _token;
	RetryPolicy _policy;
	HTTPClient _http;
	Poco::Logger& _logger;
};

} // namespace Sygen

#endif // Sygen_Delivery_TelegramTransport_INCLUDED
