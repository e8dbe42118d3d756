//
// JSONResponse.h
//

#ifndef Sygen_JSONResponse_INCLUDED
#define Sygen_JSONResponse_INCLUDED

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <string>

namespace Sygen {

class JSONResponse
/// Sends JSON replies with `Content-Type: application/json; charset=utf-8`
/// (SPEC §8). A HEAD request gets the headers only (Poco discards the body).
{
public:
	static void send(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status, const Poco::JSON::Object& body);

	static void sendText(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status, const std::string& json);
	/// Sends json, already serialised. For the hot paths (202, errors): building a
	/// Poco::JSON::Object and condensing it costs a dozen allocations per answer.

	static void error(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status, const std::string& code);
	/// Sends {"error": code}.

	static void errorWithRetry(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status, const std::string& code,
		int retryAfterSeconds);
	/// Sends {"error": code} with a Retry-After header.
};

} // namespace Sygen

#endif // Sygen_JSONResponse_INCLUDED
