//
// GeminiOutputParser.cpp
//

#include "GeminiOutputParser.h"
#include "OutputParser.h"
#include <Poco/JSON/Array.h>

namespace Sygen {

namespace {

std::string errorMessage(const Poco::JSON::Object& obj)
{
	Poco::JSON::Object::Ptr error = obj.getObject("error");
	if (!error || !error->has("message")) return "";
	return OutputParser::textOf(error->get("message"));
}

bool isObject(const Poco::Dynamic::Var& v)
{
	return v.type() == typeid(Poco::JSON::Object::Ptr);
}

} // namespace

std::string GeminiOutputParser::parse(const std::string& stdoutBytes, const std::string& stderrBytes, int exitCode)
{
	std::string text = fromStdout(OutputParser::clean(stdoutBytes));
	if (!text.empty() || exitCode == 0) return text;
	return fromStderr(OutputParser::clean(stderrBytes));
}

std::string GeminiOutputParser::textOfObject(const Poco::JSON::Object& obj)
{
	for (const char* key: {"result", "response", "content", "output"})
	{
		if (obj.has(key) && !obj.isNull(key)) return OutputParser::textOf(obj.get(key));
	}
	return errorMessage(obj);
}

std::string GeminiOutputParser::fromStdout(const std::string& text)
{
	Poco::Dynamic::Var json = OutputParser::parseJson(text);
	std::string result;
	if (isObject(json))
	{
		result = textOfObject(*json.extract<Poco::JSON::Object::Ptr>());
	}
	else if (json.type() == typeid(Poco::JSON::Array::Ptr))
	{
		Poco::JSON::Array::Ptr items = json.extract<Poco::JSON::Array::Ptr>();
		for (size_t i = 0; i < items->size(); ++i)
		{
			Poco::JSON::Object::Ptr obj = items->getObject(static_cast<unsigned>(i));
			std::string part = obj ? OutputParser::trim(textOfObject(*obj)) : "";
			if (part.empty()) continue;
			if (!result.empty()) result += "\n\n";
			result += part;
		}
	}
	result = OutputParser::trim(result);
	if (result.empty()) return OutputParser::firstCharacters(text, OutputParser::RAW_TEXT_LIMIT);
	return result;
}

std::string GeminiOutputParser::fromStderr(const std::string& text)
{
	// The error object follows plain warning lines; try each line that opens an object.
	size_t pos = 0;
	while (pos < text.size())
	{
		if (text[pos] == '{')
		{
			Poco::Dynamic::Var json = OutputParser::parseJson(OutputParser::trim(text.substr(pos)));
			if (isObject(json))
			{
				std::string message = OutputParser::trim(errorMessage(*json.extract<Poco::JSON::Object::Ptr>()));
				if (!message.empty()) return message;
			}
		}
		size_t newline = text.find('\n', pos);
		if (newline == std::string::npos) break;
		pos = newline + 1;
	}
	return OutputParser::lastCharacters(text, OutputParser::RAW_TEXT_LIMIT);
}

} // namespace Sygen
