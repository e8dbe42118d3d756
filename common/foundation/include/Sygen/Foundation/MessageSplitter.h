//
// MessageSplitter.h
//
// Library: Sygen/Foundation
//
// Cuts a chat message into parts a messenger accepts (SPEC §11: Telegram's 4096
// characters), counting characters as Unicode code points, never cutting inside
// a UTF-8 sequence.
//

#ifndef Sygen_Foundation_MessageSplitter_INCLUDED
#define Sygen_Foundation_MessageSplitter_INCLUDED

#include <cstddef>
#include <string>
#include <vector>

namespace Sygen {

class MessageSplitter
/// Stateless; thread-safe.
{
public:
	static std::vector<std::string> split(const std::string& text, std::size_t maxCharacters);
	/// Consecutive parts of text, each maxCharacters code points long except the
	/// last one (which holds the rest); concatenated they give text back. Empty
	/// text gives no part. The cut is exact, not at a word or line boundary, as
	/// the reference does: a reader sees the text in order either way.
	/// Invalid UTF-8 bytes count as one character each. Throws
	/// Poco::InvalidArgumentException when maxCharacters is 0.

	static std::vector<std::string> splitUTF16(const std::string& text, std::size_t maxUnits);
	/// As split(), with each part at most maxUnits UTF-16 code units long, as
	/// Telegram counts its message limit: a code point beyond the BMP (most emoji)
	/// counts 2, and is never cut in half. Throws Poco::InvalidArgumentException
	/// when maxUnits is below 2.

	static std::size_t utf16Units(const std::string& text);
	/// Length of text in UTF-16 code units (invalid bytes counted one each).

	static std::size_t characters(const std::string& text);
	/// Number of code points (invalid bytes counted one each).

	static std::size_t sequenceLength(const std::string& text, std::size_t pos);
	/// Bytes of the UTF-8 sequence starting at pos (1 for an invalid byte).

private:
	static std::size_t unitsAt(const std::string& text, std::size_t pos);
	static std::vector<std::string> splitBy(const std::string& text, std::size_t limit, bool utf16);
};

} // namespace Sygen

#endif // Sygen_Foundation_MessageSplitter_INCLUDED
