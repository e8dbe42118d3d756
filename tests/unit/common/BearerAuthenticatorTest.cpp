//
// BearerAuthenticatorTest.cpp
//

#include "Sygen/Auth/BearerAuthenticator.h"
#include "Sygen/Auth/RequestView.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::BearerAuthenticator;
using Sygen::Hook;
using Sygen::RequestView;

class BearerAuthenticatorTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(BearerAuthenticatorTest);
	CPPUNIT_TEST(testAcceptsGlobalTokenWhenHookHasNone);
	CPPUNIT_TEST(testAcceptsHookToken);
	CPPUNIT_TEST(testHookWithOwnTokenRejectsGlobalToken);
	CPPUNIT_TEST(testRejectsWhenBothTokensEmpty);
	CPPUNIT_TEST(testRejectsLowercaseScheme);
	CPPUNIT_TEST(testRejectsOtherSchemes);
	CPPUNIT_TEST(testComparesRestUntrimmed);
	CPPUNIT_TEST(testRejectsMissingHeader);
	CPPUNIT_TEST(testRejectsEmptyTokenAfterScheme);
	CPPUNIT_TEST(testRejectsPrefixAndExtensionOfToken);
	CPPUNIT_TEST(testRejectsNonAsciiHeader);
	CPPUNIT_TEST(testHeaderNameIsCaseInsensitive);
	CPPUNIT_TEST(testAuthenticateTokenNeverMatchesEmptyExpected);
	CPPUNIT_TEST_SUITE_END();

public:
	void testAcceptsGlobalTokenWhenHookHasNone()
	{
		CPPUNIT_ASSERT(check(Hook(), "Bearer global", "global"));
		CPPUNIT_ASSERT(!check(Hook(), "Bearer other", "global"));
	}

	void testAcceptsHookToken() { CPPUNIT_ASSERT(check(hookWithToken("per-hook"), "Bearer per-hook", "global")); }

	void testHookWithOwnTokenRejectsGlobalToken() { CPPUNIT_ASSERT(!check(hookWithToken("per-hook"), "Bearer global", "global")); }

	void testRejectsWhenBothTokensEmpty()
	{
		CPPUNIT_ASSERT(!check(Hook(), "Bearer ", ""));
		CPPUNIT_ASSERT(!check(Hook(), "Bearer", ""));
	}

	void testRejectsLowercaseScheme()
	{
		CPPUNIT_ASSERT(!check(Hook(), "bearer global", "global"));
		CPPUNIT_ASSERT(!check(Hook(), "BEARER global", "global"));
	}

	void testRejectsOtherSchemes()
	{
		CPPUNIT_ASSERT(!check(Hook(), "Basic global", "global"));
		CPPUNIT_ASSERT(!check(Hook(), "global", "global"));
		CPPUNIT_ASSERT(!check(Hook(), "Bearer\tglobal", "global"));
	}

	void testComparesRestUntrimmed()
	{
		CPPUNIT_ASSERT(!check(Hook(), "Bearer  global", "global"));
		CPPUNIT_ASSERT(!check(Hook(), "Bearer global ", "global"));
		// A token that really has a leading space matches the two-space form.
		CPPUNIT_ASSERT(check(hookWithToken(" spaced"), "Bearer  spaced", "global"));
	}

	void testRejectsMissingHeader()
	{
		Poco::Net::NameValueCollection headers;
		std::string body;
		RequestView view(headers, body, "global", Poco::Timestamp(0));
		CPPUNIT_ASSERT(!BearerAuthenticator::authenticate(Hook(), view));
	}

	void testRejectsEmptyTokenAfterScheme() { CPPUNIT_ASSERT(!check(Hook(), "Bearer ", "global")); }

	void testRejectsPrefixAndExtensionOfToken()
	{
		CPPUNIT_ASSERT(!check(Hook(), "Bearer globa", "global"));
		CPPUNIT_ASSERT(!check(Hook(), "Bearer global2", "global"));
	}

	void testRejectsNonAsciiHeader() { CPPUNIT_ASSERT(!check(hookWithToken("t\xC3\xA9"), "Bearer t\xC3\xA9", "global")); }

	void testHeaderNameIsCaseInsensitive()
	{
		Poco::Net::NameValueCollection headers;
		headers.set("authorization", "Bearer global");
		std::string body;
		RequestView view(headers, body, "global", Poco::Timestamp(0));
		CPPUNIT_ASSERT(BearerAuthenticator::authenticate(Hook(), view));
	}

	void testAuthenticateTokenNeverMatchesEmptyExpected()
	{
		Poco::Net::NameValueCollection headers;
		headers.set("Authorization", "Bearer ");
		std::string body;
		RequestView view(headers, body, "", Poco::Timestamp(0));
		CPPUNIT_ASSERT(!BearerAuthenticator::authenticateToken(view, ""));
		headers.set("Authorization", "Bearer x");
		CPPUNIT_ASSERT(BearerAuthenticator::authenticateToken(view, "x"));
	}

private:
	static Hook hookWithToken(const std::string& token)
	{
		Hook hook;
		hook.id = "h";
		hook.token = token;
		return hook;
	}

	static bool check(const Hook& hook, const std::string& authorization, const std::string& globalToken)
	{
		Poco::Net::NameValueCollection headers;
		headers.set("Authorization", authorization);
		std::string body = "{}";
		RequestView view(headers, body, globalToken, Poco::Timestamp(0));
		return BearerAuthenticator::authenticate(hook, view);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(BearerAuthenticatorTest);
