//
// JobObserver.h
//
// Receives the life-cycle events of dispatched jobs.
//

#ifndef Sygen_JobObserver_INCLUDED
#define Sygen_JobObserver_INCLUDED

#include "Sygen/Protocol/WebhookResult.h"
#include <Poco/Exception.h>
#include <Poco/Timestamp.h>
#include <string>

namespace Sygen {

POCO_DECLARE_EXCEPTION(, JobTakenException, Poco::Exception)
/// Thrown by jobStarted() when the job is no longer this node's to run (cluster
/// mode: its claim was handed to another node while this one was presumed dead).
/// The dispatcher drops it without a result: its new owner reports one.

class JobObserver
/// Implemented by the application (spool, history, telemetry, delivery).
{
public:
	virtual ~JobObserver() = default;

	virtual void jobStarted(const std::string& jobId, int workerId, Poco::Timestamp at) = 0;
	/// The job is about to be sent to worker workerId. Called before the job frame
	/// is written, with the dispatcher's lock held, so that once this returns the
	/// job is durably "running" and a crash can never run it twice. If the send
	/// then fails (the worker died in between), the job goes back to the head of
	/// its queue and jobStarted is called again at its next dispatch. Throws
	/// JobTakenException when the job must not run here at all.

	virtual void jobFinished(const WebhookResult& result) = 0;
	/// The job's final result: a worker's result, error:worker_lost, or the failure
	/// of JobPreparer::prepare. Called exactly once per job, without the
	/// dispatcher's lock, from a pool or dispatcher thread.
};

} // namespace Sygen

#endif // Sygen_JobObserver_INCLUDED
