//
// RequestViewTest.cpp
//

#include "Sygen/Auth/RequestView.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::RequestView;

namespace {

Poco::Timestamp seconds(long long s)
{
	return Poco::Timestamp(s * Poco::Timestamp::resolution());
}

} // namespace

class RequestViewTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(RequestViewTest);
	CPPUNIT_TEST(testHeaderLookupIsCaseInsensitive);
	CPPUNIT_TEST(testHeaderReturnsFirstOfRepeatedHeaders);
	CPPUNIT_TEST(testMissingHeaderIsNullopt);
	CPPUNIT_TEST(testExposesBodyTokenAndTime);
	CPPUNIT_TEST(testIsAscii);
	CPPUNIT_TEST(testIsFreshWithinToleranceBothWays);
	CPPUNIT_TEST(testIsFreshRejectsMalformedSeconds);
	CPPUNIT_TEST(testIsFreshClampsHugeTolerance);
	CPPUNIT_TEST_SUITE_END();

public:
	void testHeaderLookupIsCaseInsensitive()
	{
		Poco::Net::NameValueCollection headers;
		headers.set("X-Hub-Signature-256", "sha256=ab");
		std::string body;
		RequestView view(headers, body, "", Poco::Timestamp(0));
		CPPUNIT_ASSERT(view.header("x-hub-signature-256") == std::string("sha256=ab"));
		CPPUNIT_ASSERT(view.header("X-HUB-SIGNATURE-256") == std::string("sha256=ab"));
	}

	void testHeaderReturnsFirstOfRepeatedHeaders()
	{
		Poco::Net::NameValueCollection headers;
		headers.add("Authorization", "Bearer first");
		headers.add("Authorization", "Bearer second");
		std::string body;
		RequestView view(headers, body, "", Poco::Timestamp(0));
		CPPUNIT_ASSERT(view.header("authorization") == std::string("Bearer first"));
	}

	void testMissingHeaderIsNullopt()
	{
		Poco::Net::NameValueCollection headers;
		std::string body;
		RequestView view(headers, body, "", Poco::Timestamp(0));
		CPPUNIT_ASSERT(!view.header("Authorization").has_value());
	}

	void testExposesBodyTokenAndTime()
	{
		Poco::Net::NameValueCollection headers;
		std::string body("a\0b", 3);
		RequestView view(headers, body, "tok", seconds(42));
		CPPUNIT_ASSERT(&view.body() == &body);
		CPPUNIT_ASSERT_EQUAL(std::string("tok"), view.globalToken());
		CPPUNIT_ASSERT(view.now() == seconds(42));
	}

	void testIsAscii()
	{
		CPPUNIT_ASSERT(RequestView::isAscii(""));
		CPPUNIT_ASSERT(RequestView::isAscii("sha256=abc \t\x7F"));
		CPPUNIT_ASSERT(!RequestView::isAscii("caf\xC3\xA9"));
		CPPUNIT_ASSERT(!RequestView::isAscii("\x80"));
	}

	void testIsFreshWithinToleranceBothWays()
	{
		Poco::Net::NameValueCollection headers;
		std::string body;
		RequestView view(headers, body, "", seconds(1000));
		CPPUNIT_ASSERT(view.isFresh("1000", 0));
		CPPUNIT_ASSERT(view.isFresh("700", 300));
		CPPUNIT_ASSERT(view.isFresh("1300", 300));
		CPPUNIT_ASSERT(!view.isFresh("699", 300));
		CPPUNIT_ASSERT(!view.isFresh("1301", 300));
		CPPUNIT_ASSERT(!view.isFresh("1000", -1));
	}

	void testIsFreshRejectsMalformedSeconds()
	{
		Poco::Net::NameValueCollection headers;
		std::string body;
		RequestView view(headers, body, "", seconds(1000));
		CPPUNIT_ASSERT(!view.isFresh("", 300));
		CPPUNIT_ASSERT(!view.isFresh("-1000", 5000));
		CPPUNIT_ASSERT(!view.isFresh("+1000", 300));
		CPPUNIT_ASSERT(!view.isFresh("1000.5", 300));
		CPPUNIT_ASSERT(!view.isFresh(" 1000", 300));
		CPPUNIT_ASSERT(!view.isFresh("1000000000000", 300000000000000LL));
	}

	void testIsFreshClampsHugeTolerance()
	{
		Poco::Net::NameValueCollection headers;
		std::string body;
		RequestView view(headers, body, "", seconds(1000));
		CPPUNIT_ASSERT(view.isFresh("999999999999", 9223372036854775807LL));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(RequestViewTest);
