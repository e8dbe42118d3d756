//
// JobRunner.h
//
// Library: Sygen/worker
//
// Runs one WorkOrder in the worker and builds its WebhookResult: routes on the
// hook's mode, times the run, and turns unexpected failures into error:exception.
//

#ifndef Sygen_JobRunner_INCLUDED
#define Sygen_JobRunner_INCLUDED

#include "JobOutcome.h"
#include "Sygen/Foundation/Clock.h"
#include "Sygen/Protocol/WebhookResult.h"
#include "Sygen/Protocol/WorkOrder.h"
#include "WorkerSettings.h"
#include <Poco/Logger.h>
#include <functional>

namespace Sygen {

class JobRunner
/// Thread-safe: run() may be called from several threads (each call is independent).
{
public:
	using WakeHandler = std::function<JobOutcome(const WorkOrder&)>;
	/// Runs a wake job (SPEC §11); may throw.

	explicit JobRunner(const WorkerSettings& settings, const Clock& clock = Clock::system());

	void setWakeHandler(WakeHandler handler);
	/// Without one, wake jobs end with error:no_wake_handler.
	/// Call before the first run().

	WebhookResult run(const WorkOrder& order) const;
	/// cron_task: SPEC §10; wake: the wake handler; any other mode:
	/// error:unknown_mode_<mode>. An exception escaping a handler gives
	/// error:exception (logged, with an empty result text). Never throws.

	static WebhookResult complete(
		const WorkOrder& order, const std::function<WebhookResult()>& handle, const Clock& clock = Clock::system());
	/// The one place a job's exceptions are caught and its result completed (this
	/// runner's run() and WorkerApp's other job handlers): runs handle; an exception
	/// gives error:exception with an empty text (logged). Then the job id is the
	/// order's, and what the result leaves empty is filled in: hook id, title and
	/// mode from the order, status error:exception, started_at and finished_at
	/// around handle, duration_ms between them when 0. Never throws.

	const WorkerSettings& settings() const { return _settings; }

private:
	JobOutcome dispatch(const WorkOrder& order) const;
	void log(const WorkOrder& order, const WebhookResult& result) const;

	WorkerSettings _settings;
	const Clock& _clock;
	WakeHandler _wake;
	Poco::Logger& _logger;
};

} // namespace Sygen

#endif // Sygen_JobRunner_INCLUDED
