//
// MessageSplitter.cpp
//

#include "Sygen/Foundation/MessageSplitter.h"
#include <Poco/Exception.h>

namespace Sygen {

std::size_t MessageSplitter::sequenceLength(const std::string& text, std::size_t pos)
{
	const unsigned char lead = static_cast<unsigned char>(text[pos]);
	std::size_t length = 1;
	if (lead >= 0xF0 && lead <= 0xF4) length = 4;
	else if (lead >= 0xE0) length = lead <= 0xEF ? 3 : 1;
	else if (lead >= 0xC2) length = 2;
	if (pos + length > text.size()) return 1;
	for (std::size_t i = 1; i < length; ++i)
	{
		if ((static_cast<unsigned char>(text[pos + i]) & 0xC0) != 0x80) return 1;
	}
	return length;
}

std::size_t MessageSplitter::characters(const std::string& text)
{
	std::size_t count = 0;
	for (std::size_t pos = 0; pos < text.size(); pos += sequenceLength(text, pos)) ++count;
	return count;
}

std::vector<std::string> MessageSplitter::split(const std::string& text, std::size_t maxCharacters)
{
	if (maxCharacters == 0) throw Poco::InvalidArgumentException("MessageSplitter: maxCharacters must be positive");
	std::vector<std::string> parts;
	std::size_t start = 0;
	while (start < text.size())
	{
		std::size_t end = start;
		for (std::size_t n = 0; n < maxCharacters && end < text.size(); ++n) end += sequenceLength(text, end);
		parts.push_back(text.substr(start, end - start));
		start = end;
	}
	return parts;
}

} // namespace Sygen
