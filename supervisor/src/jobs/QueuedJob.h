//
// QueuedJob.h
//
// An accepted job waiting for a worker, as the dispatcher sees it.
//

#ifndef Sygen_QueuedJob_INCLUDED
#define Sygen_QueuedJob_INCLUDED

#include <Poco/Timestamp.h>
#include <string>

namespace Sygen {

struct QueuedJob
/// Only what ordering needs; the body stays in the spool until JobPreparer
/// reads it at dispatch time.
{
	std::string jobId;
	std::string hookId;
	std::string dependency; ///< Empty: no dependency, runs in parallel with anything.
	Poco::Timestamp queuedAt;
	int maxConcurrent = 0; ///< The hook's max_concurrent: jobs of this hook running at once; 0 = no limit.
};

} // namespace Sygen

#endif // Sygen_QueuedJob_INCLUDED
