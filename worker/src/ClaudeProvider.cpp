//
// ClaudeProvider.cpp
//
// Claude Code (claude 2.1), see docs/CLI-NOTES.md. The class is private to this file: the
// worker reaches it through CliProviders, whose table lists claudeProvider().
//

#include "CliProviders.h"
#include "OutputParser.h"
#include <Poco/JSON/Object.h>
#include <algorithm>

namespace Sygen {

namespace {

class ClaudeProvider: public CliProvider
/// Also runs any provider name the table does not know (CliProviders::find).
{
public:
	std::string name() const override
	/// "claude"
	{
		return "claude";
	}

	CliCommand command(const ExecutionConfig& config, const std::string& prompt) const override
	/// claude -p --output-format json --model <m> --permission-mode <pm>
	/// --no-session-persistence <cli_parameters…> -- <prompt>; stdin /dev/null.
	{
		CliCommand c;
		c.provider = name();
		c.argv = {"claude", "-p", "--output-format", "json", "--model", config.model, "--permission-mode", config.permissionMode,
			"--no-session-persistence"};
		appendPrompt(c, config, prompt);
		return c;
	}

	CliCommand wakeCommand(const ExecutionConfig& config, const std::string& prompt, const std::string& sessionId) const override
	/// command() without its own --no-session-persistence (a session that is not
	/// saved cannot be resumed); "--resume <id>" before the "--" separator.
	{
		CliCommand c = command(config, prompt);
		// Only the builder's own flag, which comes before the hook's cli_parameters.
		auto flag = std::find(c.argv.begin(), c.promptSeparator(), std::string("--no-session-persistence"));
		if (flag != c.promptSeparator()) c.argv.erase(flag);
		if (!sessionId.empty()) c.argv.insert(c.promptSeparator(), {"--resume", sessionId});
		return c;
	}

	std::string parseOutput(const std::string& stdoutBytes, const std::string&, int) const override
	/// The "result" field of the JSON object claude prints with
	/// --output-format json (also when "is_error" is true; missing or null: "").
	/// Output that is not a JSON object: the cleaned text cut to 2000 characters.
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

	std::string sessionId(const std::string& stdoutBytes, const std::string&) const override
	/// "session_id" of the JSON result object on stdout.
	{
		return OutputParser::sessionIdOfObject(stdoutBytes);
	}

	bool isUnknownSession(const std::string& stdoutBytes, const std::string& stderrBytes) const override
	/// "No conversation found with session ID" in either stream.
	{
		return OutputParser::containsIgnoringCase(stdoutBytes + "\n" + stderrBytes, "No conversation found with session ID");
	}

	bool isModelValid(const std::string& model) const override
	/// haiku, sonnet, opus or "claude-…".
	{
		return model == "haiku" || model == "sonnet" || model == "opus" || hasPrefix(model, "claude-");
	}
};

} // namespace

const CliProvider& claudeProvider()
{
	static const ClaudeProvider provider;
	return provider;
}

} // namespace Sygen
