//
// ErrorRequestHandler.cpp
//

#include "http/ErrorRequestHandler.h"
#include "http/JSONResponse.h"
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/String.h>

namespace Sygen {

ErrorRequestHandler::ErrorRequestHandler(
	IngressBackend& backend, int status, const std::string& error, const std::vector<std::string>& allow):
	_backend(backend),
	_status(status),
	_error(error),
	_allow(allow)
{
}

void ErrorRequestHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
	if (!_allow.empty()) response.set("Allow", Poco::cat(std::string(", "), _allow.begin(), _allow.end()));
	// An unread request body would be parsed as the next request: close instead.
	if (request.hasContentLength() || request.getChunkedTransferEncoding()) response.setKeepAlive(false);
	JSONResponse::error(response, static_cast<Poco::Net::HTTPResponse::HTTPStatus>(_status), _error);
	_backend.countResponse("other", _status);
}

} // namespace Sygen
