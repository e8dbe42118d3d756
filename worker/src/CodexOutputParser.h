//
// CodexOutputParser.h
//
// Library: Sygen/worker
//

#ifndef Sygen_CodexOutputParser_INCLUDED
#define Sygen_CodexOutputParser_INCLUDED

#include <Poco/JSON/Object.h>
#include <string>
#include <vector>

namespace Sygen {

class CodexOutputParser
{
public:
	static std::string parse(const std::string& stdoutBytes);
		/// codex exec --json prints one event per line (other lines are skipped).
		/// Collects item.text of item.completed agent_message items and the text
		/// blocks of assistant message events; an item.started of a tool item
		/// (command_execution, file_change, web_search, todo_list, mcp_tool_call)
		/// discards what was collected so far. Joined with "\n". Nothing collected:
		/// "" when thread.started or turn.completed was seen (a silent success),
		/// else the cleaned text cut to 2000 characters.

private:
	static void collectMessage(const Poco::JSON::Object& event, std::vector<std::string>& texts);
	static bool isToolItem(const std::string& type);
};

} // namespace Sygen

#endif // Sygen_CodexOutputParser_INCLUDED
