//
// HTTPConnection.cpp
//

#include "http/HTTPConnection.h"
#include "http/HTTPAcceptor.h"
#include "http/JSONResponse.h"
#include "http/RequestHead.h"
#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/NetException.h>
#include <Poco/Timestamp.h>
#include <algorithm>
#include <cerrno>
#include <memory>
#include <poll.h>
#include <sys/socket.h>
#include <vector>

using Poco::Net::HTTPResponse;

namespace Sygen {

namespace {

void sendBadRequest(Poco::Net::HTTPServerSession& session, const std::string& code)
	/// A 400 for a request head Poco could not read, with Connection: close.
	///
	/// Poco 1.11's HTTPServerRequestImpl constructor attaches itself to the
	/// response before it parses; when parsing throws, that response keeps a
	/// pointer to the destroyed request, and sendBuffer() reads its method
	/// (heap-use-after-free, found by AddressSanitizer). So the answer goes
	/// through a fresh response object, and through send(): without a request,
	/// sendBuffer() would leave out the body.
{
	Poco::Net::HTTPServerResponseImpl response(session);
	response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
	response.setKeepAlive(false);
	response.setStatusAndReason(HTTPResponse::HTTP_BAD_REQUEST);
	response.setContentType("application/json; charset=utf-8");
	const std::string body = "{\"error\":\"" + code + "\"}";
	response.setContentLength(static_cast<std::streamsize>(body.size()));
	response.send().write(body.data(), static_cast<std::streamsize>(body.size())).flush();
}

} // namespace

HTTPConnection::Session::Session(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params):
	Poco::Net::HTTPServerSession(socket, params)
{
}

int HTTPConnection::Session::pending() const
{
	return buffered();
}

HTTPConnection::HTTPConnection(const Poco::Net::StreamSocket& socket, HTTPAcceptor& gate,
	Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr factory):
	Poco::Net::TCPServerConnection(socket),
	_gate(gate),
	_params(params),
	_factory(factory)
{
}

void HTTPConnection::run()
{
	Session session(socket(), _params);
	Outcome outcome = Outcome::CLOSE;
	try
	{
		do
		{
			outcome = serveOne(session);
			// Bytes of a pipelined request are in the session's buffer, beyond
			// the gate's sight: if that head were incomplete, only this thread
			// could wait for the rest. Real webhook senders do not pipeline.
			if (outcome == Outcome::KEEP_ALIVE && session.pending() > 0) outcome = Outcome::LINGER;
		}
		while (outcome == Outcome::KEEP_ALIVE && nextRequestReady(session));
	}
	catch (Poco::Exception& exc)
	{
		// The client went away or stalled mid-request; nothing can be answered.
		Poco::Logger::get("Sygen.HTTPConnection").debug("connection ended: %s", exc.displayText());
		return;
	}
	if (outcome == Outcome::KEEP_ALIVE) _gate.resume(session.detachSocket());
	else if (outcome == Outcome::LINGER) _gate.closeGracefully(session.detachSocket());
}

bool HTTPConnection::nextRequestReady(Session& session) const
{
	const HTTPAcceptor::Options& options = _gate.options();
	const int fd = session.socket().impl()->sockfd();
	// poll(2), not Socket::poll(): on Linux Poco 1.11 builds an epoll set for every
	// call (epoll_create, epoll_ctl, epoll_wait, close), four syscalls per request on
	// the keep-alive path.
	struct pollfd wanted = {fd, POLLIN, 0};
	int timeoutMs = static_cast<int>(options.keepAliveGrace.totalMilliseconds());
	int ready;
	do ready = ::poll(&wanted, 1, timeoutMs);
	while (ready < 0 && errno == EINTR);
	if (ready <= 0) return false;
	thread_local std::vector<char> buffer;
	buffer.resize(std::max(options.headLimit, options.handOffLimit) + 1);
	ssize_t n = ::recv(fd, buffer.data(), buffer.size(), MSG_PEEK | MSG_DONTWAIT);
	if (n <= 0) return false; // closed, or nothing after all: the gate sorts it out
	return RequestHead::scan(buffer.data(), static_cast<std::size_t>(n), options.headLimit, options.handOffLimit).state == RequestHead::READY;
}

HTTPConnection::Outcome HTTPConnection::serveOne(Session& session)
{
	Poco::Net::HTTPServerResponseImpl response(session);
	std::unique_ptr<Poco::Net::HTTPServerRequestImpl> request;
	try
	{
		request.reset(new Poco::Net::HTTPServerRequestImpl(response, session, _params));
	}
	catch (Poco::Net::NoMessageException&)
	{
		return Outcome::CLOSE; // closed between requests
	}
	catch (Poco::Net::MessageException&)
	{
		// Too many header fields (Poco's limit: 100), a name or value too long,
		// a bad request line.
		sendBadRequest(session, "bad_request");
		return Outcome::LINGER;
	}
	catch (Poco::SyntaxException&)
	{
		// A Content-Length Poco cannot read as a number.
		sendBadRequest(session, "invalid_content_length");
		return Outcome::LINGER;
	}

	response.setDate(Poco::Timestamp());
	response.setVersion(request->getVersion());
	response.setKeepAlive(_params->getKeepAlive() && request->getKeepAlive() && session.canKeepAlive());
	if (!_params->getSoftwareVersion().empty()) response.set("Server", _params->getSoftwareVersion());

	std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(_factory->createRequestHandler(*request));
	if (!handler)
	{
		response.setKeepAlive(false);
		JSONResponse::error(response, HTTPResponse::HTTP_NOT_IMPLEMENTED, "not_implemented");
		return Outcome::LINGER;
	}
	if (request->getExpectContinue()) response.sendContinue();
	try
	{
		handler->handleRequest(*request, response);
	}
	catch (Poco::Exception& exc)
	{
		// Handlers map their own errors (HTTPErrorMapper); this is a bug or a lost client.
		if (response.sent() || session.networkException()) return Outcome::CLOSE;
		Poco::Logger::get("Sygen.HTTPConnection").error("request failed: %s", exc.displayText());
		response.setKeepAlive(false);
		JSONResponse::error(response, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal_error");
		return Outcome::LINGER;
	}
	if (!response.sent()) return Outcome::CLOSE;
	bool hadBody = request->getChunkedTransferEncoding() || request->getContentLength64() > 0;
	bool keepAlive = _params->getKeepAlive() && response.getKeepAlive() && session.canKeepAlive();
	// A 401 comes only after WebhookRequestHandler has read and parsed the whole body
	// (authentication is check 8 of 9), so the connection is at a request boundary and
	// may stay open: closing it made every rejected request cost a new connection
	// (12k instead of 34-42k rejected requests/s, bench/README.md, "Fixes").
	if (hadBody && response.getStatus() >= 400 && response.getStatus() != Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED)
		keepAlive = false;
	session.setKeepAlive(keepAlive);
	return keepAlive ? Outcome::KEEP_ALIVE : Outcome::LINGER;
}

} // namespace Sygen
