//
// HealthRequestHandler.cpp
//

#include "http/HealthRequestHandler.h"
#include "http/JSONResponse.h"

namespace Sygen {

void HealthRequestHandler::handleRequest(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response)
{
	Poco::JSON::Object body;
	body.set("status", "ok");
	JSONResponse::send(response, Poco::Net::HTTPResponse::HTTP_OK, body);
}

} // namespace Sygen
