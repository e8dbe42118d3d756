//
// HealthRequestHandler.h
//

#ifndef Sygen_HealthRequestHandler_INCLUDED
#define Sygen_HealthRequestHandler_INCLUDED

#include <Poco/Net/HTTPRequestHandler.h>

namespace Sygen {

class HealthRequestHandler: public Poco::Net::HTTPRequestHandler
	/// GET|HEAD /health → 200 {"status": "ok"}; no auth, no rate limit.
{
public:
	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;
};

} // namespace Sygen

#endif // Sygen_HealthRequestHandler_INCLUDED
