//
// DeliveryRequest.h
//
// Library: Sygen/Protocol
//
// One chat message for sygen-webhook-deliver: what the worker writes to its
// standard input (docs/ARCHITECTURE.md, "Wake replies").
//

#ifndef Sygen_Protocol_DeliveryRequest_INCLUDED
#define Sygen_Protocol_DeliveryRequest_INCLUDED

#include "Sygen/Foundation/RetryPolicy.h"
#include "Sygen/Protocol/DeliverySettings.h"
#include <Poco/JSON/Object.h>
#include <string>

namespace Sygen {

struct DeliveryRequest
/// A JSON object: transport ("telegram" or "matrix"), chat_id (Telegram chat
/// id or Matrix room id), text, hook_id, job_id; telegram_api_base and
/// telegram_token, or matrix_homeserver and matrix_access_token; retry
/// {max_attempts, initial_delay_ms, max_delay_ms, max_server_delay_ms}.
///
/// Holds secrets: it travels through a pipe, never on a command line, and is
/// never logged. Plain value; copy freely.
{
	std::string transport; ///< "telegram" or "matrix".
	std::string chatId;
	std::string text;
	std::string hookId;
	std::string jobId;
	DeliverySettings delivery; ///< Only the transport's fields travel; room and user lists do not.
	RetryPolicy retry;         ///< Its sleep function does not travel: the deliverer sleeps for real.

	Poco::JSON::Object::Ptr toJSON() const;

	static DeliveryRequest fromJSON(const Poco::JSON::Object& obj);
	/// Throws Poco::DataFormatException when a field is missing or of the
	/// wrong type, or the transport is neither "telegram" nor "matrix".
};

} // namespace Sygen

#endif // Sygen_Protocol_DeliveryRequest_INCLUDED
