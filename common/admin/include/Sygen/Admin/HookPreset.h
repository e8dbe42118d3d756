//
// HookPreset.h
//
// Library: Sygen/Admin
//
// The sender presets of sygen-webhookctl (SPEC §6, last paragraph).
//

#ifndef Sygen_Admin_HookPreset_INCLUDED
#define Sygen_Admin_HookPreset_INCLUDED

#include <Poco/JSON/Object.h>
#include <string>
#include <vector>

namespace Sygen {

class HookPreset
/// Fills the authentication fields of a hook for a well-known sender:
///
///   github             hmac, X-Hub-Signature-256, sha256, hex, prefix "sha256=",
///                      dedupe_header X-GitHub-Delivery
///   stripe             hmac, Stripe-Signature, sha256, hex, prefix "",
///                      sig regex v1=([a-f0-9]+), payload regex t=(\d+),
///                      hmac_tolerance_seconds 300
///   shopify            hmac, X-Shopify-Hmac-Sha256, sha256, base64, prefix ""
///   standard-webhooks  standard_webhooks, dedupe_header webhook-id
///
/// Every preset sets all of auth_mode, hmac_header, hmac_algorithm,
/// hmac_encoding, hmac_sig_prefix, hmac_sig_regex, hmac_payload_prefix_regex,
/// hmac_tolerance_seconds and dedupe_header (null where the sender has none), so
/// that switching a hook from one preset to another leaves nothing behind.
/// Secrets are never part of a preset.
///
/// Refused, because the current hook fields cannot express the sender's scheme:
///   slack   signs "v0:<timestamp>:<body>" with the timestamp in its own header
///           (X-Slack-Request-Timestamp); hmac_payload_prefix_regex only searches
///           the signature header, and the separator is ":" not ".".
///   gitlab  sends a plain shared token in X-Gitlab-Token: neither an HMAC
///           signature nor an "Authorization: Bearer" header.
///
/// Thread-safe (static methods, no state).
{
public:
	static const std::vector<std::string>& names();
	/// The accepted presets, in the order above.

	static void apply(const std::string& name, Poco::JSON::Object& fields);
	/// Sets the preset's fields in fields, except those already present there (an
	/// explicit option wins over the preset). name is case-insensitive and "_" may
	/// stand for "-". Throws Poco::NotImplementedException with an explanation for
	/// slack and gitlab, Poco::InvalidArgumentException for an unknown name.
};

} // namespace Sygen

#endif // Sygen_Admin_HookPreset_INCLUDED
