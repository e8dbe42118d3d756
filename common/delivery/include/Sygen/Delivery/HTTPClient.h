//
// HTTPClient.h
//
// Library: Sygen/Delivery
//
// The small outbound HTTP(S) client behind the Telegram and Matrix transports and
// the result callback: one request per call, timeouts, TLS with the system's CA
// certificates, and error texts that never carry the URL's path (the Telegram bot
// token is part of it).
//

#ifndef Sygen_Delivery_HTTPClient_INCLUDED
#define Sygen_Delivery_HTTPClient_INCLUDED

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Timespan.h>
#include <string>

namespace Sygen {

POCO_DECLARE_EXCEPTION(, HTTPTransportError, Poco::IOException)
/// The request did not get an HTTP response: bad URL, connection refused,
/// TLS failure, timeout. message() names the scheme, host and port and the
/// cause, never the path or query.

class HTTPClient
/// Sends one request on a fresh connection per call (deliveries are rare, and a
/// fresh connection never trips over a peer that closed an idle one).
/// "http" and "https" URLs; https verifies the peer's certificate chain against
/// the system CA store (/etc/ssl/certs through OpenSSL's default paths) and its
/// host name, TLS 1.2 or newer. Thread-safe (no mutable state).
{
public:
	struct Response
	{
		int status = 0;
		std::string reason;
		Poco::Net::NameValueCollection headers;
		std::string body; ///< at most MAX_RESPONSE_BYTES.
	};

	static constexpr std::size_t MAX_RESPONSE_BYTES = 1u << 20;

	explicit HTTPClient(Poco::Timespan timeout = Poco::Timespan(30, 0));
	/// timeout applies to connecting and to each send and receive.

	Response send(const std::string& method, const std::string& url, const std::string& body,
		const Poco::Net::NameValueCollection& headers = Poco::Net::NameValueCollection(),
		const std::string& contentType = "application/json") const;
	/// Sends body (Content-Length set, even when empty) with the given headers and
	/// returns whatever HTTP status the server answered. Throws HTTPTransportError
	/// when no response arrives.

	static std::string origin(const std::string& url);
	/// "scheme://host:port" of url, for log lines ("" when url does not parse).

	static Poco::Net::Context::Ptr tlsContext();
	/// The shared client context described above (created on first use).

private:
	Poco::Timespan _timeout;
};

} // namespace Sygen

#endif // Sygen_Delivery_HTTPClient_INCLUDED
