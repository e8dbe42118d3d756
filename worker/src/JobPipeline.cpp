//
// JobPipeline.cpp
//

#include "JobPipeline.h"
#include "DependencyLock.h"
#include "QuietHours.h"
#include "Sygen/Foundation/LogFields.h"
#include "Sygen/Foundation/Logging.h"
#include "Sygen/Protocol/JobStatus.h"
#include <memory>

namespace Sygen {

JobPipeline::JobPipeline(const WorkerSettings& settings, const Clock& clock, ZoneSource zone):
	_settings(settings),
	_clock(clock),
	_zone(std::move(zone)),
	_logger(Poco::Logger::get("Sygen.JobPipeline"))
{
	if (!_zone)
	{
		std::string name = _settings.userTimezone;
		_zone = [name] { return TimeZone::resolve(name); };
	}
}

std::string JobPipeline::locksDir() const
{
	return _settings.paths.stateDir + "/locks";
}

JobOutcome JobPipeline::run(const WorkOrder& order, const FolderGate& folder, const Body& body) const
{
	const JobSpec& spec = order.spec;
	std::unique_ptr<DependencyLock> lock;
	if (spec.dependency && !spec.dependency->empty()) lock = std::make_unique<DependencyLock>(locksDir(), *spec.dependency);
	if (isQuiet(spec)) return {JobStatus::SKIPPED_QUIET_HOURS, ""};

	Folder where = folder(spec);
	if (!where.status.empty()) return {where.status, ""};

	ExecutionConfig config = ExecutionConfig::resolve(spec, _settings);
	if (!config.isModelValid())
	{
		Logging::log(_logger, Poco::Message::PRIO_WARNING,
			spec.mode + ": model \"" + config.model + "\" is not valid for provider " + config.provider,
			{{LogFields::HOOK_ID, spec.id}, {LogFields::JOB_ID, order.jobId}});
		return {JobStatus::ERROR_INVALID_MODEL, ""};
	}
	return body(where.path, config);
}

bool JobPipeline::isQuiet(const JobSpec& spec) const
{
	// The zone (a TZif file read and parsed) is resolved only for a hook with quiet
	// hours: it was most of the worker's own file I/O for a job that has none.
	QuietHours quiet(spec.quietStart, spec.quietEnd);
	return quiet.canBeQuiet() && quiet.isQuiet(_clock.now(), _zone());
}

} // namespace Sygen
