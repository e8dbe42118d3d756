//
// WorkerPort.h
//
// What the dispatcher needs from the worker pool (a fake in tests).
//

#ifndef Sygen_WorkerPort_INCLUDED
#define Sygen_WorkerPort_INCLUDED

#include "Sygen/Protocol/WorkOrder.h"

namespace Sygen {

class WorkerPort
{
public:
	virtual ~WorkerPort() = default;

	virtual int idleWorker() = 0;
	/// The id of a connected worker ready for a job, or 0 when none is.

	virtual bool sendJob(int workerId, const WorkOrder& order) = 0;
	/// Sends the order to that worker, which becomes busy. Returns false, with
	/// nothing sent, when the worker is no longer idle (it died, is draining).
};

} // namespace Sygen

#endif // Sygen_WorkerPort_INCLUDED
