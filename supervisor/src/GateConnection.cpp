//
// GateConnection.cpp
//

#include "GateConnection.h"
#include "ConnectionGate.h"
#include "JsonResponse.h"
#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/NetException.h>
#include <Poco/Timestamp.h>
#include <memory>

using Poco::Net::HTTPResponse;

namespace Sygen {

GateConnection::Session::Session(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params):
	Poco::Net::HTTPServerSession(socket, params)
{
}

int GateConnection::Session::pending() const
{
	return buffered();
}

GateConnection::GateConnection(const Poco::Net::StreamSocket& socket, ConnectionGate& gate,
	Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr factory):
	Poco::Net::TCPServerConnection(socket),
	_gate(gate),
	_params(params),
	_factory(factory)
{
}

void GateConnection::run()
{
	Session session(socket(), _params);
	Outcome outcome = Outcome::CLOSE;
	try
	{
		// Pipelined requests already read into the session's buffer are served
		// here; the gate could not see them any more.
		do
		{
			outcome = serveOne(session);
		}
		while (outcome == Outcome::KEEP_ALIVE && session.pending() > 0);
	}
	catch (Poco::Exception& exc)
	{
		// The client went away or stalled mid-request; nothing can be answered.
		Poco::Logger::get("Gate").debug("connection ended: %s", exc.displayText());
		return;
	}
	if (outcome == Outcome::KEEP_ALIVE) _gate.resume(session.detachSocket());
	else if (outcome == Outcome::LINGER) _gate.closeGracefully(session.detachSocket());
}

GateConnection::Outcome GateConnection::serveOne(Session& session)
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
		response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
		response.setKeepAlive(false);
		JsonResponse::error(response, HTTPResponse::HTTP_BAD_REQUEST, "bad_request");
		return Outcome::LINGER;
	}
	catch (Poco::SyntaxException&)
	{
		// A Content-Length Poco cannot read as a number.
		response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
		response.setKeepAlive(false);
		JsonResponse::error(response, HTTPResponse::HTTP_BAD_REQUEST, "invalid_content_length");
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
		JsonResponse::error(response, HTTPResponse::HTTP_NOT_IMPLEMENTED, "not_implemented");
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
		Poco::Logger::get("Gate").error("request failed: %s", exc.displayText());
		response.setKeepAlive(false);
		JsonResponse::error(response, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal_error");
		return Outcome::LINGER;
	}
	if (!response.sent()) return Outcome::CLOSE;
	bool hadBody = request->getChunkedTransferEncoding() || request->getContentLength64() > 0;
	bool keepAlive = _params->getKeepAlive() && response.getKeepAlive() && session.canKeepAlive();
	if (hadBody && response.getStatus() >= 400) keepAlive = false;
	session.setKeepAlive(keepAlive);
	return keepAlive ? Outcome::KEEP_ALIVE : Outcome::LINGER;
}

} // namespace Sygen
