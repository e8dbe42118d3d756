//
// TokenGenerator.cpp
//

#include "Sygen/Foundation/TokenGenerator.h"
#include <Poco/Exception.h>
#include <cerrno>
#include <cstring>
#include <sys/random.h>

namespace Sygen {

std::string TokenGenerator::generate()
{
	unsigned char bytes[TOKEN_BYTES];
	std::size_t filled = 0;
	while (filled < TOKEN_BYTES)
	{
		ssize_t n = ::getrandom(bytes + filled, TOKEN_BYTES - filled, 0);
		if (n < 0)
		{
			if (errno == EINTR) continue;
			throw Poco::SystemException(std::string("getrandom: ") + std::strerror(errno), errno);
		}
		filled += static_cast<std::size_t>(n);
	}
	return encode(bytes, TOKEN_BYTES);
}

std::string TokenGenerator::encode(const unsigned char* bytes, std::size_t length)
{
	static const char ALPHABET[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	std::string out;
	out.reserve((length * 4 + 2) / 3);
	std::size_t i = 0;
	for (; i + 3 <= length; i += 3)
	{
		unsigned v = (unsigned(bytes[i]) << 16) | (unsigned(bytes[i + 1]) << 8) | bytes[i + 2];
		out += ALPHABET[(v >> 18) & 63];
		out += ALPHABET[(v >> 12) & 63];
		out += ALPHABET[(v >> 6) & 63];
		out += ALPHABET[v & 63];
	}
	std::size_t rest = length - i;
	if (rest > 0)
	{
		unsigned v = unsigned(bytes[i]) << 16;
		if (rest == 2) v |= unsigned(bytes[i + 1]) << 8;
		out += ALPHABET[(v >> 18) & 63];
		out += ALPHABET[(v >> 12) & 63];
		if (rest == 2) out += ALPHABET[(v >> 6) & 63];
	}
	return out;
}

} // namespace Sygen
