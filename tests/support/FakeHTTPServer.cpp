//
// FakeHTTPServer.cpp
//

#include "FakeHTTPServer.h"
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>
#include <Poco/Thread.h>
#include <chrono>

namespace Sygen {
namespace Test {

namespace {

class Handler: public Poco::Net::HTTPRequestHandler
{
public:
	explicit Handler(FakeHTTPServer& owner):
		_owner(owner)
	{
	}

	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override
	{
		RecordedRequest r;
		r.method = request.getMethod();
		r.uri = request.getURI();
		for (const auto& h: request) r.headers.add(h.first, h.second);
		Poco::StreamCopier::copyToString(request.stream(), r.body);
		FakeReply reply = _owner.handle(r);
		if (reply.delaySeconds > 0) Poco::Thread::sleep(static_cast<long>(reply.delaySeconds * 1000));
		response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
		response.setContentType("application/json");
		for (const auto& h: reply.headers) response.set(h.first, h.second);
		response.setContentLength(static_cast<std::streamsize>(reply.body.size()));
		response.send() << reply.body;
	}

private:
	FakeHTTPServer& _owner;
};

class Factory: public Poco::Net::HTTPRequestHandlerFactory
{
public:
	explicit Factory(FakeHTTPServer& owner):
		_owner(owner)
	{
	}

	Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override { return new Handler(_owner); }

private:
	FakeHTTPServer& _owner;
};

} // namespace

Poco::JSON::Object::Ptr RecordedRequest::json() const
{
	Poco::JSON::Parser parser;
	return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
}

FakeHTTPServer::FakeHTTPServer(Responder responder):
	_responder(std::move(responder))
{
	Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
	_port = socket.address().port();
	Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
	params->setMaxThreads(8);
	params->setKeepAlive(false);
	_server.reset(new Poco::Net::HTTPServer(new Factory(*this), socket, params));
	_server->start();
}

FakeHTTPServer::~FakeHTTPServer()
{
	_server->stopAll(true);
	// stopAll() does not wait for handlers that are still running (a delayed reply).
	// Left behind, one finishes after main() has returned and Poco answers its lost
	// client with strings that static destruction already freed
	// (heap-use-after-free, found by AddressSanitizer). Wait for them, boundedly.
	for (int i = 0; i < 1000 && _server->currentConnections() > 0; ++i) Poco::Thread::sleep(10);
}

void FakeHTTPServer::setResponder(Responder responder)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_responder = std::move(responder);
}

int FakeHTTPServer::port() const
{
	return _port;
}

std::string FakeHTTPServer::baseUrl() const
{
	return "http://127.0.0.1:" + std::to_string(_port);
}

std::vector<RecordedRequest> FakeHTTPServer::requests() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _requests;
}

std::size_t FakeHTTPServer::count() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _requests.size();
}

bool FakeHTTPServer::waitForRequests(std::size_t n, Poco::Timespan timeout) const
{
	std::unique_lock<std::mutex> lock(_mutex);
	return _changed.wait_for(lock, std::chrono::microseconds(timeout.totalMicroseconds()), [&] { return _requests.size() >= n; });
}

FakeReply FakeHTTPServer::telegramOk()
{
	FakeReply r;
	r.body = "{\"ok\":true,\"result\":{\"message_id\":1}}";
	return r;
}

FakeReply FakeHTTPServer::matrixOk()
{
	FakeReply r;
	r.body = "{\"event_id\":\"$fake\"}";
	return r;
}

FakeReply FakeHTTPServer::handle(const RecordedRequest& request)
{
	Responder responder;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		responder = _responder;
	}
	FakeReply reply = responder ? responder(request) : FakeReply();
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_requests.push_back(request);
	}
	_changed.notify_all();
	return reply;
}

}
} // namespace Sygen::Test
