//
// ClaudeProvider.h
//
// Library: Sygen/worker
//
// Claude Code (claude 2.1, see docs/CLI-NOTES.md).
//

#ifndef Sygen_ClaudeProvider_INCLUDED
#define Sygen_ClaudeProvider_INCLUDED

#include "CliProvider.h"

namespace Sygen {

class ClaudeProvider: public CliProvider
	/// Also runs any provider name the table does not know (CliProviders::find).
{
public:
	std::string name() const override;
		/// "claude"

	CliCommand command(const ExecutionConfig& config, const std::string& prompt) const override;
		/// claude -p --output-format json --model <m> --permission-mode <pm>
		/// --no-session-persistence <cli_parameters…> -- <prompt>; stdin /dev/null.

	CliCommand wakeCommand(const ExecutionConfig& config, const std::string& prompt,
		const std::string& sessionId) const override;
		/// command() without its own --no-session-persistence (a session that is not
		/// saved cannot be resumed); "--resume <id>" before the "--" separator.

	std::string parseOutput(const std::string& stdoutBytes, const std::string& stderrBytes, int exitCode) const override;
		/// parse(stdoutBytes).

	static std::string parse(const std::string& stdoutBytes);
		/// The "result" field of the JSON object claude prints with
		/// --output-format json (also when "is_error" is true; missing or null: "").
		/// Output that is not a JSON object: the cleaned text cut to 2000 characters.

	std::string sessionId(const std::string& stdoutBytes, const std::string& stderrBytes) const override;
		/// "session_id" of the JSON result object on stdout.

	bool isUnknownSession(const std::string& stdoutBytes, const std::string& stderrBytes) const override;
		/// "No conversation found with session ID" in either stream.

	bool isModelValid(const std::string& model) const override;
		/// haiku, sonnet, opus or "claude-…".
};

} // namespace Sygen

#endif // Sygen_ClaudeProvider_INCLUDED
