//
// CronTaskRunner.h
//
// Library: Sygen/worker
//
// One cron_task job (SPEC §10): the task folder set, then the JobPipeline gates
// (dependency lock, quiet hours, task folder usable, execution config), the
// prompt, the command line, the sandboxed run and the parsed result.
//

#ifndef Sygen_CronTaskRunner_INCLUDED
#define Sygen_CronTaskRunner_INCLUDED

#include "CliCommand.h"
#include "ExecutionConfig.h"
#include "JobOutcome.h"
#include "Sygen/Foundation/Clock.h"
#include "Sygen/Protocol/WorkOrder.h"
#include "WorkerSettings.h"
#include <Poco/Logger.h>

namespace Sygen {


class CronTaskRunner
/// Holds only settings; each run() is independent. Safe to use from several
/// threads at once (the dependency lock serialises jobs of one dependency).
{
public:
	CronTaskRunner(const WorkerSettings& settings, const Clock& clock);

	JobOutcome run(const WorkOrder& order) const;
	/// Returns success, skipped:quiet_hours or an error:… status of SPEC §16
	/// (no_task_folder, invalid_task_folder, folder_missing, invalid_model,
	/// cli_not_found_<provider>, timeout, exit_<n>). Throws on unexpected
	/// failures (the caller maps them to error:exception).

	static CliCommand command(const ExecutionConfig& config, const std::string& prompt);
	/// The command line for config's provider (claude for unknown providers).

private:
	JobOutcome runCli(const WorkOrder& order, const CliCommand& command, const std::string& folder) const;

	WorkerSettings _settings;
	const Clock& _clock;
	Poco::Logger& _logger;
};

} // namespace Sygen

#endif // Sygen_CronTaskRunner_INCLUDED
