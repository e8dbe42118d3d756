//
// RequestHandlerFactory.h
//

#ifndef Sygen_RequestHandlerFactory_INCLUDED
#define Sygen_RequestHandlerFactory_INCLUDED

#include "jobs/IngressBackend.h"
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <string>
#include <vector>

namespace Sygen {

class RequestHandlerFactory: public Poco::Net::HTTPRequestHandlerFactory
/// Routes (SPEC §8):
///
///     GET|HEAD /health        HealthRequestHandler
///     POST     /hooks/{id}    WebhookRequestHandler
///     GET|HEAD /jobs/{id}     JobStatusRequestHandler
///     GET|HEAD /metrics       MetricsRequestHandler
///     anything else           404 not_found, or 405 method_not_allowed with Allow
///
/// {id} is one path segment, percent-decoded after splitting (so "%2F" is part
/// of the id, never a separator). Thread-safe.
{
public:
	explicit RequestHandlerFactory(IngressBackend& backend);

	Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

	struct Route
	{
		std::string name;                 ///< "health", "hooks", "jobs", "metrics" or "" (none).
		std::string argument;             ///< The decoded {id}.
		std::vector<std::string> methods; ///< Allowed methods.
	};

	static Route route(const std::string& uri);
	/// Matches a request target. A malformed percent-encoding matches no route.

private:
	IngressBackend& _backend;
};

} // namespace Sygen

#endif // Sygen_RequestHandlerFactory_INCLUDED
