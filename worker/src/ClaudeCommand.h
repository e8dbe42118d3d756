//
// ClaudeCommand.h
//
// Library: Sygen/worker
//

#ifndef Sygen_ClaudeCommand_INCLUDED
#define Sygen_ClaudeCommand_INCLUDED

#include "CliCommand.h"
#include "ExecutionConfig.h"

namespace Sygen {

class ClaudeCommand
{
public:
	static CliCommand build(const ExecutionConfig& config, const std::string& prompt);
		/// claude -p --output-format json --model <m> --permission-mode <pm>
		/// --no-session-persistence <cli_parameters…> -- <prompt>; stdin /dev/null.
};

} // namespace Sygen

#endif // Sygen_ClaudeCommand_INCLUDED
