//
// HealthRequestHandler.h
//

#ifndef Sygen_HealthRequestHandler_INCLUDED
#define Sygen_HealthRequestHandler_INCLUDED

#include "jobs/IngressBackend.h"
#include <Poco/Net/HTTPRequestHandler.h>

namespace Sygen {

class HealthRequestHandler: public Poco::Net::HTTPRequestHandler
/// GET|HEAD /health → 200 {"status": "ok"}; no auth, no rate limit. While
/// something keeps jobs from being accepted or run (a full disk, a broken hook
/// file), 200 {"status": "degraded", "problems": {name: why}}.
{
public:
	explicit HealthRequestHandler(const IngressBackend& backend);

	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
	const IngressBackend& _backend;
};

} // namespace Sygen

#endif // Sygen_HealthRequestHandler_INCLUDED
