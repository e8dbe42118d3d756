//
// HealthRequestHandler.h
//

#ifndef Sygen_HealthRequestHandler_INCLUDED
#define Sygen_HealthRequestHandler_INCLUDED

#include "IngressBackend.h"
#include <Poco/Net/HTTPRequestHandler.h>

namespace Sygen {

class HealthRequestHandler: public Poco::Net::HTTPRequestHandler
	/// GET|HEAD /health → 200 {"status": "ok"}; no auth, no rate limit. While the job
	/// store cannot be reached: 503 {"status": "unavailable", "backend": "postgres"},
	/// so that a load balancer sends traffic to another node.
{
public:
	explicit HealthRequestHandler(IngressBackend& backend);

	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
	IngressBackend& _backend;
};

} // namespace Sygen

#endif // Sygen_HealthRequestHandler_INCLUDED
