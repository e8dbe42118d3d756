//
// JobRunner.cpp
//

#include "JobRunner.h"
#include "CronTaskRunner.h"
#include "Sygen/Foundation/IsoTime.h"
#include "Sygen/Foundation/LogFields.h"
#include "Sygen/Foundation/Logging.h"
#include "Sygen/Protocol/JobStatus.h"
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
	WebhookResult result = complete(
		order,
		[&] {
			JobOutcome outcome = dispatch(order);
			WebhookResult r;
			r.status = outcome.status;
			r.resultText = outcome.text;
			r.delivered = outcome.delivered;
			return r;
		},
		_clock);
	log(order, result);
	return result;
}

WebhookResult JobRunner::complete(const WorkOrder& order, const std::function<WebhookResult()>& handle, const Clock& clock)
{
	Poco::Timestamp started = clock.now();
	WebhookResult result;
	std::string failure;
	try
	{
		result = handle();
	}
	catch (Poco::Exception& exc)
	{
		failure = exc.displayText();
	}
	catch (std::exception& exc)
	{
		failure = exc.what();
	}
	if (!failure.empty())
	{
		Poco::Logger::get("Sygen.JobRunner").error("job %s (hook %s) failed: %s", order.jobId, order.spec.id, failure);
		result = WebhookResult();
	}
	if (result.status.empty()) result.status = JobStatus::ERROR_EXCEPTION;
	// The supervisor matches results by job id; never let a handler get that wrong.
	result.jobId = order.jobId;
	if (result.hookId.empty()) result.hookId = order.spec.id;
	if (result.hookTitle.empty()) result.hookTitle = order.spec.title;
	if (result.mode.empty()) result.mode = order.spec.mode;
	if (result.startedAt.empty()) result.startedAt = IsoTime::format(started);
	if (result.finishedAt.empty())
	{
		Poco::Timestamp finished = clock.now();
		result.finishedAt = IsoTime::format(finished);
		if (result.durationMs == 0) result.durationMs = (finished - started) / 1000;
	}
	return result;
}

JobOutcome JobRunner::dispatch(const WorkOrder& order) const
{
	const std::string& mode = order.spec.mode;
	if (mode == "cron_task") return CronTaskRunner(_settings, _clock).run(order);
	if (mode == "wake") return _wake ? _wake(order) : JobOutcome{JobStatus::ERROR_NO_WAKE_HANDLER, "", false};
	return {JobStatus::unknownMode(mode), "", false};
}

void JobRunner::log(const WorkOrder& order, const WebhookResult& result) const
{
	const auto prio = result.status == JobStatus::SUCCESS || JobStatus::isSkipped(result.status) ? Poco::Message::PRIO_INFORMATION
																								 : Poco::Message::PRIO_WARNING;
	// Structured fields for the journald channel (SPEC §15), by the names it looks for.
	Logging::log(_logger, prio, "job " + order.jobId + " (hook " + order.spec.id + ") finished: " + result.status,
		{{LogFields::HOOK_ID, order.spec.id}, {LogFields::JOB_ID, order.jobId}, {LogFields::STATUS, result.status}});
}

} // namespace Sygen
