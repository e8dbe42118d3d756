//
// HTTPErrorMapper.h
//

#ifndef Sygen_HTTPErrorMapper_INCLUDED
#define Sygen_HTTPErrorMapper_INCLUDED

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace Sygen {

class HTTPErrorMapper
/// The one place where an exception escaping a handler becomes an HTTP reply.
{
public:
	static void respond(const Poco::Exception& exc, Poco::Net::HTTPServerResponse& response);
	/// A stalled client (timeout) gets 408; a client that went away gets nothing;
	/// anything else is logged and answered 500 {"error": "internal_error"}.
	/// Does nothing when the response was already sent.
};

} // namespace Sygen

#endif // Sygen_HTTPErrorMapper_INCLUDED
