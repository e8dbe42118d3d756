//
// PlainJSONScanner.h
//
// Library: Sygen/Foundation
//
// Recognises, without building anything, the JSON objects that are certainly valid.
//

#ifndef Sygen_Foundation_PlainJSONScanner_INCLUDED
#define Sygen_Foundation_PlainJSONScanner_INCLUDED

#include <string>

namespace Sygen {

class PlainJSONScanner
/// A validating scanner for "plain" JSON: strict RFC 8259 syntax, ASCII only, no
/// \u escapes, integers and decimals of at most 15 characters without exponent,
/// at most maxDepth levels of nesting. Such text is valid JSON for every parser,
/// Poco's included, and its meaning cannot depend on a parser's treatment of
/// surrogates, invalid UTF-8 or number overflow.
///
/// The ingress only needs to know that a body is a JSON object (SPEC §8 checks 4
/// and 5); the tree is built later, at dispatch. Building a Poco::JSON tree just to
/// throw it away took about a tenth of the 202 path's CPU. Anything this scanner
/// does not call an object is sent through the full parser, so the verdict on any
/// body stays the full parser's (fuzz/PayloadParserFuzz.cpp checks that).
///
/// Stateless and thread-safe.
{
public:
	static bool isPlainObject(const std::string& text, int maxDepth);
	/// True when text (surrounding whitespace allowed) is one plain JSON object.
	/// False means "not known": the text may still be valid JSON.
};

} // namespace Sygen

#endif // Sygen_Foundation_PlainJSONScanner_INCLUDED
