//
// MetricsRequestHandler.cpp
//

#include "http/MetricsRequestHandler.h"
#include "http/JSONResponse.h"
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

using Poco::Net::HTTPResponse;

namespace Sygen {

MetricsRequestHandler::MetricsRequestHandler(IngressBackend& backend):
	_backend(backend)
{
}

void MetricsRequestHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
	if (!_backend.mayReadMetrics(request.clientAddress().host().toString(), request))
	{
		JSONResponse::error(response, HTTPResponse::HTTP_UNAUTHORIZED, "unauthorized");
		_backend.countResponse("metrics", 401);
		return;
	}
	_backend.countResponse("metrics", 200);
	std::string text = _backend.metricsText();
	response.setStatusAndReason(HTTPResponse::HTTP_OK);
	response.setContentType("text/plain; version=0.0.4; charset=utf-8");
	response.setContentLength(static_cast<std::streamsize>(text.size()));
	response.sendBuffer(text.data(), text.size());
}

} // namespace Sygen
