//
// WorkerEvents.h
//
// What the worker pool tells the dispatcher (implemented by Dispatcher).
//

#ifndef Sygen_WorkerEvents_INCLUDED
#define Sygen_WorkerEvents_INCLUDED

#include "Sygen/Protocol/WebhookResult.h"
#include <string>

namespace Sygen {

class WorkerEvents
/// What the worker pool tells the dispatcher. Called without the pool's lock.
{
public:
	virtual ~WorkerEvents() = default;

	virtual void workerIdle(int workerId) = 0;
	/// A worker connected or finished draining a job and can take one.

	virtual void jobFinished(int workerId, const WebhookResult& result) = 0;
	/// The worker answered with the result of its job; it is idle again.

	virtual void jobLost(int workerId, const std::string& jobId) = 0;
	/// The worker died or its connection broke while it had jobId.
};

} // namespace Sygen

#endif // Sygen_WorkerEvents_INCLUDED
