//
// JobStatusRequestHandler.h
//

#ifndef Sygen_JobStatusRequestHandler_INCLUDED
#define Sygen_JobStatusRequestHandler_INCLUDED

#include "jobs/IngressBackend.h"
#include <Poco/Net/HTTPRequestHandler.h>
#include <string>

namespace Sygen {

class JobStatusRequestHandler: public Poco::Net::HTTPRequestHandler
/// GET /jobs/{job_id} (SPEC §8): 200 with the job's state for a caller holding
/// credentials its hook accepts; 401 otherwise; 404 for an unknown job. An
/// unknown job and a wrong token are told apart only after authentication
/// would have been possible, so ids cannot be probed without a token: without
/// valid global credentials an unknown job also answers 401.
{
public:
	JobStatusRequestHandler(IngressBackend& backend, const std::string& jobId);

	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

	static Poco::JSON::Object::Ptr describe(const JobInfo& job);
	/// {job_id, hook_id, status, result_text, queued_at, started_at, finished_at, duration_ms}.

private:
	IngressBackend& _backend;
	std::string _jobId;
};

} // namespace Sygen

#endif // Sygen_JobStatusRequestHandler_INCLUDED
