//
// CronTaskRunner.cpp
//

#include "CronTaskRunner.h"
#include "Sygen/Protocol/JobStatus.h"
#include "CliLauncher.h"
#include "CliProviders.h"
#include "CronTaskPrompt.h"
#include "DependencyLock.h"
#include "OutputParser.h"
#include "QuietHours.h"
#include "TaskFolderResolver.h"
#include "TimeZone.h"
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>

namespace Sygen {

namespace {

std::string logTail(const std::string& stderrBytes)
	/// The end of stderr, short enough for one log line.
{
	return OutputParser::lastCharacters(OutputParser::clean(stderrBytes), 2000);
}

} // namespace

CronTaskRunner::CronTaskRunner(const WorkerSettings& settings, const Clock& clock):
	_settings(settings),
	_clock(clock),
	_logger(Poco::Logger::get("Sygen.CronTaskRunner"))
{
}

JobOutcome CronTaskRunner::run(const WorkOrder& order) const
{
	const JobSpec& hook = order.spec;
	if (!hook.taskFolder || hook.taskFolder->empty()) return {JobStatus::ERROR_NO_TASK_FOLDER, ""};
	std::unique_ptr<DependencyLock> lock;
	if (hook.dependency && !hook.dependency->empty())
	{
		std::string stateDir = _settings.stateDir.empty() ? _settings.home + "/webhook-state" : _settings.stateDir;
		lock = std::make_unique<DependencyLock>(stateDir + "/locks", *hook.dependency);
	}
	return runLocked(order);
}

JobOutcome CronTaskRunner::runLocked(const WorkOrder& order) const
{
	const JobSpec& hook = order.spec;
	// Evaluated now, after the dependency is free, not when the job was queued. The
	// zone (a TZif file read and parsed) is resolved only for a hook with quiet hours:
	// it was most of the worker's own file I/O for a job that has none.
	QuietHours quiet(hook.quietStart, hook.quietEnd);
	if (quiet.canBeQuiet() && quiet.isQuiet(_clock.now(), TimeZone::resolve(_settings.userTimezone))) return {JobStatus::SKIPPED_QUIET_HOURS, ""};

	TaskFolderResolver resolver(TaskFolderResolver::cronTasksDir(_settings.home));
	TaskFolderResolver::Resolution folder = resolver.resolve(hook.taskFolder);
	if (!folder.status.empty()) return {folder.status, ""};
	return execute(order, folder.path);
}

JobOutcome CronTaskRunner::execute(const WorkOrder& order, const std::string& folder) const
{
	ExecutionConfig config = ExecutionConfig::resolve(order.spec, _settings);
	if (!config.isModelValid())
	{
		_logger.warning("hook %s: model \"%s\" is not valid for provider %s", order.spec.id, config.model, config.provider);
		return {JobStatus::ERROR_INVALID_MODEL, ""};
	}
	std::string prompt = CronTaskPrompt::build(order.prompt, *order.spec.taskFolder);
	return runCli(order, command(config, prompt), folder);
}

CliCommand CronTaskRunner::command(const ExecutionConfig& config, const std::string& prompt)
{
	return config.cliProvider().command(config, prompt);
}

JobOutcome CronTaskRunner::runCli(const WorkOrder& order, const CliCommand& command, const std::string& folder) const
{
	CliLaunch launch = CliLauncher(_settings).launch(command, folder);
	if (!launch.found) return {JobStatus::cliNotFound(command.provider), "[" + command.provider + " CLI not found]"};
	const CliOutcome& outcome = launch.outcome;

	if (outcome.timedOut)
	{
		_logger.warning("job %s: %s timed out after %ds; stderr tail: %s", order.jobId, command.provider,
			_settings.cliTimeoutSeconds, logTail(outcome.stderrTail));
		return {JobStatus::ERROR_TIMEOUT, "[Webhook cron_task timed out after " + std::to_string(_settings.cliTimeoutSeconds) + "s]"};
	}
	int code = outcome.status.code();
	std::string text = CliProviders::find(command.provider).parseOutput(outcome.stdoutText, outcome.stderrTail, code);
	if (outcome.status.success()) return {JobStatus::SUCCESS, text};
	_logger.warning("job %s: %s ended with %s; stderr tail: %s", order.jobId, command.provider,
		outcome.status.toString(), logTail(outcome.stderrTail));
	return {JobStatus::exitCode(code), text};
}

} // namespace Sygen
