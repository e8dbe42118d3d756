//
// RequestHead.cpp
//

#include "http/RequestHead.h"
#include <Poco/Ascii.h>
#include <cstring>
#include <string>

namespace Sygen {

namespace {

bool isTokenChar(char c)
{
	// RFC 9110 §5.6.2 tchar.
	return Poco::Ascii::isAlphaNumeric(c) || (c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

bool isForbiddenControl(char c)
{
	unsigned char u = static_cast<unsigned char>(c);
	return (u < 0x20 && c != '\r' && c != '\n' && c != '\t') || u == 0x7F;
}

std::string lowerName(const char* begin, const char* end)
{
	std::string name(begin, end);
	for (char& c: name) c = Poco::Ascii::toLower(c);
	return name;
}

// Calls visit(name, valueBegin, lineEnd) for each header line after the request
// line, with the name lowercased and the value not yet trimmed; stops early when
// visit returns false. Returns whether it went through every line.
template <typename Visit>
bool forEachHeader(const char* head, std::size_t size, Visit visit)
{
	const char* end = head + size;
	const char* line = static_cast<const char*>(std::memchr(head, '\n', size));
	while (line && line + 1 < end)
	{
		const char* begin = line + 1;
		const char* next = static_cast<const char*>(std::memchr(begin, '\n', static_cast<std::size_t>(end - begin)));
		const char* lineEnd = next ? next : end;
		const char* colon = static_cast<const char*>(std::memchr(begin, ':', static_cast<std::size_t>(lineEnd - begin)));
		if (colon && !visit(lowerName(begin, colon), colon + 1, lineEnd)) return false;
		line = next;
	}
	return true;
}

// The announced body length when the head frames it by exactly one plain
// Content-Length; -1 otherwise (no body, chunked, Expect, duplicates, garbage):
// those go to the pool at once and the handler decides.
long long plainContentLength(const char* head, std::size_t size)
{
	long long length = -1;
	int lengths = 0;
	const bool plain = forEachHeader(head, size, [&](const std::string& name, const char* v, const char* w) {
		if (name == "transfer-encoding" || name == "expect") return false;
		if (name != "content-length") return true;
		++lengths;
		while (v < w && (*v == ' ' || *v == '\t')) ++v;
		while (w > v && (w[-1] == '\r' || w[-1] == ' ' || w[-1] == '\t')) --w;
		if (w == v || w - v > 18) return false;
		long long value = 0;
		for (const char* p = v; p < w; ++p)
		{
			if (!Poco::Ascii::isDigit(*p)) return false;
			value = value * 10 + (*p - '0');
		}
		length = value;
		return true;
	});
	return plain && lengths == 1 ? length : -1;
}

// True when the head announces a body: a Content-Length above 0, or any
// Transfer-Encoding (the handler judges the framing; here only "is there more?").
bool announcesBody(const char* head, std::size_t size)
{
	const bool none = forEachHeader(head, size, [](const std::string& name, const char* v, const char* lineEnd) {
		if (name == "transfer-encoding") return false;
		if (name != "content-length") return true;
		for (const char* p = v; p < lineEnd; ++p)
		{
			if (*p >= '1' && *p <= '9') return false;
		}
		return true;
	});
	return !none;
}

bool endsWithLastChunk(const char* data, std::size_t size)
{
	static const char LAST[] = "0\r\n\r\n";
	const std::size_t length = sizeof(LAST) - 1;
	return size >= length && std::memcmp(data + size - length, LAST, length) == 0;
}

} // namespace

RequestHead::Scan RequestHead::scan(const char* data, std::size_t size, std::size_t headLimit, std::size_t handOffLimit)
{
	Scan result;
	std::size_t start = 0;
	while (start < size && (data[start] == '\r' || data[start] == '\n')) ++start;
	if (start > headLimit)
	{
		result.state = TOO_LARGE;
		return result;
	}

	// The method: a token, then one space. Decided as soon as its bytes are here,
	// so a TLS handshake or binary noise is refused at its first packet.
	std::size_t i = start;
	while (i < size && i - start <= MAX_METHOD_LENGTH && isTokenChar(data[i])) ++i;
	if (i < size && (data[i] != ' ' || i == start || i - start > MAX_METHOD_LENGTH))
	{
		result.state = MALFORMED;
		return result;
	}
	if (i - start > MAX_METHOD_LENGTH)
	{
		result.state = MALFORMED;
		return result;
	}

	const std::size_t limit = size < headLimit ? size : headLimit;
	std::size_t end = 0;
	for (std::size_t k = start; k < limit; ++k)
	{
		if (isForbiddenControl(data[k]))
		{
			result.state = MALFORMED;
			return result;
		}
		if (data[k] != '\n') continue;
		// "\n\n" or "\n\r\n" ends the head (Poco accepts bare LF line ends too).
		if (k + 1 < limit && data[k + 1] == '\n') end = k + 2;
		else if (k + 2 < limit && data[k + 1] == '\r' && data[k + 2] == '\n') end = k + 3;
		if (end) break;
	}
	if (!end)
	{
		if (size >= headLimit) result.state = TOO_LARGE;
		return result;
	}

	result.headSize = end;
	result.needed = end;
	long long length = plainContentLength(data + start, end - start);
	if (length > 0 && static_cast<unsigned long long>(length) <= handOffLimit && end + static_cast<std::size_t>(length) <= handOffLimit)
		result.needed = end + static_cast<std::size_t>(length);
	result.state = size >= result.needed ? READY : INCOMPLETE;
	if (result.state == READY && result.needed == end && announcesBody(data + start, end - start))
	{
		// A body the pool would have to wait for: the gate rations such hand-offs.
		bool complete = length > 0 ? size >= end + static_cast<std::size_t>(length) : endsWithLastChunk(data + end, size - end);
		result.bodyPending = !complete;
	}
	return result;
}

} // namespace Sygen
