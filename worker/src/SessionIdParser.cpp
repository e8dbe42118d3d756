//
// SessionIdParser.cpp
//

#include "SessionIdParser.h"
#include "OutputParser.h"
#include <Poco/JSON/Object.h>
#include <Poco/String.h>
#include <sstream>

namespace Sygen {

namespace {

std::string stringField(const Poco::Dynamic::Var& value, const std::string& key)
{
	if (value.type() != typeid(Poco::JSON::Object::Ptr)) return "";
	Poco::JSON::Object::Ptr obj = value.extract<Poco::JSON::Object::Ptr>();
	if (!obj || !obj->has(key)) return "";
	Poco::Dynamic::Var field = obj->get(key);
	return field.isString() ? field.extract<std::string>() : std::string();
}

std::string fromJSONObject(const std::string& text)
{
	std::string id = stringField(OutputParser::parseJson(OutputParser::trim(text)), "session_id");
	if (!id.empty()) return id;
	// gemini may print a warning line before its JSON object (samples in cli-samples/).
	std::size_t brace = text.find("\n{");
	return brace == std::string::npos ? "" : stringField(OutputParser::parseJson(OutputParser::trim(text.substr(brace + 1))), "session_id");
}

std::string fromCodexEvents(const std::string& text)
{
	std::istringstream lines(text);
	std::string line;
	while (std::getline(lines, line))
	{
		Poco::Dynamic::Var event = OutputParser::parseJson(line);
		if (stringField(event, "type") == "thread.started") return stringField(event, "thread_id");
	}
	return "";
}

bool contains(const std::string& haystack, const std::string& needle)
{
	return Poco::toLower(haystack).find(Poco::toLower(needle)) != std::string::npos;
}

} // namespace

std::string SessionIdParser::parse(const std::string& provider, const std::string& stdoutBytes, const std::string& stderrBytes)
{
	if (provider == "codex") return fromCodexEvents(stdoutBytes);
	std::string id = fromJSONObject(stdoutBytes);
	if (id.empty() && provider == "gemini") id = fromJSONObject(stderrBytes);
	return id;
}

bool SessionIdParser::isUnknownSession(const std::string& provider, const std::string& stdoutBytes, const std::string& stderrBytes)
{
	const std::string all = stdoutBytes + "\n" + stderrBytes;
	if (provider == "codex") return contains(all, "no rollout found");
	if (provider == "gemini") return contains(all, "Error resuming session");
	return contains(all, "No conversation found with session ID");
}

} // namespace Sygen
