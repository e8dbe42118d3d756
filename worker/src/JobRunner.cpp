//
// JobRunner.cpp
//

#include "JobRunner.h"
#include "CronTaskRunner.h"
#include "Sygen/Foundation/IsoTime.h"
#include <Poco/Exception.h>
#include <Poco/Message.h>

namespace Sygen {

JobRunner::JobRunner(const WorkerSettings& settings, const Clock& clock):
	_settings(settings),
	_clock(clock),
	_logger(Poco::Logger::get("Sygen.JobRunner"))
{
}

void JobRunner::setWakeHandler(WakeHandler handler)
{
	_wake = std::move(handler);
}

WebhookResult JobRunner::run(const WorkOrder& order) const
{
	WebhookResult result;
	result.jobId = order.jobId;
	result.hookId = order.hook.id;
	result.hookTitle = order.hook.title;
	result.mode = order.hook.mode;
	Poco::Timestamp started = _clock.now();
	result.startedAt = IsoTime::format(started);
	JobOutcome outcome;
	try
	{
		outcome = dispatch(order);
	}
	catch (Poco::Exception& exc)
	{
		_logger.error("job %s (hook %s) failed: %s", order.jobId, order.hook.id, exc.displayText());
		outcome = {"error:exception", "", false};
	}
	catch (std::exception& exc)
	{
		_logger.error("job %s (hook %s) failed: %s", order.jobId, order.hook.id, std::string(exc.what()));
		outcome = {"error:exception", "", false};
	}
	Poco::Timestamp finished = _clock.now();
	result.status = outcome.status;
	result.resultText = outcome.text;
	result.delivered = outcome.delivered;
	result.finishedAt = IsoTime::format(finished);
	result.durationMs = (finished - started) / 1000;
	log(order, result);
	return result;
}

JobOutcome JobRunner::dispatch(const WorkOrder& order) const
{
	const std::string& mode = order.hook.mode;
	if (mode == "cron_task") return CronTaskRunner(_settings, _clock).run(order);
	if (mode == "wake") return _wake ? _wake(order) : JobOutcome{"error:no_wake_handler", "", false};
	return {"error:unknown_mode_" + mode, "", false};
}

void JobRunner::log(const WorkOrder& order, const WebhookResult& result) const
{
	Poco::Message msg(_logger.name(), "job " + order.jobId + " (hook " + order.hook.id + ") finished: " + result.status,
		result.status == "success" || result.status.compare(0, 8, "skipped:") == 0 ? Poco::Message::PRIO_INFORMATION
			: Poco::Message::PRIO_WARNING);
	// Structured fields for the journald channel (SPEC §15).
	msg.set("HOOK_ID", order.hook.id);
	msg.set("JOB_ID", order.jobId);
	msg.set("STATUS", result.status);
	_logger.log(msg);
}

} // namespace Sygen
