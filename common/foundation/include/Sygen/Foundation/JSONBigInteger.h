//
// JSONBigInteger.h
//
// Library: Sygen/Foundation
//

#ifndef Sygen_Foundation_JSONBigInteger_INCLUDED
#define Sygen_Foundation_JSONBigInteger_INCLUDED

#include <string>

namespace Sygen {

class JSONBigInteger
	/// A JSON integer outside the range of Poco's integers (below Int64's minimum or
	/// above UInt64's maximum), kept as the sender wrote it. PayloadParser puts one in
	/// the payload tree where Poco 1.11's parser would refuse the number or silently
	/// wrap it; JSONWriter writes it back verbatim, as Python's json does.
{
public:
	explicit JSONBigInteger(const std::string& literal);
		/// literal is a valid JSON integer literal: an optional '-' and digits.

	const std::string& literal() const;
		/// The digits, as written.

	bool operator==(const JSONBigInteger& other) const;

	static bool exceedsPoco(const char* begin, const char* end);
		/// True when the integer literal [begin, end) (an optional '-', then digits
		/// without a leading zero) lies outside [Int64 minimum, UInt64 maximum].

private:
	std::string _literal;
};

} // namespace Sygen

#endif // Sygen_Foundation_JSONBigInteger_INCLUDED
