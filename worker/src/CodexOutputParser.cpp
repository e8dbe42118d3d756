//
// CodexOutputParser.cpp
//

#include "CodexOutputParser.h"
#include "OutputParser.h"
#include <Poco/JSON/Array.h>
#include <sstream>

namespace Sygen {

std::string CodexOutputParser::parse(const std::string& stdoutBytes)
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

void CodexOutputParser::collectMessage(const Poco::JSON::Object& event, std::vector<std::string>& texts)
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

bool CodexOutputParser::isToolItem(const std::string& type)
{
	return type == "command_execution" || type == "file_change" || type == "web_search"
		|| type == "todo_list" || type == "mcp_tool_call";
}

} // namespace Sygen
