//
// OutputParser.h
//
// Library: Sygen/worker
//
// The text helpers the CLI providers' output parsers share (SPEC §10 step 9, §11).
//

#ifndef Sygen_OutputParser_INCLUDED
#define Sygen_OutputParser_INCLUDED

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>
#include <string>

namespace Sygen {

class OutputParser
/// Stateless; thread-safe.
{
public:
	static constexpr size_t RAW_TEXT_LIMIT = 2000; ///< characters of raw text kept when output is not understood.

	static std::string clean(const std::string& bytes);
	/// UTF-8 with each invalid sequence replaced by U+FFFD, then trimmed.

	static std::string sanitizeUtf8(const std::string& bytes);
	/// Replaces each maximal invalid subsequence with U+FFFD (as Python's
	/// errors="replace" does).

	static std::string trim(const std::string& text);
	/// Without leading and trailing ASCII whitespace.

	static std::string firstCharacters(const std::string& text, size_t count);
	/// The first count code points of valid UTF-8 text.

	static std::string lastCharacters(const std::string& text, size_t count);
	/// The last count code points of valid UTF-8 text.

	static Poco::Dynamic::Var parseJson(const std::string& text);
	/// The parsed value, or an empty Var when text is not valid JSON.

	static std::string textOf(const Poco::Dynamic::Var& value);
	/// A string as it is; an empty Var or JSON null as ""; anything else as compact JSON.

	static std::string stringField(const Poco::Dynamic::Var& value, const std::string& key);
	/// The string member key of a JSON object value; "" otherwise.

	static std::string sessionIdOfObject(const std::string& text);
	/// "session_id" of the JSON object text is, or of the one that starts a later
	/// line (gemini may print a warning line first); "" when there is none.

	static bool containsIgnoringCase(const std::string& haystack, const std::string& needle);
};

} // namespace Sygen

#endif // Sygen_OutputParser_INCLUDED
