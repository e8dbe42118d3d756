//
// JobOutcome.h
//
// Library: Sygen/worker
//

#ifndef Sygen_JobOutcome_INCLUDED
#define Sygen_JobOutcome_INCLUDED

#include <string>

namespace Sygen {

struct JobOutcome
/// What a mode handler decided: a SPEC §16 status and the result text.
{
	std::string status;
	std::string text;
	bool delivered = false; ///< the handler delivered the result itself (wake).
};

} // namespace Sygen

#endif // Sygen_JobOutcome_INCLUDED
