//
// ClaudeOutputParser.cpp
//

#include "ClaudeOutputParser.h"
#include "OutputParser.h"
#include <Poco/JSON/Object.h>

namespace Sygen {

std::string ClaudeOutputParser::parse(const std::string& stdoutBytes)
{
	std::string text = OutputParser::clean(stdoutBytes);
	Poco::Dynamic::Var json = OutputParser::parseJson(text);
	if (json.type() == typeid(Poco::JSON::Object::Ptr))
	{
		Poco::JSON::Object::Ptr obj = json.extract<Poco::JSON::Object::Ptr>();
		return obj->has("result") ? OutputParser::trim(OutputParser::textOf(obj->get("result"))) : "";
	}
	return OutputParser::firstCharacters(text, OutputParser::RAW_TEXT_LIMIT);
}

} // namespace Sygen
