//
// HealthRequestHandler.cpp
//

#include "http/HealthRequestHandler.h"
#include "http/JSONResponse.h"

namespace Sygen {

HealthRequestHandler::HealthRequestHandler(const IngressBackend& backend):
	_backend(backend)
{
}

void HealthRequestHandler::handleRequest(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response)
{
	Poco::JSON::Object body;
	std::vector<std::pair<std::string, std::string>> problems = _backend.healthProblems();
	body.set("status", problems.empty() ? "ok" : "degraded");
	if (!problems.empty())
	{
		Poco::JSON::Object::Ptr details = new Poco::JSON::Object;
		for (const auto& problem: problems) details->set(problem.first, problem.second);
		body.set("problems", details);
	}
	JSONResponse::send(response, Poco::Net::HTTPResponse::HTTP_OK, body);
}

} // namespace Sygen
