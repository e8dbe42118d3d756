//
// HealthRequestHandler.cpp
//

#include "http/HealthRequestHandler.h"
#include "http/JsonResponse.h"

namespace Sygen {

void HealthRequestHandler::handleRequest(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response)
{
	Poco::JSON::Object body;
	body.set("status", "ok");
	JsonResponse::send(response, Poco::Net::HTTPResponse::HTTP_OK, body);
}

} // namespace Sygen
