//
// HTTPConnection.cpp
//

#include "http/HTTPConnection.h"
#include "http/HTTPAcceptor.h"
#include "http/JSONResponse.h"
#include "http/RequestHead.h"
#include <Poco/Ascii.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/NetException.h>
#include <Poco/String.h>
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

void sendBadRequest(
	Poco::Net::HTTPServerSession& session, const std::string& code, HTTPResponse::HTTPStatus status = HTTPResponse::HTTP_BAD_REQUEST)
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
	response.setStatusAndReason(status);
	response.setContentType("application/json; charset=utf-8");
	const std::string body = "{\"error\":\"" + code + "\"}";
	response.setContentLength(static_cast<std::streamsize>(body.size()));
	response.send().write(body.data(), static_cast<std::streamsize>(body.size())).flush();
}

} // namespace

void HTTPConnection::bodyRead(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
	auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
	auto* session = impl ? dynamic_cast<Session*>(&impl->session()) : nullptr;
	response.setKeepAlive(session ? session->mayKeepAlive() : request.getKeepAlive());
}

std::string HTTPConnection::framingError(const Poco::Net::HTTPServerRequest& request, int& status)
{
	status = HTTPResponse::HTTP_BAD_REQUEST;
	const std::string& version = request.getVersion();
	// "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3); any 1.x is served as 1.1.
	if (version.size() != 8 || version.compare(0, 5, "HTTP/") != 0 || !Poco::Ascii::isDigit(version[5]) || version[6] != '.' ||
		!Poco::Ascii::isDigit(version[7]))
		return "bad_version";
	if (version[5] != '1')
	{
		status = HTTPResponse::HTTP_VERSION_NOT_SUPPORTED;
		return "http_version_not_supported";
	}
	std::size_t codings = 0;
	for (auto it = request.find("Transfer-Encoding"); it != request.end() && Poco::icompare(it->first, "Transfer-Encoding") == 0; ++it)
		++codings;
	if (codings > 1) return "duplicate_transfer_encoding";
	if (codings == 1 && Poco::icompare(Poco::trim(request.get("Transfer-Encoding")), "chunked") != 0)
		return "unsupported_transfer_encoding";
	std::size_t hosts = 0;
	for (auto it = request.find("Host"); it != request.end() && Poco::icompare(it->first, "Host") == 0; ++it) ++hosts;
	if (version != "HTTP/1.0" && hosts != 1) return hosts == 0 ? "missing_host" : "duplicate_host";
	if (hosts > 1) return "duplicate_host";
	return "";
}

HTTPConnection::Session::Session(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params):
	Poco::Net::HTTPServerSession(socket, params)
{
}

int HTTPConnection::Session::pending() const
{
	return buffered();
}

void HTTPConnection::Session::setMayKeepAlive(bool mayKeepAlive)
{
	_mayKeepAlive = mayKeepAlive;
}

bool HTTPConnection::Session::mayKeepAlive() const
{
	return _mayKeepAlive;
}

HTTPConnection::HTTPConnection(const Poco::Net::StreamSocket& socket, HTTPAcceptor& gate, Poco::Net::HTTPServerParams::Ptr params,
	Poco::Net::HTTPRequestHandlerFactory::Ptr factory):
	Poco::Net::TCPServerConnection(socket),
	_gate(gate),
	_params(params),
	_factory(factory)
{
}

void HTTPConnection::run()
{
	Session session(socket(), _params);
	const int fd = session.socket().impl()->sockfd();
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
		} while (outcome == Outcome::KEEP_ALIVE && nextRequestReady(session));
	}
	catch (Poco::Exception& exc)
	{
		// The client went away or stalled mid-request; nothing can be answered.
		Poco::Logger::get("Sygen.HTTPConnection").debug("connection ended: %s", exc.displayText());
		_gate.releaseBodySlot(fd);
		return;
	}
	_gate.releaseBodySlot(fd);
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
	// A body still on its way goes back to the gate, which rations such waits.
	RequestHead::Scan scan = RequestHead::scan(buffer.data(), static_cast<std::size_t>(n), options.headLimit, options.handOffLimit);
	return scan.state == RequestHead::READY && !scan.bodyPending;
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

	int framingStatus = 0;
	const std::string framing = framingError(*request, framingStatus);
	if (!framing.empty())
	{
		sendBadRequest(session, framing, static_cast<HTTPResponse::HTTPStatus>(framingStatus));
		return Outcome::LINGER;
	}

	response.setDate(Poco::Timestamp());
	// Our version, never the client's (RFC 9110 §2.5): an HTTP/1.0 client reads 1.1 answers.
	response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
	const bool hadBody = request->getChunkedTransferEncoding() || request->getContentLength64() > 0;
	session.setMayKeepAlive(_params->getKeepAlive() && request->getKeepAlive() && session.canKeepAlive());
	// With a body, keep-alive only once the handler has read all of it (bodyRead()):
	// the answer must say "Connection: close" whenever the connection will close.
	response.setKeepAlive(session.mayKeepAlive() && !hadBody);
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
	// Exactly what the response announced. A rejected request whose body was read
	// keeps its connection: closing made every 401 cost a new connection (12k instead
	// of 34-42k rejected requests/s, bench/README.md, "Fixes").
	bool keepAlive = session.mayKeepAlive() && response.getKeepAlive();
	session.setKeepAlive(keepAlive);
	return keepAlive ? Outcome::KEEP_ALIVE : Outcome::LINGER;
}

} // namespace Sygen
