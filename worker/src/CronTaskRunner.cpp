//
// CronTaskRunner.cpp
//

#include "CronTaskRunner.h"
#include "CliLauncher.h"
#include "CliProviders.h"
#include "CronTaskPrompt.h"
#include "JobPipeline.h"
#include "OutputParser.h"
#include "Sygen/Protocol/JobStatus.h"
#include "TaskFolderResolver.h"

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
	if (!order.spec.taskFolder || order.spec.taskFolder->empty()) return {JobStatus::ERROR_NO_TASK_FOLDER, ""};
	JobPipeline::FolderGate folder = [this](const JobSpec& spec) {
		TaskFolderResolver::Resolution r = TaskFolderResolver(_settings.paths.cronTasksDir).resolve(spec.taskFolder);
		return JobPipeline::Folder{r.status, r.path};
	};
	return JobPipeline(_settings, _clock).run(order, folder, [&](const std::string& path, const ExecutionConfig& config) {
		return runCli(order, command(config, CronTaskPrompt::build(order.prompt, *order.spec.taskFolder)), path);
	});
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
		_logger.warning("job %s: %s timed out after %ds; stderr tail: %s", order.jobId, command.provider, _settings.cliTimeoutSeconds,
			logTail(outcome.stderrTail));
		return {JobStatus::ERROR_TIMEOUT, "[Webhook cron_task timed out after " + std::to_string(_settings.cliTimeoutSeconds) + "s]"};
	}
	int code = outcome.status.code();
	std::string text = CliProviders::find(command.provider).parseOutput(outcome.stdoutText, outcome.stderrTail, code);
	if (outcome.status.success()) return {JobStatus::SUCCESS, text};
	_logger.warning(
		"job %s: %s ended with %s; stderr tail: %s", order.jobId, command.provider, outcome.status.toString(), logTail(outcome.stderrTail));
	return {JobStatus::exitCode(code), text};
}

} // namespace Sygen
