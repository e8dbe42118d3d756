//
// GeminiOutputParser.h
//
// Library: Sygen/worker
//

#ifndef Sygen_GeminiOutputParser_INCLUDED
#define Sygen_GeminiOutputParser_INCLUDED

#include <Poco/JSON/Object.h>
#include <string>

namespace Sygen {

class GeminiOutputParser
{
public:
	static std::string parse(const std::string& stdoutBytes, const std::string& stderrBytes, int exitCode);
		/// From a JSON object: the first non-null of result, response, content,
		/// output, else error.message; from a JSON array: those texts of each object
		/// joined by a blank line; no text or not JSON: the cleaned stdout cut to
		/// 2000 characters. When that leaves nothing and exitCode is non-zero:
		/// error.message of the JSON object on stderr (gemini prints its failures
		/// there), else the last 2000 characters of stderr.

private:
	static std::string textOfObject(const Poco::JSON::Object& obj);
	static std::string fromStdout(const std::string& text);
	static std::string fromStderr(const std::string& text);
};

} // namespace Sygen

#endif // Sygen_GeminiOutputParser_INCLUDED
