//
// HTTPClientTest.cpp
//

#include "Sygen/Delivery/HTTPClient.h"
#include "FakeHTTPServer.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::HTTPClient;
using Sygen::HTTPTransportError;
using Sygen::Test::FakeHTTPServer;
using Sygen::Test::FakeReply;
using Sygen::Test::RecordedRequest;

class HTTPClientTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(HTTPClientTest);
	CPPUNIT_TEST(testSendsMethodPathHeadersAndBody);
	CPPUNIT_TEST(testReturnsErrorStatusesAsResponses);
	CPPUNIT_TEST(testTimeoutIsATransportError);
	CPPUNIT_TEST(testRefusedConnectionNamesOriginNotPath);
	CPPUNIT_TEST(testRejectsOtherSchemes);
	CPPUNIT_TEST(testTlsHandshakeWithPlainServerFails);
	CPPUNIT_TEST(testOrigin);
	CPPUNIT_TEST_SUITE_END();

public:
	void testSendsMethodPathHeadersAndBody()
	{
		FakeHTTPServer server([](const RecordedRequest&) {
			FakeReply r;
			r.status = 201;
			r.body = "{\"ok\":1}";
			r.headers["X-Reply"] = "yes";
			return r;
		});
		HTTPClient http;
		Poco::Net::NameValueCollection headers;
		headers.set("X-Custom", "v");
		HTTPClient::Response response = http.send("PUT", server.baseUrl() + "/a/b?c=d", "{\"x\":1}", headers);
		CPPUNIT_ASSERT_EQUAL(201, response.status);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"ok\":1}"), response.body);
		CPPUNIT_ASSERT_EQUAL(std::string("yes"), response.headers.get("X-Reply"));
		RecordedRequest r = server.requests().at(0);
		CPPUNIT_ASSERT_EQUAL(std::string("PUT"), r.method);
		CPPUNIT_ASSERT_EQUAL(std::string("/a/b?c=d"), r.uri);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"x\":1}"), r.body);
		CPPUNIT_ASSERT_EQUAL(std::string("v"), r.headers.get("X-Custom"));
		CPPUNIT_ASSERT_EQUAL(std::string("application/json"), r.headers.get("Content-Type"));
		CPPUNIT_ASSERT(r.headers.get("User-Agent").find("sygen-webhook/") == 0);
	}

	void testReturnsErrorStatusesAsResponses()
	{
		FakeHTTPServer server([](const RecordedRequest&) {
			FakeReply r;
			r.status = 503;
			r.body = "down";
			return r;
		});
		HTTPClient::Response response = HTTPClient().send("POST", server.baseUrl(), "");
		CPPUNIT_ASSERT_EQUAL(503, response.status);
		CPPUNIT_ASSERT_EQUAL(std::string("down"), response.body);
	}

	void testTimeoutIsATransportError()
	{
		FakeHTTPServer server([](const RecordedRequest&) {
			FakeReply r;
			r.delaySeconds = 1.5;
			return r;
		});
		HTTPClient http(Poco::Timespan(0, 300000));
		CPPUNIT_ASSERT_THROW(http.send("POST", server.baseUrl() + "/slow", "x"), HTTPTransportError);
	}

	void testRefusedConnectionNamesOriginNotPath()
	{
		int port;
		{
			FakeHTTPServer gone;
			port = gone.port();
		}
		try
		{
			HTTPClient().send("POST", "http://127.0.0.1:" + std::to_string(port) + "/botSECRET/sendMessage", "");
			CPPUNIT_FAIL("no exception");
		}
		catch (HTTPTransportError& exc)
		{
			CPPUNIT_ASSERT_MESSAGE(exc.message(), exc.message().find("http://127.0.0.1:" + std::to_string(port)) == 0);
			CPPUNIT_ASSERT_MESSAGE(exc.message(), exc.message().find("SECRET") == std::string::npos);
		}
	}

	void testRejectsOtherSchemes()
	{
		CPPUNIT_ASSERT_THROW(HTTPClient().send("POST", "ftp://example.org/x", ""), HTTPTransportError);
		CPPUNIT_ASSERT_THROW(HTTPClient().send("POST", "not a url", ""), HTTPTransportError);
		try
		{
			HTTPClient().send("POST", "http://[bad/botSECRET", "");
			CPPUNIT_FAIL("no exception");
		}
		catch (HTTPTransportError& exc)
		{
			CPPUNIT_ASSERT(exc.message().find("SECRET") == std::string::npos);
		}
	}

	void testTlsHandshakeWithPlainServerFails()
	{
		// https to a plain HTTP server: the TLS layer fails, as a transport error.
		FakeHTTPServer server;
		HTTPClient http(Poco::Timespan(3, 0));
		CPPUNIT_ASSERT_THROW(http.send("POST", "https://127.0.0.1:" + std::to_string(server.port()) + "/x", ""), HTTPTransportError);
	}

	void testOrigin()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("https://api.telegram.org:443"), HTTPClient::origin("https://api.telegram.org/botX/sendMessage"));
		CPPUNIT_ASSERT_EQUAL(std::string("http://127.0.0.1:8080"), HTTPClient::origin("http://127.0.0.1:8080"));
		CPPUNIT_ASSERT_EQUAL(std::string(""), HTTPClient::origin("nonsense"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(HTTPClientTest);
