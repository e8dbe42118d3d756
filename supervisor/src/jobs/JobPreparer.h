//
// JobPreparer.h
//
// Turns a queued job into a WorkOrder at dispatch time (SPEC §9 steps 1-3).
//

#ifndef Sygen_JobPreparer_INCLUDED
#define Sygen_JobPreparer_INCLUDED

#include "Sygen/Protocol/WebhookResult.h"
#include "Sygen/Protocol/WorkOrder.h"
#include "jobs/QueuedJob.h"
#include <Poco/Exception.h>
#include <optional>

namespace Sygen {

POCO_DECLARE_EXCEPTION(, JobNotReadyException, Poco::Exception)
/// Thrown by JobPreparer::prepare when the job cannot be judged now (the hook
/// file cannot be read): the job stays queued and is tried again later.

class JobPreparer
/// Implemented by the application (hook store + spool + template renderer).
{
public:
	virtual ~JobPreparer() = default;

	virtual std::optional<WorkOrder> prepare(const QueuedJob& job, WebhookResult& failure) = 0;
	/// Looks the hook up again, renders and wraps the prompt, and returns the order.
	/// When the job cannot run (hook gone: error:not_found), returns nullopt with
	/// `failure` filled as the job's final result; the dispatcher passes it to
	/// JobObserver::jobFinished. Called with the dispatcher's lock held, one job
	/// at a time, only when an idle worker is ready for the job. JobNotReadyException
	/// leaves the job queued (retried with backoff); any other exception is turned
	/// into an error:exception result for that job.
};

} // namespace Sygen

#endif // Sygen_JobPreparer_INCLUDED
