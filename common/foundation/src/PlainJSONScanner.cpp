//
// PlainJSONScanner.cpp
//

#include "Sygen/Foundation/PlainJSONScanner.h"
#include <cstring>
#include <vector>

namespace Sygen {

namespace {

const std::size_t MAX_NUMBER_LENGTH = 15; // every such integer fits an Int64 exactly

class Cursor
/// The scanning state over one text. Every method returns false when the text
/// is not plain JSON at that point.
{
public:
	Cursor(const char* begin, const char* end):
		_p(begin),
		_end(end)
	{
	}

	void skipSpace()
	{
		while (_p < _end && (*_p == ' ' || *_p == '\t' || *_p == '\n' || *_p == '\r')) ++_p;
	}

	bool atEnd() const { return _p == _end; }

	bool take(char c)
	{
		if (_p < _end && *_p == c)
		{
			++_p;
			return true;
		}
		return false;
	}

	char peek() const { return _p < _end ? *_p : '\0'; }

	bool string()
	{
		if (!take('"')) return false;
		while (_p < _end)
		{
			unsigned char c = static_cast<unsigned char>(*_p++);
			if (c == '"') return true;
			if (c < 0x20 || c >= 0x80) return false; // control characters; non-ASCII goes to the full parser
			if (c == '\\')
			{
				if (_p == _end || std::strchr("\"\\/bfnrt", *_p) == nullptr || *_p == '\0') return false; // \u too
				++_p;
			}
		}
		return false;
	}

	bool number()
	{
		const char* start = _p;
		take('-');
		if (take('0'))
		{
			// no leading zeros
		}
		else if (!digits()) return false;
		if (take('.') && !digits()) return false;
		if (peek() == 'e' || peek() == 'E') return false; // exponents: overflow is the parser's business
		return static_cast<std::size_t>(_p - start) <= MAX_NUMBER_LENGTH;
	}

	bool literal(const char* word)
	{
		std::size_t length = std::strlen(word);
		if (static_cast<std::size_t>(_end - _p) < length || std::memcmp(_p, word, length) != 0) return false;
		_p += length;
		return true;
	}

private:
	bool digits()
	{
		const char* start = _p;
		while (_p < _end && *_p >= '0' && *_p <= '9') ++_p;
		return _p > start;
	}

	const char* _p;
	const char* _end;
};

bool scalar(Cursor& in)
{
	char c = in.peek();
	if (c == '"') return in.string();
	if (c == 't') return in.literal("true");
	if (c == 'f') return in.literal("false");
	if (c == 'n') return in.literal("null");
	if (c == '-' || (c >= '0' && c <= '9')) return in.number();
	return false;
}

bool memberName(Cursor& in)
{
	in.skipSpace();
	if (!in.string()) return false;
	in.skipSpace();
	return in.take(':');
}

} // namespace

bool PlainJSONScanner::isPlainObject(const std::string& text, int maxDepth)
{
	Cursor in(text.data(), text.data() + text.size());
	in.skipSpace();
	if (in.peek() != '{') return false;
	// Open containers, innermost last; iterative, so depth costs no stack.
	std::vector<char> open;
	open.reserve(16);
	bool expectValue = true;
	while (true)
	{
		in.skipSpace();
		if (expectValue)
		{
			char c = in.peek();
			if (c == '{' || c == '[')
			{
				in.take(c);
				open.push_back(c);
				if (static_cast<int>(open.size()) > maxDepth) return false;
				in.skipSpace();
				if (in.take(c == '{' ? '}' : ']'))
				{
					open.pop_back();
					expectValue = false;
				}
				else if (c == '{' && !memberName(in)) return false;
				continue;
			}
			if (!scalar(in)) return false;
			expectValue = false;
			continue;
		}
		// After a value: the end of the text, a separator or a closing bracket.
		if (open.empty()) break;
		const char container = open.back();
		if (in.take(','))
		{
			if (container == '{' && !memberName(in)) return false;
			expectValue = true;
		}
		else if (in.take(container == '{' ? '}' : ']'))
		{
			open.pop_back();
		}
		else return false;
	}
	in.skipSpace();
	return in.atEnd();
}

} // namespace Sygen
