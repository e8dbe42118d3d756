//
// CodexProvider.h
//
// Library: Sygen/worker
//
// OpenAI Codex CLI (codex 0.171, see docs/CLI-NOTES.md).
//

#ifndef Sygen_CodexProvider_INCLUDED
#define Sygen_CodexProvider_INCLUDED

#include "CliProvider.h"
#include <Poco/JSON/Object.h>
#include <vector>

namespace Sygen {

class CodexProvider: public CliProvider
{
public:
	std::string name() const override;
		/// "codex"

	CliCommand command(const ExecutionConfig& config, const std::string& prompt) const override;
		/// codex exec --json --color never --skip-git-repo-check, then
		/// --dangerously-bypass-approvals-and-sandbox (bypassPermissions) or
		/// --sandbox workspace-write (any other mode; codex 0.171 dropped --full-auto),
		/// --model <m>, -c model_reasoning_effort=<e> when e is set and not "medium",
		/// <cli_parameters…> -- <prompt>; stdin /dev/null.

	CliCommand wakeCommand(const ExecutionConfig& config, const std::string& prompt,
		const std::string& sessionId) const override;
		/// command() with "resume <id>" right before "-- <prompt>": codex exec's own
		/// options (--json, --color, --sandbox, the hook's cli_parameters) stay in
		/// front of the subcommand, as "codex exec resume" rejects --color and
		/// --sandbox after it. codex keeps its sessions anyway.

	std::string parseOutput(const std::string& stdoutBytes, const std::string& stderrBytes, int exitCode) const override;
		/// parse(stdoutBytes).

	static std::string parse(const std::string& stdoutBytes);
		/// codex exec --json prints one event per line (other lines are skipped).
		/// Collects item.text of item.completed agent_message items and the text
		/// blocks of assistant message events; an item.started of a tool item
		/// (command_execution, file_change, web_search, todo_list, mcp_tool_call)
		/// discards what was collected so far. Joined with "\n". Nothing collected:
		/// "" when thread.started or turn.completed was seen (a silent success),
		/// else the cleaned text cut to 2000 characters.

	std::string sessionId(const std::string& stdoutBytes, const std::string& stderrBytes) const override;
		/// "thread_id" of the first thread.started event.

	bool isUnknownSession(const std::string& stdoutBytes, const std::string& stderrBytes) const override;
		/// "no rollout found" (for thread id …) in either stream.

	bool isModelValid(const std::string& model) const override;
		/// Any non-empty name.

private:
	static void collectMessage(const Poco::JSON::Object& event, std::vector<std::string>& texts);
	static bool isToolItem(const std::string& type);
};

} // namespace Sygen

#endif // Sygen_CodexProvider_INCLUDED
