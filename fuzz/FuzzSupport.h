//
// FuzzSupport.h
//
// Helpers shared by the libFuzzer targets in fuzz/ (scripts/fuzz.sh, docs/TESTING.md).
//

#ifndef Sygen_FuzzSupport_INCLUDED
#define Sygen_FuzzSupport_INCLUDED

#include <Poco/Logger.h>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace Sygen {
namespace Fuzz {

inline void silenceLogging()
/// The code under test logs bad input at error level; millions of log lines would
/// slow the fuzzer down and bury its own output.
{
	Poco::Logger::setLevel("", Poco::Message::PRIO_FATAL);
}

inline std::vector<std::string> split(const std::uint8_t* data, std::size_t size, std::size_t maxParts)
/// The input cut at NUL bytes into at most maxParts parts (the last one keeps any
/// further NULs). Seeds are easy to write this way: printf 'a\0b\0c'.
{
	std::vector<std::string> parts;
	std::string current;
	for (std::size_t i = 0; i < size; ++i)
	{
		if (data[i] == 0 && parts.size() + 1 < maxParts)
		{
			parts.push_back(current);
			current.clear();
		}
		else current.push_back(static_cast<char>(data[i]));
	}
	parts.push_back(current);
	return parts;
}

[[noreturn]] inline void fail(const char* what)
/// A property the code promises does not hold: make libFuzzer save the input.
{
	std::fprintf(stderr, "fuzz property violated: %s\n", what);
	std::abort();
}

inline bool isValidUtf8(const std::string& text)
{
	std::size_t i = 0;
	while (i < text.size())
	{
		unsigned char c = static_cast<unsigned char>(text[i]);
		std::size_t length;
		unsigned int cp;
		if (c < 0x80)
		{
			++i;
			continue;
		}
		else if ((c & 0xE0) == 0xC0)
		{
			length = 2;
			cp = c & 0x1F;
		}
		else if ((c & 0xF0) == 0xE0)
		{
			length = 3;
			cp = c & 0x0F;
		}
		else if ((c & 0xF8) == 0xF0)
		{
			length = 4;
			cp = c & 0x07;
		}
		else return false;
		if (i + length > text.size()) return false;
		for (std::size_t k = 1; k < length; ++k)
		{
			unsigned char d = static_cast<unsigned char>(text[i + k]);
			if ((d & 0xC0) != 0x80) return false;
			cp = (cp << 6) | (d & 0x3F);
		}
		static const unsigned int MIN_FOR_LENGTH[] = {0, 0, 0x80, 0x800, 0x10000};
		if (cp < MIN_FOR_LENGTH[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
		i += length;
	}
	return true;
}

}
} // namespace Sygen::Fuzz

#endif // Sygen_FuzzSupport_INCLUDED
