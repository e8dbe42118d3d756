//
// HMACDigest.cpp
//

#include "Sygen/Auth/HMACDigest.h"
#include <Poco/Exception.h>
#include <Poco/String.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace Sygen {

namespace {

const EVP_MD* digestFor(const std::string& algorithm)
{
	const std::string name = Poco::toLower(algorithm);
	if (name == "sha256") return EVP_sha256();
	if (name == "sha1") return EVP_sha1();
	if (name == "sha512") return EVP_sha512();
	return nullptr;
}

const char BASE64_ALPHABET[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64Value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
}

} // namespace

bool HMACDigest::isSupported(const std::string& algorithm)
{
	return digestFor(algorithm) != nullptr;
}

std::string HMACDigest::compute(const std::string& algorithm, const std::string& key, const std::string& data)
{
	const EVP_MD* md = digestFor(algorithm);
	if (!md) throw Poco::InvalidArgumentException("unsupported HMAC algorithm", algorithm);

	unsigned char out[EVP_MAX_MD_SIZE];
	unsigned int outLength = 0;
	// OpenSSL wants a non-null key pointer even for an empty key.
	static const unsigned char emptyKey = 0;
	const void* keyData = key.empty() ? static_cast<const void*>(&emptyKey) : static_cast<const void*>(key.data());
	if (!HMAC(md, keyData, static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &outLength))
	{
		throw Poco::SystemException("HMAC computation failed");
	}
	return std::string(reinterpret_cast<const char*>(out), outLength);
}

std::string HMACDigest::toHex(const std::string& bytes)
{
	static const char digits[] = "0123456789abcdef";
	std::string hex;
	hex.reserve(bytes.size() * 2);
	for (unsigned char c: bytes)
	{
		hex += digits[c >> 4];
		hex += digits[c & 0x0F];
	}
	return hex;
}

std::string HMACDigest::toBase64(const std::string& bytes)
{
	std::string out;
	out.reserve((bytes.size() + 2) / 3 * 4);
	std::size_t i = 0;
	for (; i + 2 < bytes.size(); i += 3)
	{
		const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
			static_cast<unsigned char>(bytes[i + 2]);
		out += BASE64_ALPHABET[(v >> 18) & 0x3F];
		out += BASE64_ALPHABET[(v >> 12) & 0x3F];
		out += BASE64_ALPHABET[(v >> 6) & 0x3F];
		out += BASE64_ALPHABET[v & 0x3F];
	}
	const std::size_t rest = bytes.size() - i;
	if (rest == 1)
	{
		const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
		out += BASE64_ALPHABET[(v >> 18) & 0x3F];
		out += BASE64_ALPHABET[(v >> 12) & 0x3F];
		out += "==";
	}
	else if (rest == 2)
	{
		const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
		out += BASE64_ALPHABET[(v >> 18) & 0x3F];
		out += BASE64_ALPHABET[(v >> 12) & 0x3F];
		out += BASE64_ALPHABET[(v >> 6) & 0x3F];
		out += '=';
	}
	return out;
}

std::string HMACDigest::fromBase64(const std::string& text)
{
	// Our own strict decoder: Poco's Base64Decoder skips characters it does not
	// know, which would let a mistyped secret decode to a different key silently.
	std::size_t length = text.size();
	std::size_t padding = 0;
	while (length > 0 && text[length - 1] == '=' && padding < 2)
	{
		--length;
		++padding;
	}
	if (padding > 0 && text.size() % 4 != 0) throw Poco::DataFormatException("base64: bad padding");
	if (length % 4 == 1) throw Poco::DataFormatException("base64: bad length");

	std::string out;
	out.reserve(length / 4 * 3 + 2);
	unsigned buffer = 0;
	int bits = 0;
	for (std::size_t i = 0; i < length; ++i)
	{
		const int v = base64Value(static_cast<unsigned char>(text[i]));
		if (v < 0) throw Poco::DataFormatException("base64: invalid character");
		buffer = (buffer << 6) | static_cast<unsigned>(v);
		bits += 6;
		if (bits >= 8)
		{
			bits -= 8;
			out += static_cast<char>((buffer >> bits) & 0xFF);
		}
	}
	return out;
}

} // namespace Sygen
