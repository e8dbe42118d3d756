//
// JobPipeline.h
//
// Library: Sygen/worker
//
// The gates every job passes before its CLI runs, in one order for cron_task
// (SPEC §10 steps 2-5) and wake (§11): the dependency lock, quiet hours, the
// job's folder, the execution config.
//

#ifndef Sygen_JobPipeline_INCLUDED
#define Sygen_JobPipeline_INCLUDED

#include "ExecutionConfig.h"
#include "JobOutcome.h"
#include "Sygen/Foundation/Clock.h"
#include "Sygen/Protocol/WorkOrder.h"
#include "TimeZone.h"
#include "WorkerSettings.h"
#include <Poco/Logger.h>
#include <functional>
#include <string>

namespace Sygen {

class JobPipeline
/// Holds the settings; each run() is independent. Thread-safe (the dependency
/// lock serialises jobs of one dependency, across workers too).
{
public:
	struct Folder
	{
		std::string status; ///< "" when usable, else the SPEC §16 error status.
		std::string path;   ///< the folder the CLI runs in, when usable.
	};

	using FolderGate = std::function<Folder(const JobSpec& spec)>;
	/// The job's folder: cron_task's task folder, wake's workspace.

	using Body = std::function<JobOutcome(const std::string& folder, const ExecutionConfig& config)>;
	/// What runs once every gate passed, still under the dependency lock.

	using ZoneSource = std::function<TimeZone()>;
	/// The user's time zone; resolved only for a hook with a quiet hour.

	JobPipeline(const WorkerSettings& settings, const Clock& clock, ZoneSource zone = ZoneSource());
	/// An empty zone source resolves settings.userTimezone (TimeZone::resolve).

	JobOutcome run(const WorkOrder& order, const FolderGate& folder, const Body& body) const;
	/// 1. the dependency lock <paths.stateDir>/locks/<dependency>.lock, held until
	///    run() returns, when the spec names a dependency;
	/// 2. quiet hours, evaluated now (after the lock is free, not when the job
	///    was queued): skipped:quiet_hours;
	/// 3. folder(spec): its status when not usable;
	/// 4. ExecutionConfig::resolve: error:invalid_model when the provider does
	///    not know the model (logged);
	/// then body(folder, config). The outcome's delivered flag is left to the caller.

	std::string locksDir() const;
	/// <paths.stateDir>/locks: the dependency and chat locks.

private:
	bool isQuiet(const JobSpec& spec) const;

	WorkerSettings _settings;
	const Clock& _clock;
	ZoneSource _zone;
	Poco::Logger& _logger;
};

} // namespace Sygen

#endif // Sygen_JobPipeline_INCLUDED
