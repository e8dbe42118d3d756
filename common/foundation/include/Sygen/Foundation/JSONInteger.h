//
// JSONInteger.h
//
// Library: Sygen/Foundation
//
// An integer literal from a payload that no machine integer holds, kept as its text.
//

#ifndef Sygen_Foundation_JSONInteger_INCLUDED
#define Sygen_Foundation_JSONInteger_INCLUDED

#include <string>

namespace Sygen {

class JSONInteger
/// An integer too large for Poco::Int64 and Poco::UInt64, as the sender wrote it
/// ("18446744073709551616", "-99999999999999999999"). PayloadParser puts it in a
/// payload tree inside a Poco::Dynamic::Var; JSONWriter writes its text unchanged,
/// so templates render it exactly, as a Python reference keeps it.
{
public:
	explicit JSONInteger(const std::string& text):
		_text(text)
	{
	}

	const std::string& text() const
	/// The literal: an optional minus sign, then digits without a leading zero.
	{
		return _text;
	}

	bool operator==(const JSONInteger& other) const { return _text == other._text; }

private:
	std::string _text;
};

} // namespace Sygen

#endif // Sygen_Foundation_JSONInteger_INCLUDED
