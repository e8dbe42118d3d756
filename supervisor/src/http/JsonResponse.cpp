//
// JsonResponse.cpp
//

#include "http/JsonResponse.h"
#include "Sygen/Foundation/JsonFields.h"
#include "Sygen/Foundation/JsonWriter.h"
#include <algorithm>

namespace Sygen {

void JsonResponse::send(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status, const Poco::JSON::Object& body)
{
	sendText(response, status, JsonFields::compact(Poco::Dynamic::Var(body)));
}

void JsonResponse::sendText(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status, const std::string& json)
{
	response.setStatusAndReason(status);
	response.setContentType("application/json; charset=utf-8");
	response.setContentLength(static_cast<std::streamsize>(json.size()));
	response.sendBuffer(json.data(), json.size());
}

void JsonResponse::error(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status, const std::string& code)
{
	sendText(response, status, "{\"error\":" + JsonWriter::quote(code) + "}");
}

void JsonResponse::errorWithRetry(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status, const std::string& code, int retryAfterSeconds)
{
	response.set("Retry-After", std::to_string(std::max(1, retryAfterSeconds)));
	error(response, status, code);
}

} // namespace Sygen
