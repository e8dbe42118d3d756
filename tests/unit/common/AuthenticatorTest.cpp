//
// AuthenticatorTest.cpp
//

#include "Sygen/Auth/Authenticator.h"
#include "Sygen/Auth/RequestView.h"
#include "Sygen/Auth/WebhookSigner.h"
#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <cppunit/extensions/HelperMacros.h>

using Sygen::Authenticator;
using Sygen::Hook;
using Sygen::RequestView;

namespace {

const std::string GLOBAL = "global-token";
const Poco::Timestamp NOW(1700000000LL * 1000000);

class NullChannel: public Poco::Channel
{
public:
	void log(const Poco::Message&) override {}
};

Hook hmacHook()
{
	Hook hook;
	hook.id = "h";
	hook.authMode = "hmac";
	hook.hmacSecret = "secret";
	hook.hmacHeader = "X-Signature";
	return hook;
}

Hook standardHook()
{
	Hook hook;
	hook.id = "s";
	hook.authMode = "standard_webhooks";
	hook.hmacSecret = "whsec_c2VjcmV0LWtleS1ieXRlcw==";
	return hook;
}

bool check(const Hook& hook, const Poco::Net::NameValueCollection& headers, const std::string& body = "{}")
{
	RequestView view(headers, body, GLOBAL, NOW);
	return Authenticator::authenticate(hook, view);
}

Poco::Net::NameValueCollection bearer(const std::string& token)
{
	Poco::Net::NameValueCollection headers;
	headers.set("Authorization", "Bearer " + token);
	return headers;
}

} // namespace

class AuthenticatorTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(AuthenticatorTest);
	CPPUNIT_TEST(testBearerModeUsesBearer);
	CPPUNIT_TEST(testUnknownModeIsTreatedAsBearer);
	CPPUNIT_TEST(testHmacModeIgnoresBearerToken);
	CPPUNIT_TEST(testHmacModeUsesHmac);
	CPPUNIT_TEST(testStandardWebhooksModeUsesStandardWebhooks);
	CPPUNIT_TEST(testModeNamesAreExact);
	CPPUNIT_TEST(testBadDefinitionsGiveFalseNotException);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		Poco::Logger& logger = Poco::Logger::get("Sygen.Auth");
		_savedChannel = logger.getChannel();
		logger.setChannel(new NullChannel);
	}

	void tearDown() override { Poco::Logger::get("Sygen.Auth").setChannel(_savedChannel); }

	void testBearerModeUsesBearer()
	{
		Hook hook;
		hook.id = "b";
		CPPUNIT_ASSERT(check(hook, bearer(GLOBAL)));
		CPPUNIT_ASSERT(!check(hook, bearer("nope")));
	}

	void testUnknownModeIsTreatedAsBearer()
	{
		Hook hook;
		hook.id = "b";
		hook.authMode = "oauth";
		CPPUNIT_ASSERT(check(hook, bearer(GLOBAL)));
		hook.authMode = "";
		CPPUNIT_ASSERT(check(hook, bearer(GLOBAL)));
	}

	void testHmacModeIgnoresBearerToken()
	{
		CPPUNIT_ASSERT(!check(hmacHook(), bearer(GLOBAL)));
		CPPUNIT_ASSERT(!check(standardHook(), bearer(GLOBAL)));
	}

	void testHmacModeUsesHmac()
	{
		Hook hook = hmacHook();
		CPPUNIT_ASSERT(check(hook, Sygen::WebhookSigner::sign(hook, "{}", GLOBAL, NOW)));
	}

	void testStandardWebhooksModeUsesStandardWebhooks()
	{
		Hook hook = standardHook();
		CPPUNIT_ASSERT(check(hook, Sygen::WebhookSigner::sign(hook, "{}", GLOBAL, NOW)));
		Hook asHmac = hook;
		asHmac.authMode = "hmac";
		asHmac.hmacHeader = "webhook-signature";
		CPPUNIT_ASSERT(!check(asHmac, Sygen::WebhookSigner::sign(hook, "{}", GLOBAL, NOW)));
	}

	void testModeNamesAreExact()
	{
		// "HMAC" is not "hmac": it falls back to bearer, as in the reference.
		Hook hook = hmacHook();
		hook.authMode = "HMAC";
		CPPUNIT_ASSERT(check(hook, bearer(GLOBAL)));
	}

	void testBadDefinitionsGiveFalseNotException()
	{
		Hook hook = hmacHook();
		hook.hmacSigRegex = "(";
		Poco::Net::NameValueCollection headers;
		headers.set("X-Signature", "abc");
		CPPUNIT_ASSERT(!check(hook, headers));
		hook = standardHook();
		hook.hmacSecret = "%%%";
		CPPUNIT_ASSERT(!check(hook, headers));
	}

private:
	Poco::Channel::Ptr _savedChannel;
};

CPPUNIT_TEST_SUITE_REGISTRATION(AuthenticatorTest);
