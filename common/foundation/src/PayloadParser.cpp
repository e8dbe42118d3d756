//
// PayloadParser.cpp
//

#include "Sygen/Foundation/PayloadParser.h"
#include "Sygen/Foundation/JSONBigInteger.h"
#include "Sygen/Foundation/PlainJSONScanner.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/UTF8String.h>
#include <Poco/UUIDGenerator.h>
#include <cctype>
#include <cstring>
#include <vector>

namespace Sygen {

namespace {

bool isDigit(char c)
{
	return c >= '0' && c <= '9';
}

char neighbour(const std::string& text, std::size_t pos, int step)
	/// The first non-space character from pos in direction step, or 0 at either end.
{
	for (std::size_t i = pos; i < text.size(); i += static_cast<std::size_t>(step))
	{
		if (!std::isspace(static_cast<unsigned char>(text[i]))) return text[i];
	}
	return 0;
}

void restoreBigIntegers(Poco::Dynamic::Var& value, const std::string& tag, const std::vector<std::string>& literals);

Poco::Dynamic::Var restored(const Poco::Dynamic::Var& value, const std::string& tag, const std::vector<std::string>& literals)
	/// value itself, or the big integer its placeholder string stands for.
{
	if (value.type() != typeid(std::string)) return value;
	const std::string& text = value.extract<std::string>();
	if (text.compare(0, tag.size(), tag) != 0) return value;
	std::size_t index = std::stoul(text.substr(tag.size()));
	return index < literals.size() ? Poco::Dynamic::Var(JSONBigInteger(literals[index])) : value;
}

void restoreBigIntegers(Poco::Dynamic::Var& value, const std::string& tag, const std::vector<std::string>& literals)
{
	if (value.type() == typeid(Poco::JSON::Object::Ptr))
	{
		Poco::JSON::Object::Ptr object = value.extract<Poco::JSON::Object::Ptr>();
		for (const std::string& name: object->getNames())
		{
			Poco::Dynamic::Var member = restored(object->get(name), tag, literals);
			restoreBigIntegers(member, tag, literals);
			object->set(name, member);
		}
	}
	else if (value.type() == typeid(Poco::JSON::Array::Ptr))
	{
		Poco::JSON::Array::Ptr array = value.extract<Poco::JSON::Array::Ptr>();
		for (unsigned i = 0; i < array->size(); ++i)
		{
			Poco::Dynamic::Var element = restored(array->get(i), tag, literals);
			restoreBigIntegers(element, tag, literals);
			array->set(i, element);
		}
	}
}

} // namespace

std::string PayloadParser::protectBigIntegers(const std::string& text, const std::string& tag, std::vector<std::string>& literals)
{
	std::string out;
	bool inString = false;
	bool escaped = false;
	std::size_t copied = 0;
	for (std::size_t i = 0; i < text.size(); ++i)
	{
		char c = text[i];
		if (inString)
		{
			if (escaped) escaped = false;
			else if (c == '\\') escaped = true;
			else if (c == '"') inString = false;
			continue;
		}
		if (c == '"')
		{
			inString = true;
			continue;
		}
		if (c != '-' && !isDigit(c)) continue;
		std::size_t end = i + (c == '-' ? 1 : 0);
		std::size_t digitsBegin = end;
		while (end < text.size() && isDigit(text[end])) ++end;
		bool integer = end > digitsBegin && (text[digitsBegin] != '0' || end == digitsBegin + 1)
			&& (end == text.size() || std::strchr(".eE", text[end]) == nullptr || text[end] == '\0');
		// Only a value position, where a string is valid exactly when the number is:
		// never a member name, which a string would make valid.
		char before = i == 0 ? 0 : neighbour(text, i - 1, -1);
		bool valuePosition = (before == 0 || before == ':' || before == '[' || before == ',') && neighbour(text, end, 1) != ':';
		if (integer && valuePosition && JSONBigInteger::exceedsPoco(text.data() + i, text.data() + end))
		{
			out.append(text, copied, i - copied);
			out += '"' + tag + std::to_string(literals.size()) + '"';
			literals.push_back(text.substr(i, end - i));
			copied = end;
		}
		i = end - 1;
	}
	if (literals.empty()) return text;
	out.append(text, copied, std::string::npos);
	return out;
}

bool PayloadParser::withinDepth(const std::string& text, int maxDepth)
{
	int depth = 0;
	bool inString = false;
	bool escaped = false;
	for (char c: text)
	{
		if (inString)
		{
			if (escaped) escaped = false;
			else if (c == '\\') escaped = true;
			else if (c == '"') inString = false;
			continue;
		}
		if (c == '"') inString = true;
		else if (c == '[' || c == '{')
		{
			if (++depth > maxDepth) return false;
		}
		else if (c == ']' || c == '}') --depth;
	}
	return true;
}

bool PayloadParser::tryParse(const std::string& text, Poco::Dynamic::Var& value)
{
	try
	{
		// Key order is kept so that objects render in a template as the sender wrote them.
		Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
		// Poco stops at 128 levels by default; withinDepth() has already enforced
		// MAX_DEPTH, and the ingress, the dispatch and the worker must all agree on
		// it, or a job answered 202 could not be parsed at dispatch.
		parser.setDepth(static_cast<std::size_t>(MAX_DEPTH) + 1);
		// Poco 1.11 refuses integers beyond UInt64 or wraps them to 0: they go
		// through the parser as placeholder strings, tagged with a value no sender
		// can guess, and come back as JSONBigInteger, kept exact.
		std::vector<std::string> literals;
		std::string tag = "sygen-bigint:" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString() + ":";
		std::string protectedText = protectBigIntegers(text, tag, literals);
		value = parser.parse(protectedText);
		if (!literals.empty())
		{
			value = restored(value, tag, literals);
			restoreBigIntegers(value, tag, literals);
		}
		return true;
	}
	catch (Poco::Exception&)
	{
		return false;
	}
	catch (std::exception&)
	{
		// The parser reports some malformed input (bad escapes, bad UTF-8) with
		// standard exceptions; all of it is invalid JSON to the sender.
		return false;
	}
}

PayloadParser::Outcome PayloadParser::parse(const std::string& body, Poco::JSON::Object::Ptr& payload)
{
	std::string text = body;
	Poco::UTF8::removeBOM(text);
	if (text.find_first_not_of(" \t\r\n") == std::string::npos) return INVALID_JSON;
	if (!withinDepth(text, MAX_DEPTH)) return INVALID_JSON;
	Poco::Dynamic::Var value;
	if (!tryParse(text, value))
	{
		// Poco's parser refuses a scalar at the top level ("1", "null"), which is
		// valid JSON: such a body is not invalid, it is not an object. Parsed as the
		// only element of an array, it tells the two apart.
		Poco::Dynamic::Var wrapped;
		if (!tryParse("[" + text + "]", wrapped)) return INVALID_JSON;
		Poco::JSON::Array::Ptr array = wrapped.extract<Poco::JSON::Array::Ptr>();
		return array->size() == 1 ? NOT_AN_OBJECT : INVALID_JSON;
	}
	if (value.type() != typeid(Poco::JSON::Object::Ptr)) return NOT_AN_OBJECT;
	payload = value.extract<Poco::JSON::Object::Ptr>();
	return OK;
}

PayloadParser::Outcome PayloadParser::check(const std::string& body)
{
	if (PlainJSONScanner::isPlainObject(body, MAX_DEPTH)) return OK;
	Poco::JSON::Object::Ptr payload;
	return parse(body, payload);
}

} // namespace Sygen
