//
// RequestHandlerFactory.cpp
//

#include "http/RequestHandlerFactory.h"
#include "http/ErrorRequestHandler.h"
#include "http/HealthRequestHandler.h"
#include "http/JobStatusRequestHandler.h"
#include "http/MetricsRequestHandler.h"
#include "http/WebhookRequestHandler.h"
#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/URI.h>
#include <algorithm>

namespace Sygen {

RequestHandlerFactory::RequestHandlerFactory(IngressBackend& backend):
	_backend(backend)
{
}

RequestHandlerFactory::Route RequestHandlerFactory::route(const std::string& uri)
{
	Route none;
	std::string path = uri.substr(0, uri.find_first_of("?#"));
	if (path == "/health") return {"health", "", {"GET", "HEAD"}};
	if (path == "/metrics") return {"metrics", "", {"GET", "HEAD"}};

	static const std::pair<std::string, std::vector<std::string>> collections[] = {{"/hooks/", {"POST"}}, {"/jobs/", {"GET", "HEAD"}}};
	for (const auto& collection: collections)
	{
		const std::string& prefix = collection.first;
		if (path.compare(0, prefix.size(), prefix) != 0) continue;
		std::string segment = path.substr(prefix.size());
		if (segment.empty() || segment.find('/') != std::string::npos) return none;
		std::string decoded;
		try
		{
			Poco::URI::decode(segment, decoded);
		}
		catch (Poco::SyntaxException&)
		{
			return none;
		}
		if (decoded.empty()) return none;
		return {prefix.substr(1, prefix.size() - 2), decoded, collection.second};
	}
	return none;
}

Poco::Net::HTTPRequestHandler* RequestHandlerFactory::createRequestHandler(const Poco::Net::HTTPServerRequest& request)
{
	Route r = route(request.getURI());
	if (r.name.empty()) return new ErrorRequestHandler(_backend, 404, "not_found", {});
	if (std::find(r.methods.begin(), r.methods.end(), request.getMethod()) == r.methods.end())
		return new ErrorRequestHandler(_backend, 405, "method_not_allowed", r.methods);
	if (r.name == "health") return new HealthRequestHandler(_backend);
	if (r.name == "hooks" && !_backend.acceptsHooks()) return new ErrorRequestHandler(_backend, 404, "not_found", {});
	if (r.name == "hooks") return new WebhookRequestHandler(_backend, r.argument);
	if (r.name == "jobs") return new JobStatusRequestHandler(_backend, r.argument);
	return new MetricsRequestHandler(_backend);
}

} // namespace Sygen
