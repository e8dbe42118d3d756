//
// MetricsRequestHandler.h
//

#ifndef Sygen_MetricsRequestHandler_INCLUDED
#define Sygen_MetricsRequestHandler_INCLUDED

#include "jobs/IngressBackend.h"
#include <Poco/Net/HTTPRequestHandler.h>

namespace Sygen {

class MetricsRequestHandler: public Poco::Net::HTTPRequestHandler
/// GET /metrics: Prometheus text format, for loopback clients or the global token.
{
public:
	explicit MetricsRequestHandler(IngressBackend& backend);

	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
	IngressBackend& _backend;
};

} // namespace Sygen

#endif // Sygen_MetricsRequestHandler_INCLUDED
