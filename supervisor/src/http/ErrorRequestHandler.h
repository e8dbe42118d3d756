//
// ErrorRequestHandler.h
//

#ifndef Sygen_ErrorRequestHandler_INCLUDED
#define Sygen_ErrorRequestHandler_INCLUDED

#include "jobs/IngressBackend.h"
#include <Poco/Net/HTTPRequestHandler.h>
#include <string>
#include <vector>

namespace Sygen {

class ErrorRequestHandler: public Poco::Net::HTTPRequestHandler
/// Answers unknown routes (404 not_found) and wrong methods (405
/// method_not_allowed with an Allow header listing the route's methods).
{
public:
	ErrorRequestHandler(IngressBackend& backend, int status, const std::string& error, const std::vector<std::string>& allow);

	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
	IngressBackend& _backend;
	int _status;
	std::string _error;
	std::vector<std::string> _allow;
};

} // namespace Sygen

#endif // Sygen_ErrorRequestHandler_INCLUDED
