//
// JobStatus.h
//
// Library: Sygen/Protocol
//
// The status strings of a job (SPEC §16), in one place for the worker that sets
// them and the supervisor that reads them.
//

#ifndef Sygen_Protocol_JobStatus_INCLUDED
#define Sygen_Protocol_JobStatus_INCLUDED

#include <string>

namespace Sygen {

struct JobStatus
/// A status is "success", "skipped:<reason>" or "error:<reason>"; a few errors
/// carry a suffix (the exit code, the provider, the mode). "cancelled" is the
/// one status of neither kind (`sygen-webhookctl jobs cancel`).
{
	static const std::string SUCCESS;
	static const std::string SKIPPED_QUIET_HOURS;
	static const std::string ERROR_EXCEPTION;
	static const std::string ERROR_NOT_FOUND;
	static const std::string ERROR_WORKER_LOST;
	static const std::string ERROR_JOURNAL_DAMAGED;
	static const std::string CANCELLED; ///< "cancelled": an operator's `jobs cancel`.
	static const std::string ERROR_TIMEOUT;
	static const std::string ERROR_NO_RESPONSE;
	static const std::string ERROR_NO_WAKE_HANDLER;
	static const std::string ERROR_INVALID_MODEL;
	static const std::string ERROR_NO_TASK_FOLDER;
	static const std::string ERROR_INVALID_TASK_FOLDER;
	static const std::string ERROR_FOLDER_MISSING;
	static const std::string ERROR_EXIT_PREFIX;          ///< "error:exit_" + the CLI's exit code.
	static const std::string ERROR_CLI_NOT_FOUND_PREFIX; ///< "error:cli_not_found_" + the provider.
	static const std::string ERROR_UNKNOWN_MODE_PREFIX;  ///< "error:unknown_mode_" + the mode.
	static const std::string SKIPPED_PREFIX;             ///< "skipped:"

	static std::string exitCode(int code);
	/// "error:exit_<code>".

	static std::string cliNotFound(const std::string& provider);
	/// "error:cli_not_found_<provider>".

	static std::string unknownMode(const std::string& mode);
	/// "error:unknown_mode_<mode>".

	static bool isSkipped(const std::string& status);
	/// True for "skipped:...".
};

} // namespace Sygen

#endif // Sygen_Protocol_JobStatus_INCLUDED
