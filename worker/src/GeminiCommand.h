//
// GeminiCommand.h
//
// Library: Sygen/worker
//

#ifndef Sygen_GeminiCommand_INCLUDED
#define Sygen_GeminiCommand_INCLUDED

#include "CliCommand.h"
#include "ExecutionConfig.h"

namespace Sygen {

class GeminiCommand
{
public:
	static CliCommand build(const ExecutionConfig& config, const std::string& prompt);
		/// gemini -p "" --output-format json --include-directories ., then --model <m>
		/// when non-empty, --approval-mode yolo when bypassPermissions, then
		/// <cli_parameters…>; the prompt goes to stdin (argv stays short and the
		/// prompt stays out of the process list).
};

} // namespace Sygen

#endif // Sygen_GeminiCommand_INCLUDED
