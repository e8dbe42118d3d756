//
// JobStatus.cpp
//

#include "Sygen/Protocol/JobStatus.h"

namespace Sygen {

const std::string JobStatus::SUCCESS = "success";
const std::string JobStatus::SKIPPED_QUIET_HOURS = "skipped:quiet_hours";
const std::string JobStatus::ERROR_EXCEPTION = "error:exception";
const std::string JobStatus::ERROR_NOT_FOUND = "error:not_found";
const std::string JobStatus::ERROR_WORKER_LOST = "error:worker_lost";
const std::string JobStatus::ERROR_JOURNAL_DAMAGED = "error:journal_damaged";
const std::string JobStatus::CANCELLED = "cancelled";
const std::string JobStatus::ERROR_TIMEOUT = "error:timeout";
const std::string JobStatus::ERROR_NO_RESPONSE = "error:no_response";
const std::string JobStatus::ERROR_NO_WAKE_HANDLER = "error:no_wake_handler";
const std::string JobStatus::ERROR_INVALID_MODEL = "error:invalid_model";
const std::string JobStatus::ERROR_NO_TASK_FOLDER = "error:no_task_folder";
const std::string JobStatus::ERROR_INVALID_TASK_FOLDER = "error:invalid_task_folder";
const std::string JobStatus::ERROR_FOLDER_MISSING = "error:folder_missing";
const std::string JobStatus::ERROR_EXIT_PREFIX = "error:exit_";
const std::string JobStatus::ERROR_CLI_NOT_FOUND_PREFIX = "error:cli_not_found_";
const std::string JobStatus::ERROR_UNKNOWN_MODE_PREFIX = "error:unknown_mode_";
const std::string JobStatus::SKIPPED_PREFIX = "skipped:";

std::string JobStatus::exitCode(int code)
{
	return ERROR_EXIT_PREFIX + std::to_string(code);
}

std::string JobStatus::cliNotFound(const std::string& provider)
{
	return ERROR_CLI_NOT_FOUND_PREFIX + provider;
}

std::string JobStatus::unknownMode(const std::string& mode)
{
	return ERROR_UNKNOWN_MODE_PREFIX + mode;
}

bool JobStatus::isSkipped(const std::string& status)
{
	return status.compare(0, SKIPPED_PREFIX.size(), SKIPPED_PREFIX) == 0;
}

} // namespace Sygen
