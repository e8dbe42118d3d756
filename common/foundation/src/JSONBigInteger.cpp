//
// JSONBigInteger.cpp
//

#include "Sygen/Foundation/JSONBigInteger.h"
#include <cstring>

namespace Sygen {

JSONBigInteger::JSONBigInteger(const std::string& literal): _literal(literal)
{
}

const std::string& JSONBigInteger::literal() const
{
	return _literal;
}

bool JSONBigInteger::operator==(const JSONBigInteger& other) const
{
	return _literal == other._literal;
}

bool JSONBigInteger::exceedsPoco(const char* begin, const char* end)
{
	bool negative = begin < end && *begin == '-';
	if (negative) ++begin;
	// Without leading zeros, more digits means larger; equal lengths compare as text.
	const char* limit = negative ? "9223372036854775808" : "18446744073709551615";
	std::size_t limitLength = std::strlen(limit);
	std::size_t length = static_cast<std::size_t>(end - begin);
	if (length != limitLength) return length > limitLength;
	return std::memcmp(begin, limit, length) > 0;
}

} // namespace Sygen
