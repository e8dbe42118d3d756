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
	std::string unavailable = _backend.unavailableBackend();
	if (!unavailable.empty())
	{
		// The job store is unreachable: a load balancer must send traffic elsewhere.
		body.set("status", "unavailable");
		body.set("backend", unavailable);
		JSONResponse::send(response, Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE, body);
		return;
	}
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
