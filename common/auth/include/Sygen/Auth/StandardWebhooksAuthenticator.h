//
// StandardWebhooksAuthenticator.h
//
// Library: Sygen/Auth
//
// SPEC §6 [beyond], Standard Webhooks (https://www.standardwebhooks.com/).
//

#ifndef Sygen_Auth_StandardWebhooksAuthenticator_INCLUDED
#define Sygen_Auth_StandardWebhooksAuthenticator_INCLUDED

#include "Sygen/Auth/RequestView.h"
#include "Sygen/Hooks/Hook.h"
#include <string>

namespace Sygen {

class StandardWebhooksAuthenticator
/// Verifies the `webhook-id`, `webhook-timestamp` and `webhook-signature` headers.
///
/// The key is hook.hmacSecret: "whsec_" followed by base64 of the key bytes. A
/// secret without the prefix is decoded as base64 as a whole (as the reference
/// libraries do). The signed content is "<id>.<timestamp>.<body>", HMAC-SHA256;
/// the header holds space-separated "v1,<base64>" entries (several during a key
/// rotation), any of which may match; other versions are ignored.
/// The timestamp (decimal Unix seconds) must be within hook.hmacToleranceSeconds
/// (when > 0) or DEFAULT_TOLERANCE_SECONDS of now.
{
public:
	static constexpr long long DEFAULT_TOLERANCE_SECONDS = 300;

	static bool authenticate(const Hook& hook, const RequestView& request);
	/// True when a v1 signature matches and the timestamp is fresh. Missing or
	/// empty headers, non-ASCII values, a malformed timestamp: false. An empty or
	/// undecodable secret: false and an error log naming the hook id.
	/// Never throws. Thread-safe.

	static std::string decodeSecret(const std::string& secret);
	/// The key bytes of a "whsec_<base64>" (or bare base64) secret.
	/// Throws Poco::DataFormatException when it is not valid base64 or is empty.

	static std::string sign(const std::string& key, const std::string& id, const std::string& timestamp, const std::string& body);
	/// Base64 HMAC-SHA256 of "<id>.<timestamp>.<body>" under the decoded key.
};

} // namespace Sygen

#endif // Sygen_Auth_StandardWebhooksAuthenticator_INCLUDED
