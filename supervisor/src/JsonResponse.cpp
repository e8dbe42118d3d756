//
// JsonResponse.cpp
//

#include "JsonResponse.h"
#include "Sygen/JsonFields.h"
#include <algorithm>

namespace Sygen {

void JsonResponse::send(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status, const Poco::JSON::Object& body)
{
	std::string text = JsonFields::compact(Poco::Dynamic::Var(body));
	response.setStatusAndReason(status);
	response.setContentType("application/json; charset=utf-8");
	response.setContentLength(static_cast<std::streamsize>(text.size()));
	response.sendBuffer(text.data(), text.size());
}

void JsonResponse::error(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status, const std::string& code)
{
	Poco::JSON::Object body;
	body.set("error", code);
	send(response, status, body);
}

void JsonResponse::errorWithRetry(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status, const std::string& code, int retryAfterSeconds)
{
	response.set("Retry-After", std::to_string(std::max(1, retryAfterSeconds)));
	error(response, status, code);
}

} // namespace Sygen
