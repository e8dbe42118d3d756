//
// RequestHandlerFactoryTest.cpp
//

#include "http/RequestHandlerFactory.h"
#include "http/WebhookRequestHandler.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::RequestHandlerFactory;
using Sygen::WebhookRequestHandler;

class RequestHandlerFactoryTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(RequestHandlerFactoryTest);
	CPPUNIT_TEST(testFixedRoutes);
	CPPUNIT_TEST(testHookIdIsOneDecodedSegment);
	CPPUNIT_TEST(testQueryStringIsIgnored);
	CPPUNIT_TEST(testMalformedOrEmptySegmentsMatchNothing);
	CPPUNIT_TEST(testJobRoute);
	CPPUNIT_TEST(testJsonMediaType);
	CPPUNIT_TEST_SUITE_END();

public:
	void testFixedRoutes()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("health"), RequestHandlerFactory::route("/health").name);
		CPPUNIT_ASSERT_EQUAL(std::string("metrics"), RequestHandlerFactory::route("/metrics").name);
		CPPUNIT_ASSERT(RequestHandlerFactory::route("/health/").name.empty());
		CPPUNIT_ASSERT(RequestHandlerFactory::route("/HEALTH").name.empty());
		CPPUNIT_ASSERT(RequestHandlerFactory::route("/").name.empty());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), RequestHandlerFactory::route("/health").methods.size());
	}

	void testHookIdIsOneDecodedSegment()
	{
		RequestHandlerFactory::Route r = RequestHandlerFactory::route("/hooks/my%20hook");
		CPPUNIT_ASSERT_EQUAL(std::string("hooks"), r.name);
		CPPUNIT_ASSERT_EQUAL(std::string("my hook"), r.argument);
		CPPUNIT_ASSERT_EQUAL(std::string("a/b"), RequestHandlerFactory::route("/hooks/a%2Fb").argument);
		CPPUNIT_ASSERT_EQUAL(std::string(".."), RequestHandlerFactory::route("/hooks/%2E%2E").argument);
		CPPUNIT_ASSERT(RequestHandlerFactory::route("/hooks/a/b").name.empty());
		CPPUNIT_ASSERT_EQUAL(std::string("POST"), RequestHandlerFactory::route("/hooks/x").methods.at(0));
	}

	void testQueryStringIsIgnored()
	{
		RequestHandlerFactory::Route r = RequestHandlerFactory::route("/hooks/abc?x=1");
		CPPUNIT_ASSERT_EQUAL(std::string("abc"), r.argument);
		CPPUNIT_ASSERT_EQUAL(std::string("health"), RequestHandlerFactory::route("/health?probe=1").name);
	}

	void testMalformedOrEmptySegmentsMatchNothing()
	{
		CPPUNIT_ASSERT(RequestHandlerFactory::route("/hooks/").name.empty());
		CPPUNIT_ASSERT(RequestHandlerFactory::route("/hooks").name.empty());
		CPPUNIT_ASSERT(RequestHandlerFactory::route("/hooks/%zz").name.empty());
		CPPUNIT_ASSERT(RequestHandlerFactory::route("/hooks/%").name.empty());
	}

	void testJobRoute()
	{
		RequestHandlerFactory::Route r = RequestHandlerFactory::route("/jobs/1234");
		CPPUNIT_ASSERT_EQUAL(std::string("jobs"), r.name);
		CPPUNIT_ASSERT_EQUAL(std::string("1234"), r.argument);
		CPPUNIT_ASSERT_EQUAL(std::string("GET"), r.methods.at(0));
	}

	void testJsonMediaType()
	{
		CPPUNIT_ASSERT(WebhookRequestHandler::isJSONMediaType("application/json"));
		CPPUNIT_ASSERT(WebhookRequestHandler::isJSONMediaType("Application/JSON"));
		CPPUNIT_ASSERT(WebhookRequestHandler::isJSONMediaType("application/json; charset=utf-8"));
		CPPUNIT_ASSERT(WebhookRequestHandler::isJSONMediaType(" application/json ;x=y"));
		CPPUNIT_ASSERT(!WebhookRequestHandler::isJSONMediaType("text/json"));
		CPPUNIT_ASSERT(!WebhookRequestHandler::isJSONMediaType("application/vnd.github+json"));
		CPPUNIT_ASSERT(!WebhookRequestHandler::isJSONMediaType("application/jsonx"));
		CPPUNIT_ASSERT(!WebhookRequestHandler::isJSONMediaType(""));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(RequestHandlerFactoryTest);
