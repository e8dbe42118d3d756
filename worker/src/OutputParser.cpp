//
// OutputParser.cpp
//

#include "OutputParser.h"
#include "Sygen/Foundation/JSONFields.h"
#include "Sygen/Foundation/PayloadParser.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

namespace Sygen {

namespace {

const char REPLACEMENT[] = "\xEF\xBF\xBD";

bool isContinuation(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

bool describeLead(unsigned char c, int& need, unsigned char& lo, unsigned char& hi)
/// For a multi-byte lead byte: how many continuation bytes follow and the range
/// allowed for the first one (excluding overlong forms, surrogates, > U+10FFFF).
{
	lo = 0x80;
	hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF) need = 1;
	else if (c == 0xE0)
	{
		need = 2;
		lo = 0xA0;
	}
	else if (c == 0xED)
	{
		need = 2;
		hi = 0x9F;
	}
	else if (c >= 0xE1 && c <= 0xEF) need = 2;
	else if (c == 0xF0)
	{
		need = 3;
		lo = 0x90;
	}
	else if (c == 0xF4)
	{
		need = 3;
		hi = 0x8F;
	}
	else if (c >= 0xF1 && c <= 0xF3) need = 3;
	else return false;
	return true;
}

size_t acceptedPrefix(const std::string& s, size_t i, int need, unsigned char lo, unsigned char hi)
/// The lead byte plus the continuation bytes accepted before the sequence ends or breaks.
{
	size_t n = 1;
	for (int k = 1; k <= need && i + k < s.size(); ++k)
	{
		unsigned char d = static_cast<unsigned char>(s[i + k]);
		if (k == 1 ? (d < lo || d > hi) : !isContinuation(d)) break;
		++n;
	}
	return n;
}

} // namespace

std::string OutputParser::clean(const std::string& bytes)
{
	return trim(sanitizeUtf8(bytes));
}

std::string OutputParser::sanitizeUtf8(const std::string& bytes)
{
	std::string out;
	out.reserve(bytes.size());
	size_t i = 0;
	while (i < bytes.size())
	{
		unsigned char c = static_cast<unsigned char>(bytes[i]);
		int need = 0;
		unsigned char lo, hi;
		if (c < 0x80)
		{
			out += static_cast<char>(c);
			++i;
			continue;
		}
		bool lead = describeLead(c, need, lo, hi);
		size_t n = lead ? acceptedPrefix(bytes, i, need, lo, hi) : 1;
		if (lead && n == static_cast<size_t>(need) + 1) out.append(bytes, i, n);
		else out += REPLACEMENT;
		i += n;
	}
	return out;
}

std::string OutputParser::trim(const std::string& text)
{
	static const char WHITESPACE[] = " \t\n\r\f\v";
	size_t begin = text.find_first_not_of(WHITESPACE);
	if (begin == std::string::npos) return "";
	size_t end = text.find_last_not_of(WHITESPACE);
	return text.substr(begin, end - begin + 1);
}

std::string OutputParser::firstCharacters(const std::string& text, size_t count)
{
	size_t chars = 0;
	for (size_t i = 0; i < text.size(); ++i)
	{
		if (!isContinuation(static_cast<unsigned char>(text[i])))
		{
			if (chars == count) return text.substr(0, i);
			++chars;
		}
	}
	return text;
}

std::string OutputParser::lastCharacters(const std::string& text, size_t count)
{
	size_t chars = 0;
	for (size_t i = text.size(); i > 0; --i)
	{
		if (!isContinuation(static_cast<unsigned char>(text[i - 1])))
		{
			if (++chars == count) return text.substr(i - 1);
		}
	}
	return text;
}

Poco::Dynamic::Var OutputParser::parseJson(const std::string& text)
{
	if (text.empty()) return Poco::Dynamic::Var();
	// Poco's parser recurses: output nested absurdly deep is treated as not JSON
	// rather than allowed to exhaust the worker's stack.
	if (!PayloadParser::withinDepth(text, PayloadParser::MAX_DEPTH)) return Poco::Dynamic::Var();
	try
	{
		Poco::JSON::Parser parser;
		return parser.parse(text);
	}
	catch (Poco::Exception&)
	{
		// Not JSON: callers fall back to the raw text.
		return Poco::Dynamic::Var();
	}
	catch (std::exception&)
	{
		// Some malformed input (bad escapes, bad UTF-8) is reported with standard exceptions.
		return Poco::Dynamic::Var();
	}
}

std::string OutputParser::textOf(const Poco::Dynamic::Var& value)
{
	if (value.isEmpty()) return "";
	if (value.isString()) return value.extract<std::string>();
	return JSONFields::compact(value);
}

std::string OutputParser::stringField(const Poco::Dynamic::Var& value, const std::string& key)
{
	if (value.type() != typeid(Poco::JSON::Object::Ptr)) return "";
	Poco::JSON::Object::Ptr obj = value.extract<Poco::JSON::Object::Ptr>();
	if (!obj || !obj->has(key)) return "";
	Poco::Dynamic::Var field = obj->get(key);
	return field.isString() ? field.extract<std::string>() : std::string();
}

std::string OutputParser::sessionIdOfObject(const std::string& text)
{
	std::string id = stringField(parseJson(trim(text)), "session_id");
	if (!id.empty()) return id;
	std::size_t brace = text.find("\n{");
	return brace == std::string::npos ? "" : stringField(parseJson(trim(text.substr(brace + 1))), "session_id");
}

bool OutputParser::containsIgnoringCase(const std::string& haystack, const std::string& needle)
{
	return Poco::toLower(haystack).find(Poco::toLower(needle)) != std::string::npos;
}

} // namespace Sygen
