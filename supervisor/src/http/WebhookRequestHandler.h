//
// WebhookRequestHandler.h
//

#ifndef Sygen_WebhookRequestHandler_INCLUDED
#define Sygen_WebhookRequestHandler_INCLUDED

#include "jobs/IngressBackend.h"
#include <Poco/Net/HTTPRequestHandler.h>
#include <string>

namespace Sygen {

class WebhookRequestHandler: public Poco::Net::HTTPRequestHandler
/// POST /hooks/{hook_id}: the checks of SPEC §8 in exactly the table's order,
/// then a durable spool and 202. One instance per request.
{
public:
	WebhookRequestHandler(IngressBackend& backend, const std::string& hookId);

	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

	static bool isJSONMediaType(const std::string& contentType);
	/// application/json, case-insensitive, parameters ignored.

private:
	enum class BodyRead
	{
		OK,
		TOO_LARGE,
		BAD_LENGTH,
		NO_LENGTH,
		TRUNCATED ///< A chunked body ended by a close before its last chunk.
	};

	BodyRead readBody(Poco::Net::HTTPServerRequest& request, std::string& body) const;
	static bool peerClosed(Poco::Net::HTTPServerRequest& request);
	/// The client's side of the connection is closed (peeked, nothing consumed).
	void reply(Poco::Net::HTTPServerResponse& response, int status, const std::string& error);
	void accepted(Poco::Net::HTTPServerResponse& response, const Hook& hook, const EnqueueOutcome& outcome);

	IngressBackend& _backend;
	std::string _hookId;
};

} // namespace Sygen

#endif // Sygen_WebhookRequestHandler_INCLUDED
