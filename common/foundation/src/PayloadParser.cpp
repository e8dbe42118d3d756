//
// PayloadParser.cpp
//

#include "Sygen/Foundation/PayloadParser.h"
#include "Sygen/Foundation/PlainJSONScanner.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/UTF8String.h>

namespace Sygen {

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
		value = parser.parse(text);
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
