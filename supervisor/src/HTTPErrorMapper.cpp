//
// HTTPErrorMapper.cpp
//

#include "HTTPErrorMapper.h"
#include "JobStore.h"
#include "JsonResponse.h"
#include <Poco/Logger.h>
#include <Poco/Net/NetException.h>

using Poco::Net::HTTPResponse;

namespace Sygen {

void HTTPErrorMapper::respond(const Poco::Exception& exc, Poco::Net::HTTPServerResponse& response)
{
	if (response.sent()) return;
	response.setKeepAlive(false);
	if (dynamic_cast<const Poco::TimeoutException*>(&exc))
	{
		JsonResponse::error(response, HTTPResponse::HTTP_REQUEST_TIMEOUT, "request_timeout");
		return;
	}
	if (dynamic_cast<const Poco::Net::ConnectionResetException*>(&exc) || dynamic_cast<const Poco::Net::ConnectionAbortedException*>(&exc))
		return;
	if (dynamic_cast<const BackendUnavailable*>(&exc))
	{
		// The database is down: logged once per outage by the pool, not per request.
		JsonResponse::errorWithRetry(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "backend_unavailable", 5);
		return;
	}
	if (dynamic_cast<const Poco::Net::MessageException*>(&exc))
	{
		JsonResponse::error(response, HTTPResponse::HTTP_BAD_REQUEST, "bad_request");
		return;
	}
	Poco::Logger::get("Ingress").error("request failed: %s", exc.displayText());
	JsonResponse::error(response, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal_error");
}

} // namespace Sygen
