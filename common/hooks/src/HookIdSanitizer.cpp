//
// HookIdSanitizer.cpp
//

#include "Sygen/Hooks/HookIdSanitizer.h"
#include <Poco/Exception.h>
#include <Poco/TextIterator.h>
#include <Poco/UTF8Encoding.h>
#include <Poco/Unicode.h>

namespace Sygen {

std::string HookIdSanitizer::sanitize(const std::string& name)
{
	Poco::UTF8Encoding utf8;
	std::string id;
	bool lastWasDash = true; // also drops leading dashes
	for (Poco::TextIterator it(name, utf8), end(name); it != end; ++it)
	{
		// TextIterator yields -1 for invalid bytes; they become '-' like any other non-id character.
		int cp = *it;
		if (cp >= 0) cp = Poco::Unicode::toLower(cp);
		bool keep = (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9');
		if (keep)
		{
			id += static_cast<char>(cp);
			lastWasDash = false;
		}
		else if (!lastWasDash)
		{
			id += '-';
			lastWasDash = true;
		}
	}
	if (!id.empty() && id.back() == '-') id.pop_back();
	if (id.empty()) throw Poco::InvalidArgumentException("hook id from \"" + name + "\" is empty after sanitising");
	return id;
}

} // namespace Sygen
