//
// ClaudeProvider.cpp
//

#include "ClaudeProvider.h"
#include "OutputParser.h"
#include <Poco/JSON/Object.h>
#include <algorithm>

namespace Sygen {

namespace {

bool startsWith(const std::string& s, const std::string& prefix)
{
	return s.size() > prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

} // namespace

std::string ClaudeProvider::name() const
{
	return "claude";
}

CliCommand ClaudeProvider::command(const ExecutionConfig& config, const std::string& prompt) const
{
	CliCommand c;
	c.provider = name();
	c.argv = {"claude", "-p", "--output-format", "json", "--model", config.model,
		"--permission-mode", config.permissionMode, "--no-session-persistence"};
	c.argv.insert(c.argv.end(), config.cliParameters.begin(), config.cliParameters.end());
	// "--" keeps a prompt that starts with '-' from being read as an option.
	c.argv.push_back("--");
	c.argv.push_back(prompt);
	return c;
}

CliCommand ClaudeProvider::wakeCommand(const ExecutionConfig& config, const std::string& prompt, const std::string& sessionId) const
{
	CliCommand c = command(config, prompt);
	// Only the builder's own flag, which comes before the hook's cli_parameters.
	auto flag = std::find(c.argv.begin(), c.promptSeparator(), std::string("--no-session-persistence"));
	if (flag != c.promptSeparator()) c.argv.erase(flag);
	if (!sessionId.empty()) c.argv.insert(c.promptSeparator(), {"--resume", sessionId});
	return c;
}

std::string ClaudeProvider::parseOutput(const std::string& stdoutBytes, const std::string&, int) const
{
	return parse(stdoutBytes);
}

std::string ClaudeProvider::parse(const std::string& stdoutBytes)
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

std::string ClaudeProvider::sessionId(const std::string& stdoutBytes, const std::string&) const
{
	return OutputParser::sessionIdOfObject(stdoutBytes);
}

bool ClaudeProvider::isUnknownSession(const std::string& stdoutBytes, const std::string& stderrBytes) const
{
	return OutputParser::containsIgnoringCase(stdoutBytes + "\n" + stderrBytes, "No conversation found with session ID");
}

bool ClaudeProvider::isModelValid(const std::string& model) const
{
	return model == "haiku" || model == "sonnet" || model == "opus" || startsWith(model, "claude-");
}

} // namespace Sygen
