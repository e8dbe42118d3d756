//
// HTTPAcceptorTest.cpp
//
// The gate over real loopback sockets with a one-thread pool, so that any
// connection held on the pool would visibly block the next client.
//

#include "http/HTTPAcceptor.h"
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Thread.h>
#include <Poco/Timestamp.h>
#include <cppunit/extensions/HelperMacros.h>
#include <memory>
#include <vector>

using Sygen::HTTPAcceptor;

namespace {

class OkHandler: public Poco::Net::HTTPRequestHandler
{
public:
	void handleRequest(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) override
	{
		response.setContentLength(2);
		response.send() << "ok";
	}
};

class OkFactory: public Poco::Net::HTTPRequestHandlerFactory
{
public:
	Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override { return new OkHandler; }
};

// Everything the server sends until it closes or timeout passes; the status
// line is enough for these tests.
std::string readReply(Poco::Net::StreamSocket& socket, bool untilClose = false, int timeoutMs = 5000)
{
	socket.setReceiveTimeout(Poco::Timespan(0, timeoutMs * 1000));
	std::string reply;
	char buffer[4096];
	try
	{
		for (;;)
		{
			int n = socket.receiveBytes(buffer, sizeof(buffer));
			if (n <= 0) break;
			reply.append(buffer, static_cast<std::size_t>(n));
			if (!untilClose && reply.find("\r\n\r\n") != std::string::npos && reply.size() >= reply.find("\r\n\r\n") + 6) break;
		}
	}
	catch (Poco::TimeoutException&)
	{
	}
	return reply;
}

std::string statusLine(const std::string& reply)
{
	return reply.substr(0, reply.find("\r\n"));
}

} // namespace

class HTTPAcceptorTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(HTTPAcceptorTest);
	CPPUNIT_TEST(testCompleteRequestIsServed);
	CPPUNIT_TEST(testIdleConnectionsDoNotHoldThePool);
	CPPUNIT_TEST(testKeptAliveConnectionGoesBackToTheGate);
	CPPUNIT_TEST(testSlowHeadGets408);
	CPPUNIT_TEST(testOversizedHeadGets431);
	CPPUNIT_TEST(testGarbageGets400);
	CPPUNIT_TEST(testConnectionsBeyondTheLimitGet503);
	CPPUNIT_TEST(testStopClosesWaitingConnections);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_options = HTTPAcceptor::Options();
		// Long enough that a loaded machine never turns a test's request into a 408;
		// testSlowHeadGets408 sets its own short one.
		_options.headTimeout = Poco::Timespan(30, 0);
		_options.keepAliveTimeout = Poco::Timespan(30, 0);
		_options.headLimit = 1024;
		_options.handOffLimit = 2048;
	}

	void tearDown() override
	{
		if (_gate) _gate->stop();
		_gate.reset();
		_threads.reset();
	}

	void startGate()
	{
		_listener = Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0), 64);
		Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
		params->setTimeout(Poco::Timespan(5, 0));
		params->setKeepAliveTimeout(Poco::Timespan(30, 0));
		params->setMaxKeepAliveRequests(100);
		params->setMaxThreads(1);
		params->setMaxQueued(16);
		_threads.reset(new Poco::ThreadPool(1, 1));
		_gate.reset(new HTTPAcceptor(_listener, new OkFactory, *_threads, params, _options));
		_gate->start();
	}

	Poco::Net::StreamSocket connect() { return Poco::Net::StreamSocket(_listener.address()); }

	void testCompleteRequestIsServed()
	{
		startGate();
		Poco::Net::StreamSocket socket = connect();
		socket.sendBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27);
		CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 200 OK"), statusLine(readReply(socket)));
	}

	void testIdleConnectionsDoNotHoldThePool()
	{
		startGate();
		std::vector<Poco::Net::StreamSocket> idle;
		for (int i = 0; i < 20; ++i) idle.push_back(connect());
		idle[0].sendBytes("GET / HT", 8); // and one slow one
		Poco::Net::StreamSocket socket = connect();
		socket.sendBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27);
		CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 200 OK"), statusLine(readReply(socket)));
	}

	void testKeptAliveConnectionGoesBackToTheGate()
	{
		startGate();
		Poco::Net::StreamSocket first = connect();
		first.sendBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27);
		CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 200 OK"), statusLine(readReply(first)));
		// The only pool thread is free again although `first` stays open (Poco's
		// HTTPServer would keep it waiting for first's next request).
		Poco::Net::StreamSocket second = connect();
		second.sendBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27);
		CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 200 OK"), statusLine(readReply(second, false, 3000)));
		// And the kept-alive connection still carries requests.
		first.sendBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27);
		CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 200 OK"), statusLine(readReply(first)));
	}

	void testSlowHeadGets408()
	{
		_options.headTimeout = Poco::Timespan(0, 400000);
		startGate();
		Poco::Net::StreamSocket socket = connect();
		socket.sendBytes("GET / HTTP/1.1\r\nHo", 18);
		Poco::Timestamp start;
		std::string reply = readReply(socket, true);
		CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 408 Request Timeout"), statusLine(reply));
		CPPUNIT_ASSERT(start.elapsed() >= 300000);
		CPPUNIT_ASSERT(reply.find("{\"error\": \"request_timeout\"}") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _gate->stats().timedOut);
	}

	void testOversizedHeadGets431()
	{
		startGate();
		Poco::Net::StreamSocket socket = connect();
		std::string head = "GET / HTTP/1.1\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n";
		socket.sendBytes(head.data(), static_cast<int>(head.size()));
		CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 431 Request Header Fields Too Large"), statusLine(readReply(socket, true)));
	}

	void testGarbageGets400()
	{
		startGate();
		Poco::Net::StreamSocket socket = connect();
		socket.sendBytes("\x16\x03\x01\x00\x05hello", 10);
		CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 400 Bad Request"), statusLine(readReply(socket, true)));
	}

	void testConnectionsBeyondTheLimitGet503()
	{
		_options.maxConnections = 3;
		startGate();
		std::vector<Poco::Net::StreamSocket> held;
		for (int i = 0; i < 3; ++i) held.push_back(connect());
		// Accepting is asynchronous: wait until the gate holds all three.
		Poco::Timestamp start;
		while (_gate->stats().held < 3 && !start.isElapsed(5000000)) Poco::Thread::sleep(10);
		Poco::Net::StreamSocket extra = connect();
		std::string reply = readReply(extra, true);
		CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 503 Service Unavailable"), statusLine(reply));
		CPPUNIT_ASSERT(reply.find("Retry-After: 1\r\n") != std::string::npos);
	}

	void testStopClosesWaitingConnections()
	{
		startGate();
		Poco::Net::StreamSocket idle = connect();
		Poco::Timestamp start;
		while (_gate->stats().held < 1 && !start.isElapsed(5000000)) Poco::Thread::sleep(10);
		_gate->stop();
		CPPUNIT_ASSERT_EQUAL(std::string(), readReply(idle, true, 2000));
		CPPUNIT_ASSERT_THROW(connect(), Poco::Exception);
	}

private:
	HTTPAcceptor::Options _options;
	Poco::Net::ServerSocket _listener;
	std::unique_ptr<Poco::ThreadPool> _threads;
	std::unique_ptr<HTTPAcceptor> _gate;
};

CPPUNIT_TEST_SUITE_REGISTRATION(HTTPAcceptorTest);
