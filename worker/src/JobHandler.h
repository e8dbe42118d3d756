//
// JobHandler.h
//
// Library: Sygen/worker
//
// What WorkerApp runs for each job frame.
//

#ifndef Sygen_JobHandler_INCLUDED
#define Sygen_JobHandler_INCLUDED

#include "Sygen/Protocol/WebhookResult.h"
#include "Sygen/Protocol/WorkOrder.h"

namespace Sygen {

class JobHandler
/// Runs one job to its result. The application's implementation is JobRunner;
/// tests plug in their own.
{
public:
	virtual ~JobHandler() = default;

	virtual WebhookResult handle(const WorkOrder& order) = 0;
	/// Returns the job's result. May throw; WorkerApp turns an exception into
	/// an error:exception result. Called on the worker's main thread, one job
	/// at a time.
};

} // namespace Sygen

#endif // Sygen_JobHandler_INCLUDED
