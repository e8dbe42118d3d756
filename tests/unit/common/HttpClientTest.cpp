//
// HttpClientTest.cpp
//

#include "FakeHttpServer.h"
#include "Sygen/Delivery/HttpClient.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::HttpClient;
using Sygen::HttpTransportError;
using Sygen::Test::FakeHttpServer;
using Sygen::Test::FakeReply;
using Sygen::Test::RecordedRequest;

class HttpClientTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(HttpClientTest);
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
		FakeHttpServer server([](const RecordedRequest&)
		{
			FakeReply r;
			r.status = 201;
			r.body = "{\"ok\":1}";
			r.headers["X-Reply"] = "yes";
			return r;
		});
		HttpClient http;
		Poco::Net::NameValueCollection headers;
		headers.set("X-Custom", "v");
		HttpClient::Response response = http.send("PUT", server.baseUrl() + "/a/b?c=d", "{\"x\":1}", headers);
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
		FakeHttpServer server([](const RecordedRequest&)
		{
			FakeReply r;
			r.status = 503;
			r.body = "down";
			return r;
		});
		HttpClient::Response response = HttpClient().send("POST", server.baseUrl(), "");
		CPPUNIT_ASSERT_EQUAL(503, response.status);
		CPPUNIT_ASSERT_EQUAL(std::string("down"), response.body);
	}

	void testTimeoutIsATransportError()
	{
		FakeHttpServer server([](const RecordedRequest&)
		{
			FakeReply r;
			r.delaySeconds = 1.5;
			return r;
		});
		HttpClient http(Poco::Timespan(0, 300000));
		CPPUNIT_ASSERT_THROW(http.send("POST", server.baseUrl() + "/slow", "x"), HttpTransportError);
	}

	void testRefusedConnectionNamesOriginNotPath()
	{
		int port;
		{
			FakeHttpServer gone;
			port = gone.port();
		}
		try
		{
			HttpClient().send("POST", "http://127.0.0.1:" + std::to_string(port) + "/botSECRET/sendMessage", "");
			CPPUNIT_FAIL("no exception");
		}
		catch (HttpTransportError& exc)
		{
			CPPUNIT_ASSERT_MESSAGE(exc.message(), exc.message().find("http://127.0.0.1:" + std::to_string(port)) == 0);
			CPPUNIT_ASSERT_MESSAGE(exc.message(), exc.message().find("SECRET") == std::string::npos);
		}
	}

	void testRejectsOtherSchemes()
	{
		CPPUNIT_ASSERT_THROW(HttpClient().send("POST", "ftp://example.org/x", ""), HttpTransportError);
		CPPUNIT_ASSERT_THROW(HttpClient().send("POST", "not a url", ""), HttpTransportError);
		try
		{
			HttpClient().send("POST", "http://[bad/botSECRET", "");
			CPPUNIT_FAIL("no exception");
		}
		catch (HttpTransportError& exc)
		{
			CPPUNIT_ASSERT(exc.message().find("SECRET") == std::string::npos);
		}
	}

	void testTlsHandshakeWithPlainServerFails()
	{
		// https to a plain HTTP server: the TLS layer fails, as a transport error.
		FakeHttpServer server;
		HttpClient http(Poco::Timespan(3, 0));
		CPPUNIT_ASSERT_THROW(http.send("POST", "https://127.0.0.1:" + std::to_string(server.port()) + "/x", ""), HttpTransportError);
	}

	void testOrigin()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("https://api.telegram.org:443"), HttpClient::origin("https://api.telegram.org/botX/sendMessage"));
		CPPUNIT_ASSERT_EQUAL(std::string("http://127.0.0.1:8080"), HttpClient::origin("http://127.0.0.1:8080"));
		CPPUNIT_ASSERT_EQUAL(std::string(""), HttpClient::origin("nonsense"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(HttpClientTest);
