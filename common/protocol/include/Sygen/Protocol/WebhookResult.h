//
// WebhookResult.h
//
// Library: Sygen/Protocol
//
// The outcome of one job, as a worker reports it (the "result" frame's body)
// and as the supervisor keeps it for GET /jobs/{id}.
//

#ifndef Sygen_Protocol_WebhookResult_INCLUDED
#define Sygen_Protocol_WebhookResult_INCLUDED

#include <Poco/JSON/Object.h>
#include <string>

namespace Sygen {

struct WebhookResult
/// Status strings are those of SPEC §16 ("success", "error:timeout", ...).
{
	std::string jobId;
	std::string hookId;
	std::string hookTitle;
	std::string mode;
	std::string status;
	std::string resultText;
	std::string startedAt;  ///< ISO-8601 UTC; empty when the job never started.
	std::string finishedAt; ///< ISO-8601 UTC.
	long long durationMs = 0;
	bool delivered = false; ///< true when the worker already delivered it (wake mode).

	Poco::JSON::Object::Ptr toJSON() const;
	static WebhookResult fromJSON(const Poco::JSON::Object& obj);
	/// Throws Poco::DataFormatException when a required field is missing.
};

} // namespace Sygen

#endif // Sygen_Protocol_WebhookResult_INCLUDED
