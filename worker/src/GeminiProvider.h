//
// GeminiProvider.h
//
// Library: Sygen/worker
//
// Google Gemini CLI (gemini 0.61, see docs/CLI-NOTES.md).
//

#ifndef Sygen_GeminiProvider_INCLUDED
#define Sygen_GeminiProvider_INCLUDED

#include "CliProvider.h"
#include <Poco/JSON/Object.h>

namespace Sygen {

class GeminiProvider: public CliProvider
{
public:
	std::string name() const override;
		/// "gemini"

	CliCommand command(const ExecutionConfig& config, const std::string& prompt) const override;
		/// gemini -p "" --output-format json --include-directories ., then --model <m>
		/// when non-empty, --approval-mode yolo when bypassPermissions, then
		/// <cli_parameters…>; the prompt goes to stdin (argv stays short and the
		/// prompt stays out of the process list).

	CliCommand wakeCommand(const ExecutionConfig& config, const std::string& prompt,
		const std::string& sessionId) const override;
		/// command() with "--resume <id>" at the end (the prompt goes to stdin).

	std::string parseOutput(const std::string& stdoutBytes, const std::string& stderrBytes, int exitCode) const override;
		/// parse(stdoutBytes, stderrBytes, exitCode).

	static std::string parse(const std::string& stdoutBytes, const std::string& stderrBytes, int exitCode);
		/// From a JSON object: the first non-null of result, response, content,
		/// output, else error.message; from a JSON array: those texts of each object
		/// joined by a blank line; no text or not JSON: the cleaned stdout cut to
		/// 2000 characters. When that leaves nothing and exitCode is non-zero:
		/// error.message of the JSON object on stderr (gemini prints its failures
		/// there), else the last 2000 characters of stderr.

	std::string sessionId(const std::string& stdoutBytes, const std::string& stderrBytes) const override;
		/// "session_id" of the JSON object on stdout, else of the error object gemini
		/// prints on stderr.

	bool isUnknownSession(const std::string& stdoutBytes, const std::string& stderrBytes) const override;
		/// "Error resuming session" in either stream.

	bool isModelValid(const std::string& model) const override;
		/// auto, pro, flash, flash-lite, "gemini-…" or "auto-gemini-…".

	bool searchesNvm() const override;
		/// True: gemini is commonly installed with npm under nvm.

private:
	static std::string textOfObject(const Poco::JSON::Object& obj);
	static std::string fromStdout(const std::string& text);
	static std::string fromStderr(const std::string& text);
};

} // namespace Sygen

#endif // Sygen_GeminiProvider_INCLUDED
