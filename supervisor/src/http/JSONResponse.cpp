//
// JSONResponse.cpp
//

#include "http/JSONResponse.h"
#include "Sygen/Foundation/JSONFields.h"
#include "Sygen/Foundation/JSONWriter.h"
#include <algorithm>

namespace Sygen {

void JSONResponse::send(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status, const Poco::JSON::Object& body)
{
	sendText(response, status, JSONFields::compact(Poco::Dynamic::Var(body)));
}

void JSONResponse::sendText(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status, const std::string& json)
{
	response.setStatusAndReason(status);
	response.setContentType("application/json; charset=utf-8");
	response.setContentLength(static_cast<std::streamsize>(json.size()));
	response.sendBuffer(json.data(), json.size());
}

void JSONResponse::error(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status, const std::string& code)
{
	sendText(response, status, "{\"error\":" + JSONWriter::quote(code) + "}");
}

void JSONResponse::errorWithRetry(
	Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status, const std::string& code, int retryAfterSeconds)
{
	response.set("Retry-After", std::to_string(std::max(1, retryAfterSeconds)));
	error(response, status, code);
}

} // namespace Sygen
