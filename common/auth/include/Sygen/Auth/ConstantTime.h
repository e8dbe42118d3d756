//
// ConstantTime.h
//
// Library: Sygen/Auth
//

#ifndef Sygen_Auth_ConstantTime_INCLUDED
#define Sygen_Auth_ConstantTime_INCLUDED

#include <string>

namespace Sygen {

class ConstantTime
/// Comparison of secrets whose running time does not depend on where the inputs
/// differ, so that an attacker cannot guess a token or signature byte by byte
/// from response times.
{
public:
	static bool equals(const std::string& a, const std::string& b);
	/// True when a and b are byte-for-byte equal. Every byte of the longer input
	/// is visited whatever the content; the time depends only on the lengths.
	/// Never throws. Thread-safe.
};

} // namespace Sygen

#endif // Sygen_Auth_ConstantTime_INCLUDED
