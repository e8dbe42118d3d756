//
// SessionIdParser.h
//
// Library: Sygen/worker
//
// The id under which a CLI run can be resumed (SPEC §11), from its output.
//

#ifndef Sygen_SessionIdParser_INCLUDED
#define Sygen_SessionIdParser_INCLUDED

#include <string>

namespace Sygen {

class SessionIdParser
	/// Stateless; thread-safe. See docs/CLI-NOTES.md for the output shapes.
{
public:
	static std::string parse(const std::string& provider, const std::string& stdoutBytes, const std::string& stderrBytes);
		/// claude (and unknown providers): "session_id" of the JSON result object.
		/// codex: "thread_id" of the first thread.started event.
		/// gemini: "session_id" of the JSON object on stdout, else of the error
		/// object gemini prints on stderr.
		/// "" when there is none.

	static bool isUnknownSession(const std::string& provider, const std::string& stdoutBytes, const std::string& stderrBytes);
		/// True when a run given a resume id failed because the CLI no longer knows
		/// that session (its files were deleted, or the id came from another
		/// machine): claude "No conversation found with session ID", codex "no
		/// rollout found for thread id", gemini "Error resuming session".
};

} // namespace Sygen

#endif // Sygen_SessionIdParser_INCLUDED
