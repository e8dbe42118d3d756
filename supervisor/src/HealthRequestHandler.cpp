//
// HealthRequestHandler.cpp
//

#include "HealthRequestHandler.h"
#include "JsonResponse.h"

namespace Sygen {

HealthRequestHandler::HealthRequestHandler(IngressBackend& backend):
	_backend(backend)
{
}

void HealthRequestHandler::handleRequest(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response)
{
	Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
	std::string unavailable = _backend.unavailableBackend();
	if (unavailable.empty())
	{
		body.set("status", "ok");
		JsonResponse::send(response, Poco::Net::HTTPResponse::HTTP_OK, body);
		return;
	}
	body.set("status", "unavailable");
	body.set("backend", unavailable);
	JsonResponse::send(response, Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE, body);
}

} // namespace Sygen
