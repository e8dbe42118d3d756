//
// CodexProvider.cpp
//

#include "CodexProvider.h"
#include "OutputParser.h"
#include <Poco/JSON/Array.h>
#include <sstream>

namespace Sygen {

std::string CodexProvider::name() const
{
	return "codex";
}

CliCommand CodexProvider::command(const ExecutionConfig& config, const std::string& prompt) const
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
	c.argv.insert(c.argv.end(), config.cliParameters.begin(), config.cliParameters.end());
	c.argv.push_back("--");
	c.argv.push_back(prompt);
	return c;
}

CliCommand CodexProvider::wakeCommand(const ExecutionConfig& config, const std::string& prompt, const std::string& sessionId) const
{
	CliCommand c = command(config, prompt);
	if (!sessionId.empty()) c.argv.insert(c.promptSeparator(), {"resume", sessionId});
	return c;
}

std::string CodexProvider::parseOutput(const std::string& stdoutBytes, const std::string&, int) const
{
	return parse(stdoutBytes);
}

std::string CodexProvider::parse(const std::string& stdoutBytes)
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

void CodexProvider::collectMessage(const Poco::JSON::Object& event, std::vector<std::string>& texts)
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

bool CodexProvider::isToolItem(const std::string& type)
{
	return type == "command_execution" || type == "file_change" || type == "web_search"
		|| type == "todo_list" || type == "mcp_tool_call";
}

std::string CodexProvider::sessionId(const std::string& stdoutBytes, const std::string&) const
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

bool CodexProvider::isUnknownSession(const std::string& stdoutBytes, const std::string& stderrBytes) const
{
	return OutputParser::containsIgnoringCase(stdoutBytes + "\n" + stderrBytes, "no rollout found");
}

bool CodexProvider::isModelValid(const std::string& model) const
{
	return !model.empty();
}

} // namespace Sygen
