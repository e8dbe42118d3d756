//
// TokenGenerator.h
//
// Library: Sygen/Foundation
//

#ifndef Sygen_Foundation_TokenGenerator_INCLUDED
#define Sygen_Foundation_TokenGenerator_INCLUDED

#include <string>

namespace Sygen {

class TokenGenerator
/// Fresh bearer tokens: 32 bytes from the kernel's CSPRNG (getrandom(2)),
/// URL-safe base64 without padding, i.e. 43 characters of [A-Za-z0-9_-].
{
public:
	static constexpr std::size_t TOKEN_BYTES = 32;
	static constexpr std::size_t TOKEN_LENGTH = 43;

	static std::string generate();
	/// Returns a new token. Throws Poco::SystemException when the kernel
	/// cannot supply random bytes (never falls back to a weak generator).
	/// Thread-safe.

	static std::string encode(const unsigned char* bytes, std::size_t length);
	/// URL-safe base64 of bytes without padding.
};

} // namespace Sygen

#endif // Sygen_Foundation_TokenGenerator_INCLUDED
