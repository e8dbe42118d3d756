//
// HTTPConnection.h
//

#ifndef Sygen_HTTPConnection_INCLUDED
#define Sygen_HTTPConnection_INCLUDED

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/TCPServerConnection.h>

namespace Sygen {

class HTTPAcceptor;

class HTTPConnection: public Poco::Net::TCPServerConnection
/// Serves the requests of one connection on a pool thread, like Poco's
/// HTTPServerConnection, but never waits on the thread for a keep-alive
/// client's next request: when the response allows keep-alive and no further
/// request is already buffered, the socket goes back to the HTTPAcceptor.
///
/// Differences from HTTPServerConnection, on purpose:
/// - A request head Poco cannot parse (MessageException, a malformed
///   Content-Length) gets 400 and a close, never a dropped connection.
/// - A request that carries a body is answered with `Connection: close` and
///   the connection closed, unless the handler read the whole body and said so
///   (bodyRead()): unread body bytes must not be parsed as the next request,
///   and a response must never promise keep-alive before a close.
/// - Framing per RFC 9112 before any handler runs: a version other than
///   HTTP/1.x gets 505 (the HTTP/2 preface included), a malformed version,
///   more than one Transfer-Encoding field, a transfer coding other than
///   chunked, or an HTTP/1.1 request without exactly one Host gets 400.
///   Responses always say HTTP/1.1, never the client's version.
/// - A connection closed after a response goes to the gate for a lingering
///   close, so unread input does not turn the close into a reset that
///   destroys the response in flight.
/// - Pipelined requests (bytes of the next request read together with the
///   previous one) end the connection after the first response: their head
///   may be incomplete and could only be awaited on the thread.
/// - maxKeepAliveRequests is not enforced: a kept-alive connection holds no
///   thread, so there is nothing to be fair about.
{
public:
	HTTPConnection(const Poco::Net::StreamSocket& socket, HTTPAcceptor& gate, Poco::Net::HTTPServerParams::Ptr params,
		Poco::Net::HTTPRequestHandlerFactory::Ptr factory);

	void run() override;

	static void bodyRead(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
	/// Called by a handler that has read the request's whole body: the response
	/// may keep the connection alive (as far as the client and server allow).

	static std::string framingError(const Poco::Net::HTTPServerRequest& request, int& status);
	/// The error code when the request's framing breaks RFC 9112 (status set to
	/// 400 or 505), else empty.

	class Session: public Poco::Net::HTTPServerSession
	/// Exposes how many bytes of the next request are already buffered, and
	/// whether the current request may keep the connection.
	{
	public:
		Session(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params);
		int pending() const;
		void setMayKeepAlive(bool mayKeepAlive);
		bool mayKeepAlive() const;
		/// Whether the client, the server and the session allow another request.

	private:
		bool _mayKeepAlive = false;
	};

private:
	enum class Outcome
	{
		KEEP_ALIVE, ///< The connection may carry another request.
		LINGER,     ///< A final response was sent: close gracefully (in the gate).
		CLOSE       ///< Nothing more can be sent: close now.
	};

	Outcome serveOne(Session& session);
	/// Reads and answers one request.

	bool nextRequestReady(Session& session) const;
	/// Waits up to the gate's keepAliveGrace for a complete request head (peeked).

	HTTPAcceptor& _gate;
	Poco::Net::HTTPServerParams::Ptr _params;
	Poco::Net::HTTPRequestHandlerFactory::Ptr _factory;
};

} // namespace Sygen

#endif // Sygen_HTTPConnection_INCLUDED
