//
// PayloadParser.h
//
// Library: Sygen/Foundation
//

#ifndef Sygen_Foundation_PayloadParser_INCLUDED
#define Sygen_Foundation_PayloadParser_INCLUDED

#include <Poco/JSON/Object.h>
#include <set>
#include <string>

namespace Sygen {

class PayloadParser
/// Turns a request body into the payload object (SPEC §8 checks 4 and 5).
/// A UTF-8 byte order mark is skipped. Nesting deeper than MAX_DEPTH is refused
/// before parsing, so that hostile input cannot exhaust the parser's stack; it is
/// the one limit of the ingress (check()) and the dispatch (parse()), so a body
/// that got 202 always parses again later.
/// Integers of any size keep their text (JSONInteger).
/// Thread-safe (no state).
{
public:
	static constexpr int MAX_DEPTH = 512;

	enum Outcome
	{
		OK,
		INVALID_JSON, ///< Empty, not JSON, not UTF-8 text the parser accepts, or too deep.
		NOT_AN_OBJECT ///< Valid JSON whose top level is not an object.
	};

	static Outcome parse(const std::string& body, Poco::JSON::Object::Ptr& payload);
	/// Never throws Poco exceptions; payload is set only when OK.

	static Outcome check(const std::string& body);
	/// The outcome parse() would give, without keeping the payload: plain JSON
	/// objects (PlainJSONScanner) are recognised without building a tree, the rest
	/// goes through parse(). For the ingress, which only needs the verdict.

	static bool withinDepth(const std::string& text, int maxDepth);
	/// True when arrays and objects nest at most maxDepth deep (strings are skipped).

	static std::string quoteBigIntegers(const std::string& text, std::set<std::size_t>& ordinals);
	/// text with every integer literal that neither Poco::Int64 nor Poco::UInt64
	/// holds written as a string literal; ordinals receives the 0-based positions,
	/// among all string literals (keys included), of those strings.

private:
	static bool tryParse(const std::string& text, Poco::Dynamic::Var& value);
};

} // namespace Sygen

#endif // Sygen_Foundation_PayloadParser_INCLUDED
