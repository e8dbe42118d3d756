//
// HTTPErrorMapper.cpp
//

#include "http/HTTPErrorMapper.h"
#include "http/JSONResponse.h"
#include "jobs/JobSpool.h"
#include "jobs/JobStore.h"
#include <Poco/Logger.h>
#include <Poco/Net/NetException.h>

using Poco::Net::HTTPResponse;

namespace Sygen {

namespace {

const int JOURNAL_RETRY_SECONDS = 30;

} // namespace

void HTTPErrorMapper::respond(const Poco::Exception& exc, Poco::Net::HTTPServerResponse& response)
{
	if (response.sent()) return;
	response.setKeepAlive(false);
	if (dynamic_cast<const Poco::TimeoutException*>(&exc))
	{
		JSONResponse::error(response, HTTPResponse::HTTP_REQUEST_TIMEOUT, "request_timeout");
		return;
	}
	if (dynamic_cast<const BackendUnavailable*>(&exc))
	{
		// The database is down: logged once per outage by the pool, not per request.
		JSONResponse::errorWithRetry(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "backend_unavailable", 5);
		return;
	}
	if (dynamic_cast<const Poco::Net::ConnectionResetException*>(&exc) || dynamic_cast<const Poco::Net::ConnectionAbortedException*>(&exc))
		return;
	if (dynamic_cast<const Poco::Net::MessageException*>(&exc))
	{
		JSONResponse::error(response, HTTPResponse::HTTP_BAD_REQUEST, "bad_request");
		return;
	}
	if (dynamic_cast<const JournalWriteException*>(&exc))
	{
		// The job was not accepted; the spool logs the episode once, not per request.
		JSONResponse::errorWithRetry(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "journal_unavailable", JOURNAL_RETRY_SECONDS);
		return;
	}
	Poco::Logger::get("Sygen.HTTPErrorMapper").error("request failed: %s", exc.displayText());
	JSONResponse::error(response, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal_error");
}

} // namespace Sygen
