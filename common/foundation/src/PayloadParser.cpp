//
// PayloadParser.cpp
//

#include "Sygen/Foundation/PayloadParser.h"
#include "Sygen/Foundation/PayloadTreeBuilder.h"
#include "Sygen/Foundation/PlainJSONScanner.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/UTF8String.h>

namespace Sygen {

namespace {

bool isNumberChar(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '+' || c == '-';
}

bool isIntegerLiteral(const std::string& token)
{
	std::size_t start = token[0] == '-' ? 1 : 0;
	if (start == token.size()) return false;
	if (token[start] == '0' && token.size() > start + 1) return false;
	return token.find_first_not_of("0123456789", start) == std::string::npos;
}

bool fitsMachineInteger(const std::string& literal)
{
	bool negative = literal[0] == '-';
	std::size_t digits = literal.size() - (negative ? 1 : 0);
	const std::string limit = negative ? "9223372036854775808" : "18446744073709551615";
	if (digits != limit.size()) return digits < limit.size();
	return literal.compare(negative ? 1 : 0, std::string::npos, limit) <= 0;
}

} // namespace

std::string PayloadParser::quoteBigIntegers(const std::string& text, std::set<std::size_t>& ordinals)
{
	std::string out;
	out.reserve(text.size() + 16);
	std::size_t strings = 0;
	bool inString = false;
	bool escaped = false;
	for (std::size_t i = 0; i < text.size(); ++i)
	{
		char c = text[i];
		if (inString)
		{
			if (escaped) escaped = false;
			else if (c == '\\') escaped = true;
			else if (c == '"') inString = false;
			out += c;
			continue;
		}
		if (c == '"')
		{
			++strings;
			inString = true;
		}
		if (!isNumberChar(c) || (i > 0 && isNumberChar(text[i - 1])))
		{
			out += c;
			continue;
		}
		std::size_t end = i;
		while (end < text.size() && isNumberChar(text[end])) ++end;
		std::string token = text.substr(i, end - i);
		if (isIntegerLiteral(token) && !fitsMachineInteger(token))
		{
			ordinals.insert(strings++);
			out += '"' + token + '"';
		}
		else
		{
			out += token;
		}
		i = end - 1;
	}
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
		// Poco 1.11 reads an integer as Int64, else UInt64, and wraps or refuses
		// what neither holds; the sender's text of such an integer is kept instead.
		std::set<std::size_t> bigIntegers;
		std::string quoted = quoteBigIntegers(text, bigIntegers);
		Poco::JSON::Parser parser(new PayloadTreeBuilder(bigIntegers));
		// Poco stops at 128 levels by default; withinDepth() has already enforced
		// MAX_DEPTH, and the ingress, the dispatch and the worker must all agree on
		// it, or a job answered 202 could not be parsed at dispatch.
		parser.setDepth(static_cast<std::size_t>(MAX_DEPTH) + 1);
		value = parser.parse(quoted);
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
