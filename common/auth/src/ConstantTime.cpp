//
// ConstantTime.cpp
//

#include "Sygen/Auth/ConstantTime.h"

namespace Sygen {

bool ConstantTime::equals(const std::string& a, const std::string& b)
{
	// Walk the longer input completely and fold every difference into one
	// accumulator, so neither the content nor the position of the first
	// difference changes the number of steps. Bytes past the end of the shorter
	// input compare against 0; the length check is folded in at the end. The
	// volatile accumulator keeps the compiler from turning the loop into an early
	// exit.
	const std::size_t n = a.size() > b.size() ? a.size() : b.size();
	volatile unsigned char diff = 0;
	for (std::size_t i = 0; i < n; ++i)
	{
		const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
		const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
		diff = diff | static_cast<unsigned char>(x ^ y);
	}
	return diff == 0 && a.size() == b.size();
}

} // namespace Sygen
