//
// MatrixTransport.h
//
// Library: Sygen/Delivery
//
// Sends text to a Matrix room as an m.room.message event through the
// client-server API ([beyond] SPEC §11, §12).
//

#ifndef Sygen_Delivery_MatrixTransport_INCLUDED
#define Sygen_Delivery_MatrixTransport_INCLUDED

#include "Sygen/Delivery/HTTPClient.h"
#include "Sygen/Foundation/RetryPolicy.h"
#include <Poco/Logger.h>
#include <string>

namespace Sygen {

class MatrixTransport
/// PUT <homeserver>/_matrix/client/v3/rooms/<room>/send/m.room.message/<txn>
/// with {"msgtype": "m.text", "body": text} and "Authorization: Bearer <token>".
/// The room id is percent-encoded as one path segment. Each part gets its own
/// transaction id, kept across the retries of that part, so a retry after a
/// lost response never posts the message twice (the homeserver deduplicates
/// by transaction id).
///
/// Matrix has no character limit but a 64 KiB event size: parts of
/// MESSAGE_LIMIT characters stay below it in any script, JSON escaping included.
///
/// Failures: no response, 5xx and 429 (retry_after_ms, else Retry-After) are
/// retried within the RetryPolicy; other answers (401 unknown token, 403 not
/// in the room) are final. The access token is never logged and is registered
/// with Logging::addSecret(). Thread-safe.
{
public:
	static constexpr std::size_t MESSAGE_LIMIT = 8192;

	MatrixTransport(const std::string& homeserver, const std::string& accessToken, const RetryPolicy& policy = RetryPolicy(),
		const HTTPClient& http = HTTPClient());
	/// homeserver: base URL, e.g. "https://matrix.example.org" (a trailing '/' is ignored).

	bool configured() const;
	/// True when homeserver and access token are set.

	bool send(const std::string& roomId, const std::string& text, const std::string& hookId = "", const std::string& jobId = "") const;
	/// Sends text in order (nothing for empty text, which counts as sent).
	/// Returns true when every part was accepted; stops at the first part that
	/// fails for good. Never throws; failures are logged with the hook and job ids.

	static std::string encodePathSegment(const std::string& text);
	/// Percent-encodes every byte outside [A-Za-z0-9-._~].

	static std::string newTransactionId();
	/// A fresh id, unique across processes and restarts.

private:
	RetryPolicy::Attempt sendPart(const std::string& roomId, const std::string& txnId, const std::string& part) const;

	std::string _homeserver;
	std::string _accessToken;
	RetryPolicy _policy;
	HTTPClient _http;
	Poco::Logger& _logger;
};

} // namespace Sygen

#endif // Sygen_Delivery_MatrixTransport_INCLUDED
