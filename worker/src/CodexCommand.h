//
// CodexCommand.h
//
// Library: Sygen/worker
//

#ifndef Sygen_CodexCommand_INCLUDED
#define Sygen_CodexCommand_INCLUDED

#include "CliCommand.h"
#include "ExecutionConfig.h"

namespace Sygen {

class CodexCommand
{
public:
	static CliCommand build(const ExecutionConfig& config, const std::string& prompt);
		/// codex exec --json --color never --skip-git-repo-check, then
		/// --dangerously-bypass-approvals-and-sandbox (bypassPermissions) or
		/// --sandbox workspace-write (any other mode; codex 0.171 dropped --full-auto),
		/// --model <m>, -c model_reasoning_effort=<e> when e is set and not "medium",
		/// <cli_parameters…> -- <prompt>; stdin /dev/null.
};

} // namespace Sygen

#endif // Sygen_CodexCommand_INCLUDED
