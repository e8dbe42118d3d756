//
// HMACDigest.h
//
// Library: Sygen/Auth
//
// HMAC computation and the encodings signatures travel in, shared by the
// authenticators (receiving side) and WebhookSigner (sending side).
//

#ifndef Sygen_Auth_HMACDigest_INCLUDED
#define Sygen_Auth_HMACDigest_INCLUDED

#include <string>

namespace Sygen {

class HMACDigest
/// Static helpers around OpenSSL's HMAC. Poco 1.11's HMACEngine cannot be
/// instantiated with SHA2Engine (it lacks BLOCK_SIZE/DIGEST_SIZE), hence OpenSSL.
/// All methods are thread-safe.
{
public:
	static bool isSupported(const std::string& algorithm);
	/// True for "sha1", "sha256" and "sha512", in any letter case.

	static std::string compute(const std::string& algorithm, const std::string& key, const std::string& data);
	/// Returns the raw HMAC bytes of data under key (both taken as bytes; a UTF-8
	/// secret is used as its UTF-8 bytes). algorithm is case-insensitive.
	/// Throws Poco::InvalidArgumentException for an unsupported algorithm (the
	/// message names the algorithm, never the key).

	static std::string toHex(const std::string& bytes);
	/// Lowercase hexadecimal.

	static std::string toBase64(const std::string& bytes);
	/// Standard alphabet (RFC 4648 §4), padded with '=', no line breaks.

	static std::string fromBase64(const std::string& text);
	/// Decodes standard base64. Padding is optional; whitespace, the URL-safe
	/// alphabet and misplaced '=' are errors.
	/// Throws Poco::DataFormatException for malformed input.
};

} // namespace Sygen

#endif // Sygen_Auth_HMACDigest_INCLUDED
