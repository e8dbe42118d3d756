//
// ClaudeOutputParser.h
//
// Library: Sygen/worker
//

#ifndef Sygen_ClaudeOutputParser_INCLUDED
#define Sygen_ClaudeOutputParser_INCLUDED

#include <string>

namespace Sygen {

class ClaudeOutputParser
{
public:
	static std::string parse(const std::string& stdoutBytes);
		/// The "result" field of the JSON object claude prints with
		/// --output-format json (also when "is_error" is true; missing or null: "").
		/// Output that is not a JSON object: the cleaned text cut to 2000 characters.
};

} // namespace Sygen

#endif // Sygen_ClaudeOutputParser_INCLUDED
