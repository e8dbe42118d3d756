//
// HMACAuthenticator.h
//
// Library: Sygen/Auth
//
// SPEC §6, HMAC mode (GitHub, Stripe, Shopify and similar senders).
//

#ifndef Sygen_Auth_HMACAuthenticator_INCLUDED
#define Sygen_Auth_HMACAuthenticator_INCLUDED

#include "Sygen/Auth/RequestView.h"
#include "Sygen/Hooks/Hook.h"
#include <string>

namespace Sygen {

class HMACAuthenticator
/// Verifies an HMAC signature over the raw body bytes, configured by the hook's
/// hmac_* fields.
///
/// Both regexes (PCRE, unanchored search) are applied to the value of the
/// signature header: hmac_sig_regex's group 1 is the signature;
/// hmac_payload_prefix_regex's group 1 (e.g. Stripe's `t=(\d+)`) is prepended
/// with "." to the body before signing. Compiled regexes are cached by pattern
/// text (bounded, shared by all threads).
///
/// A bad hook definition (empty secret or header name, unknown algorithm or
/// encoding, invalid regex, regex without a group, tolerance without a payload
/// regex) is rejected and logged at error level on logger "Sygen.Auth", naming
/// the hook id but never the secret.
{
public:
	static bool authenticate(const Hook& hook, const RequestView& request);
	/// SPEC §6 HMAC steps 1-6:
	///   1. header hook.hmacHeader (case-insensitive); missing or empty value, or an
	///      empty secret: false. A non-ASCII value: false.
	///   2. signature: group 1 of hmac_sig_regex (no match or empty group: false),
	///      else the value with hmac_sig_prefix removed when it starts with it,
	///      else the whole value.
	///   3. signed bytes: body, or group 1 + "." + body with the payload-prefix
	///      regex; that regex set but not matching: false.
	///   4. HMAC (sha1/sha256/sha512, case-insensitive) with the secret's bytes,
	///      encoded as lowercase hex or padded standard base64 (hmac_encoding
	///      "hex" or "base64", case-insensitive; anything else: false + log).
	///   5. constant-time, exact comparison (an uppercase hex signature fails).
	///   6. hmac_tolerance_seconds > 0: the payload-prefix group 1 must be decimal
	///      Unix seconds within that many seconds of request.now().
	/// Never throws. Thread-safe.

	static std::string sign(const Hook& hook, const std::string& signedBytes);
	/// The encoded signature the authenticator expects for signedBytes (the body,
	/// or "<prefix>." + body), using the hook's algorithm, encoding and secret.
	/// Throws Poco::InvalidArgumentException for an empty secret or an unknown
	/// algorithm or encoding. Thread-safe.
};

} // namespace Sygen

#endif // Sygen_Auth_HMACAuthenticator_INCLUDED
