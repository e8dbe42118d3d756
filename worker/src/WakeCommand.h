//
// WakeCommand.h
//
// Library: Sygen/worker
//
// The command line of one wake turn (SPEC §11): the cron_task command line of the
// provider (ClaudeCommand, CodexCommand, GeminiCommand) continuing the chat's
// session. Flags checked against claude 2.1, codex 0.171 and gemini 0.61 (see
// docs/CLI-NOTES.md).
//

#ifndef Sygen_WakeCommand_INCLUDED
#define Sygen_WakeCommand_INCLUDED

#include "CliCommand.h"
#include "ExecutionConfig.h"
#include <string>

namespace Sygen {

class WakeCommand
	/// Stateless; thread-safe.
{
public:
	static CliCommand build(const ExecutionConfig& config, const std::string& prompt, const std::string& sessionId);
		/// The cron_task command line for config's provider, with the prompt as given
		/// (no task-folder instructions), changed so that the session persists and,
		/// when sessionId is non-empty, is resumed:
		///   - claude: without --no-session-persistence (a session that is not saved
		///     cannot be resumed); "--resume <id>" before the "--" separator.
		///   - codex: "resume <id>" right before "-- <prompt>": codex exec's own
		///     options (--json, --color, --sandbox, the hook's cli_parameters) stay in
		///     front of the subcommand, as "codex exec resume" rejects --color and
		///     --sandbox after it.
		///   - gemini: "--resume <id>" at the end (the prompt goes to stdin).
};

} // namespace Sygen

#endif // Sygen_WakeCommand_INCLUDED
