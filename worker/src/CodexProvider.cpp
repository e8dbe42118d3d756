//
// CodexProvider.cpp
//
// OpenAI Codex CLI (codex 0.171), see docs/CLI-NOTES.md. The class is private to this file: the
// worker reaches it through CliProviders, whose table lists codexProvider().
//

#include "CliProviders.h"
#include "OutputParser.h"
#include <Poco/JSON/Array.h>
#include <sstream>

namespace Sygen {

namespace {

class CodexProvider: public CliProvider
{
public:
	std::string name() const override
	/// "codex"
	{
		return "codex";
	}

	CliCommand command(const ExecutionConfig& config, const std::string& prompt) const override
	/// codex exec --json --color never --skip-git-repo-check, then
	/// --dangerously-bypass-approvals-and-sandbox (bypassPermissions) or
	/// --sandbox workspace-write (any other mode; codex 0.171 dropped --full-auto),
	/// --model <m>, -c model_reasoning_effort=<e> when e is set and not "medium",
	/// <cli_parameters…> -- <prompt>; stdin /dev/null.
	{
		CliCommand c;
		c.provider = name();
		c.argv = {"codex", "exec", "--json", "--color", "never", "--skip-git-repo-check"};
		if (config.permissionMode == "bypassPermissions")
		{
			c.argv.push_back("--dangerously-bypass-approvals-and-sandbox");
		}
		else
		{
			c.argv.push_back("--sandbox");
			c.argv.push_back("workspace-write");
		}
		c.argv.push_back("--model");
		c.argv.push_back(config.model);
		if (!config.reasoningEffort.empty() && config.reasoningEffort != "medium")
		{
			c.argv.push_back("-c");
			c.argv.push_back("model_reasoning_effort=" + config.reasoningEffort);
		}
		appendPrompt(c, config, prompt);
		return c;
	}

	CliCommand wakeCommand(const ExecutionConfig& config, const std::string& prompt, const std::string& sessionId) const override
	/// command() with "resume <id>" right before "-- <prompt>": codex exec's own
	/// options (--json, --color, --sandbox, the hook's cli_parameters) stay in
	/// front of the subcommand, as "codex exec resume" rejects --color and
	/// --sandbox after it. codex keeps its sessions anyway.
	{
		CliCommand c = command(config, prompt);
		if (!sessionId.empty()) c.argv.insert(c.promptSeparator(), {"resume", sessionId});
		return c;
	}

	std::string parseOutput(const std::string& stdoutBytes, const std::string&, int) const override
	/// codex exec --json prints one event per line (other lines are skipped).
	/// Collects item.text of item.completed agent_message items and the text
	/// blocks of assistant message events; an item.started of a tool item
	/// (command_execution, file_change, web_search, todo_list, mcp_tool_call)
	/// discards what was collected so far. Joined with "\n". Nothing collected:
	/// "" when thread.started or turn.completed was seen (a silent success),
	/// else the cleaned text cut to 2000 characters.
	{
		std::string text = OutputParser::clean(stdoutBytes);
		std::vector<std::string> texts;
		bool sawLifecycle = false;
		std::istringstream lines(text);
		std::string line;
		while (std::getline(lines, line))
		{
			Poco::Dynamic::Var json = OutputParser::parseJson(OutputParser::trim(line));
			if (json.type() != typeid(Poco::JSON::Object::Ptr)) continue;
			Poco::JSON::Object::Ptr event = json.extract<Poco::JSON::Object::Ptr>();
			std::string type = event->optValue<std::string>("type", "");
			Poco::JSON::Object::Ptr item = event->getObject("item");
			std::string itemType = item ? item->optValue<std::string>("type", "") : "";
			if (type == "thread.started" || type == "turn.completed")
			{
				sawLifecycle = true;
			}
			else if (type == "item.completed" && itemType == "agent_message" && item->has("text"))
			{
				texts.push_back(OutputParser::textOf(item->get("text")));
			}
			else if (type == "item.started" && isToolItem(itemType))
			{
				texts.clear();
			}
			else if (type == "message")
			{
				collectMessage(*event, texts);
			}
		}
		if (texts.empty()) return sawLifecycle ? "" : OutputParser::firstCharacters(text, OutputParser::RAW_TEXT_LIMIT);
		std::string joined;
		for (size_t i = 0; i < texts.size(); ++i)
		{
			if (i > 0) joined += "\n";
			joined += texts[i];
		}
		return OutputParser::trim(joined);
	}

	std::string sessionId(const std::string& stdoutBytes, const std::string&) const override
	/// "thread_id" of the first thread.started event.
	{
		std::istringstream lines(stdoutBytes);
		std::string line;
		while (std::getline(lines, line))
		{
			Poco::Dynamic::Var event = OutputParser::parseJson(line);
			if (OutputParser::stringField(event, "type") == "thread.started") return OutputParser::stringField(event, "thread_id");
		}
		return "";
	}

	bool isUnknownSession(const std::string& stdoutBytes, const std::string& stderrBytes) const override
	/// "no rollout found" (for thread id …) in either stream.
	{
		return OutputParser::containsIgnoringCase(stdoutBytes + "\n" + stderrBytes, "no rollout found");
	}

	bool isModelValid(const std::string& model) const override
	/// Any non-empty name.
	{
		return !model.empty();
	}

private:
	static void collectMessage(const Poco::JSON::Object& event, std::vector<std::string>& texts)
	{
		if (event.optValue<std::string>("role", "") != "assistant") return;
		if (!event.has("content")) return;
		Poco::Dynamic::Var content = event.get("content");
		if (content.isString())
		{
			texts.push_back(content.extract<std::string>());
			return;
		}
		if (content.type() != typeid(Poco::JSON::Array::Ptr)) return;
		Poco::JSON::Array::Ptr blocks = content.extract<Poco::JSON::Array::Ptr>();
		for (size_t i = 0; i < blocks->size(); ++i)
		{
			Poco::JSON::Object::Ptr block = blocks->getObject(static_cast<unsigned>(i));
			if (!block || !block->has("text")) continue;
			std::string blockType = block->optValue<std::string>("type", "text");
			if (blockType == "text" || blockType == "output_text") texts.push_back(OutputParser::textOf(block->get("text")));
		}
	}

	static bool isToolItem(const std::string& type)
	{
		return type == "command_execution" || type == "file_change" || type == "web_search" || type == "todo_list" ||
			type == "mcp_tool_call";
	}
};

} // namespace

const CliProvider& codexProvider()
{
	static const CodexProvider provider;
	return provider;
}

} // namespace Sygen
