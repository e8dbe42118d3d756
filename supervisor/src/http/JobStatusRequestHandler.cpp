//
// JobStatusRequestHandler.cpp
//

#include "http/JobStatusRequestHandler.h"
#include "Sygen/Foundation/IsoTime.h"
#include "http/HTTPErrorMapper.h"
#include "http/JSONResponse.h"
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

using Poco::Net::HTTPResponse;

namespace Sygen {

JobStatusRequestHandler::JobStatusRequestHandler(IngressBackend& backend, const std::string& jobId):
	_backend(backend),
	_jobId(jobId)
{
}

Poco::JSON::Object::Ptr JobStatusRequestHandler::describe(const JobInfo& job)
{
	Poco::JSON::Object::Ptr obj = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	obj->set("job_id", job.jobId);
	obj->set("hook_id", job.hookId);
	obj->set("status", job.status);
	obj->set("result_text", job.result ? Poco::Dynamic::Var(job.result->resultText) : Poco::Dynamic::Var());
	obj->set("queued_at", IsoTime::format(job.queuedAt));
	if (job.result && !job.result->startedAt.empty()) obj->set("started_at", job.result->startedAt);
	else if (job.startedAt) obj->set("started_at", IsoTime::format(*job.startedAt));
	else obj->set("started_at", Poco::Dynamic::Var());
	obj->set("finished_at", job.result ? Poco::Dynamic::Var(job.result->finishedAt) : Poco::Dynamic::Var());
	obj->set("duration_ms", job.result ? Poco::Dynamic::Var(static_cast<Poco::Int64>(job.result->durationMs)) : Poco::Dynamic::Var());
	// Only on replayed jobs and their originals: every other answer keeps the reference's fields.
	if (!job.retryOf.empty()) obj->set("retry_of", job.retryOf);
	if (!job.retriedBy.empty()) obj->set("retried_by", job.retriedBy);
	return obj;
}

void JobStatusRequestHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
	std::optional<JobInfo> job;
	try
	{
		job = _backend.findJob(_jobId);
	}
	catch (Poco::Exception& exc)
	{
		// A database backend that cannot be reached answers 503 (HTTPErrorMapper).
		HTTPErrorMapper::respond(exc, response);
		_backend.countResponse("jobs", response.getStatus());
		return;
	}
	if (!job)
	{
		JobInfo probe;
		probe.jobId = _jobId;
		int status = _backend.mayReadJob(probe, request) ? 404 : 401;
		JSONResponse::error(response, static_cast<HTTPResponse::HTTPStatus>(status), status == 404 ? "job_not_found" : "unauthorized");
		_backend.countResponse("jobs", status);
		return;
	}
	if (!_backend.mayReadJob(*job, request))
	{
		JSONResponse::error(response, HTTPResponse::HTTP_UNAUTHORIZED, "unauthorized");
		_backend.countResponse("jobs", 401);
		return;
	}
	JSONResponse::send(response, HTTPResponse::HTTP_OK, *describe(*job));
	_backend.countResponse("jobs", 200);
}

} // namespace Sygen
