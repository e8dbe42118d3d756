//
// LogFields.h
//
// Library: Sygen/Foundation
//
// The names of the structured fields a log line may carry (SPEC §15), shared by
// the code that logs and the channels that write them.
//

#ifndef Sygen_Foundation_LogFields_INCLUDED
#define Sygen_Foundation_LogFields_INCLUDED

#include <string>
#include <vector>

namespace Sygen {

class LogFields
/// Poco::Message parameter names for structured log fields.
///
/// Callers attach a field with Message::set(LogFields::HOOK_ID, id) (or through
/// Logging::log()); JournaldChannel sends it as the upper-cased journal field
/// (HOOK_ID=...), StderrChannel appends it as hook_id=... . Poco 1.11 cannot
/// enumerate a message's parameters, so only the names listed in names() are
/// written: add a new field here, not at the call site.
{
public:
	static const std::string HOOK_ID;     ///< "hook_id": the hook a line is about.
	static const std::string JOB_ID;      ///< "job_id": the job a line is about.
	static const std::string WORKER_ID;   ///< "worker_id": the worker slot (1..workers).
	static const std::string STATUS;      ///< "status": a result status of SPEC §16.
	static const std::string PROVIDER;    ///< "provider": claude, codex or gemini.
	static const std::string DURATION_MS; ///< "duration_ms": run time of a job.
	static const std::string CLIENT_IP;   ///< "client_ip": the HTTP peer address.
	static const std::string HTTP_STATUS; ///< "http_status": the status code answered.

	static const std::vector<std::string>& names();
	/// Every parameter name above, in the order the channels write them.

	static std::string journalName(const std::string& name);
	/// The journal field name for a parameter name: upper-cased, characters
	/// outside [A-Z0-9_] replaced by '_'. Returns "" when the result is not a
	/// valid journal field name (empty, longer than 64, or starting with a digit
	/// or '_', which journald reserves for trusted fields).
};

} // namespace Sygen

#endif // Sygen_Foundation_LogFields_INCLUDED
