//
// WebhookSigner.h
//
// Library: Sygen/Auth
//
// The sending side of SPEC §6: the headers a real sender would attach, for
// `sygen-webhookctl hooks test` and for the signed result callback (§12).
//

#ifndef Sygen_Auth_WebhookSigner_INCLUDED
#define Sygen_Auth_WebhookSigner_INCLUDED

#include "Sygen/Hooks/Hook.h"
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Timestamp.h>
#include <string>

namespace Sygen {

class WebhookSigner
/// Produces authentication headers for a body. Thread-safe (static methods only).
{
public:
	static Poco::Net::NameValueCollection sign(
		const Hook& hook, const std::string& body, const std::string& globalToken, Poco::Timestamp now);
	/// Returns the headers authenticating body for hook at time now:
	///   - bearer (and unknown modes): Authorization: Bearer <hook token or global>.
	///   - hmac: hook.hmacHeader. Without a payload-prefix regex the value is
	///     hmac_sig_prefix + signature (GitHub, Shopify, sha1 shapes); with one the
	///     timestamp `now` is signed as "<ts>." + body and the value is the Stripe
	///     shape "t=<ts>,v1=<sig>". When the hook's sig regex cannot extract the
	///     signature from these shapes, other simple shapes are tried.
	///   - standard_webhooks: see signStandardWebhooks(), with a fresh message id.
	/// Every produced header is verified with the matching authenticator before it
	/// is returned.
	/// Throws Poco::InvalidArgumentException when the hook cannot be signed (no
	/// token or secret, unknown algorithm or encoding, invalid secret), and
	/// Poco::NotImplementedException when no header shape satisfies the hook's
	/// regexes.

	static Poco::Net::NameValueCollection signStandardWebhooks(
		const std::string& secret, const std::string& messageId, const std::string& body, Poco::Timestamp now);
	/// Returns webhook-id (messageId), webhook-timestamp (Unix seconds of now) and
	/// webhook-signature ("v1,<base64>") for a "whsec_..." (or bare base64) secret.
	/// Throws Poco::DataFormatException for an invalid secret.

	static std::string newMessageId();
	/// A fresh random id of the form "msg_<32 hex digits>".
};

} // namespace Sygen

#endif // Sygen_Auth_WebhookSigner_INCLUDED
