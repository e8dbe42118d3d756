//
// StandardWebhooksAuthenticatorTest.cpp
//
// The vector is the example of the Standard Webhooks specification, checked with
// Python's hmac module.
//

#include "Sygen/Auth/StandardWebhooksAuthenticator.h"
#include "Sygen/Auth/RequestView.h"
#include "Sygen/Foundation/Clock.h"
#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <cppunit/extensions/HelperMacros.h>
#include <vector>

using Sygen::Hook;
using Sygen::ManualClock;
using Sygen::RequestView;
using Sygen::StandardWebhooksAuthenticator;

namespace {

const std::string SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const std::string MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const long long TS = 1614265330;
const std::string BODY = "{\"test\": 2432232314}";
const std::string SIG = "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

class CaptureChannel: public Poco::Channel
{
public:
	void log(const Poco::Message& msg) override { texts.push_back(msg.getText()); }
	std::vector<std::string> texts;
};

Poco::Timestamp seconds(long long s)
{
	return Poco::Timestamp(s * Poco::Timestamp::resolution());
}

} // namespace

class StandardWebhooksAuthenticatorTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(StandardWebhooksAuthenticatorTest);
	CPPUNIT_TEST(testAcceptsSpecificationVector);
	CPPUNIT_TEST(testAcceptsAnyOfSeveralSignaturesDuringRotation);
	CPPUNIT_TEST(testRejectsWhenNoSignatureMatches);
	CPPUNIT_TEST(testIgnoresOtherSignatureVersions);
	CPPUNIT_TEST(testRejectsStaleTimestamp);
	CPPUNIT_TEST(testRejectsFutureTimestamp);
	CPPUNIT_TEST(testAcceptsAtDefaultToleranceBoundary);
	CPPUNIT_TEST(testHonoursConfiguredTolerance);
	CPPUNIT_TEST(testRejectsMalformedTimestamp);
	CPPUNIT_TEST(testRejectsMissingHeaders);
	CPPUNIT_TEST(testRejectsTamperedIdOrBody);
	CPPUNIT_TEST(testRejectsNonAsciiHeader);
	CPPUNIT_TEST(testAcceptsSecretWithoutPrefix);
	CPPUNIT_TEST(testRejectsBadSecretAndLogsHookId);
	CPPUNIT_TEST(testRejectsEmptySecretAndLogs);
	CPPUNIT_TEST(testDecodeSecret);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_capture = new CaptureChannel;
		Poco::Logger& logger = Poco::Logger::get("Sygen.Auth");
		_savedChannel = logger.getChannel();
		_savedLevel = logger.getLevel();
		logger.setChannel(_capture);
		logger.setLevel(Poco::Message::PRIO_INFORMATION);
	}

	void tearDown() override
	{
		Poco::Logger& logger = Poco::Logger::get("Sygen.Auth");
		logger.setChannel(_savedChannel);
		logger.setLevel(_savedLevel);
	}

	void testAcceptsSpecificationVector()
	{
		CPPUNIT_ASSERT(check(hook(), MSG_ID, std::to_string(TS), "v1," + SIG, BODY, seconds(TS)));
		CPPUNIT_ASSERT(_capture->texts.empty());
	}

	void testAcceptsAnyOfSeveralSignaturesDuringRotation()
	{
		const std::string other = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
		CPPUNIT_ASSERT(check(hook(), MSG_ID, std::to_string(TS), other + " v1," + SIG, BODY, seconds(TS)));
		CPPUNIT_ASSERT(check(hook(), MSG_ID, std::to_string(TS), "v1," + SIG + " " + other, BODY, seconds(TS)));
	}

	void testRejectsWhenNoSignatureMatches()
	{
		std::string wrong = SIG;
		wrong[0] = 'h';
		CPPUNIT_ASSERT(!check(hook(), MSG_ID, std::to_string(TS), "v1," + wrong + " v1,AAAA", BODY, seconds(TS)));
	}

	void testIgnoresOtherSignatureVersions()
	{
		CPPUNIT_ASSERT(!check(hook(), MSG_ID, std::to_string(TS), "v1a," + SIG, BODY, seconds(TS)));
		CPPUNIT_ASSERT(!check(hook(), MSG_ID, std::to_string(TS), "v2," + SIG, BODY, seconds(TS)));
		CPPUNIT_ASSERT(!check(hook(), MSG_ID, std::to_string(TS), SIG, BODY, seconds(TS)));
	}

	void testRejectsStaleTimestamp()
	{
		ManualClock clock(seconds(TS + 301));
		CPPUNIT_ASSERT(!check(hook(), MSG_ID, std::to_string(TS), "v1," + SIG, BODY, clock.now()));
	}

	void testRejectsFutureTimestamp()
	{
		ManualClock clock(seconds(TS - 301));
		CPPUNIT_ASSERT(!check(hook(), MSG_ID, std::to_string(TS), "v1," + SIG, BODY, clock.now()));
	}

	void testAcceptsAtDefaultToleranceBoundary()
	{
		ManualClock clock(seconds(TS + 300));
		CPPUNIT_ASSERT(check(hook(), MSG_ID, std::to_string(TS), "v1," + SIG, BODY, clock.now()));
		clock.set(seconds(TS - 300));
		CPPUNIT_ASSERT(check(hook(), MSG_ID, std::to_string(TS), "v1," + SIG, BODY, clock.now()));
	}

	void testHonoursConfiguredTolerance()
	{
		Hook h = hook();
		h.hmacToleranceSeconds = 10;
		CPPUNIT_ASSERT(check(h, MSG_ID, std::to_string(TS), "v1," + SIG, BODY, seconds(TS + 10)));
		CPPUNIT_ASSERT(!check(h, MSG_ID, std::to_string(TS), "v1," + SIG, BODY, seconds(TS + 11)));
		h.hmacToleranceSeconds = 3600;
		CPPUNIT_ASSERT(check(h, MSG_ID, std::to_string(TS), "v1," + SIG, BODY, seconds(TS + 3600)));
	}

	void testRejectsMalformedTimestamp()
	{
		CPPUNIT_ASSERT(!check(hook(), MSG_ID, std::to_string(TS) + ".0", "v1," + SIG, BODY, seconds(TS)));
		CPPUNIT_ASSERT(!check(hook(), MSG_ID, "+" + std::to_string(TS), "v1," + SIG, BODY, seconds(TS)));
		CPPUNIT_ASSERT(!check(hook(), MSG_ID, "99999999999999999999", "v1," + SIG, BODY, seconds(TS)));
	}

	void testRejectsMissingHeaders()
	{
		std::string body = BODY;
		Poco::Net::NameValueCollection all;
		all.set("webhook-id", MSG_ID);
		all.set("webhook-timestamp", std::to_string(TS));
		all.set("webhook-signature", "v1," + SIG);
		for (const char* name: {"webhook-id", "webhook-timestamp", "webhook-signature"})
		{
			Poco::Net::NameValueCollection headers = all;
			headers.erase(name);
			RequestView view(headers, body, "", seconds(TS));
			CPPUNIT_ASSERT_MESSAGE(name, !StandardWebhooksAuthenticator::authenticate(hook(), view));
			headers.set(name, "");
			CPPUNIT_ASSERT_MESSAGE(name, !StandardWebhooksAuthenticator::authenticate(hook(), view));
		}
		RequestView view(all, body, "", seconds(TS));
		CPPUNIT_ASSERT(StandardWebhooksAuthenticator::authenticate(hook(), view));
	}

	void testRejectsTamperedIdOrBody()
	{
		CPPUNIT_ASSERT(!check(hook(), MSG_ID + "x", std::to_string(TS), "v1," + SIG, BODY, seconds(TS)));
		CPPUNIT_ASSERT(!check(hook(), MSG_ID, std::to_string(TS), "v1," + SIG, BODY + " ", seconds(TS)));
		CPPUNIT_ASSERT(!check(hook(), MSG_ID, std::to_string(TS + 1), "v1," + SIG, BODY, seconds(TS)));
	}

	void testRejectsNonAsciiHeader()
	{
		CPPUNIT_ASSERT(!check(hook(), MSG_ID + "\xC3\xA9", std::to_string(TS), "v1," + SIG, BODY, seconds(TS)));
		CPPUNIT_ASSERT(!check(hook(), MSG_ID, std::to_string(TS), "v1," + SIG + " \xFF", BODY, seconds(TS)));
	}

	void testAcceptsSecretWithoutPrefix()
	{
		Hook h = hook();
		h.hmacSecret = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
		CPPUNIT_ASSERT(check(h, MSG_ID, std::to_string(TS), "v1," + SIG, BODY, seconds(TS)));
	}

	void testRejectsBadSecretAndLogsHookId()
	{
		Hook h = hook();
		h.hmacSecret = "whsec_not base64!";
		CPPUNIT_ASSERT(!check(h, MSG_ID, std::to_string(TS), "v1," + SIG, BODY, seconds(TS)));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _capture->texts.size());
		CPPUNIT_ASSERT(_capture->texts[0].find("'sw'") != std::string::npos);
		CPPUNIT_ASSERT(_capture->texts[0].find("not base64") == std::string::npos);
	}

	void testRejectsEmptySecretAndLogs()
	{
		Hook h = hook();
		h.hmacSecret = "";
		CPPUNIT_ASSERT(!check(h, MSG_ID, std::to_string(TS), "v1," + SIG, BODY, seconds(TS)));
		h.hmacSecret = "whsec_";
		CPPUNIT_ASSERT(!check(h, MSG_ID, std::to_string(TS), "v1," + SIG, BODY, seconds(TS)));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), _capture->texts.size());
	}

	void testDecodeSecret()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("foo"), StandardWebhooksAuthenticator::decodeSecret("whsec_Zm9v"));
		CPPUNIT_ASSERT_EQUAL(std::string("foo"), StandardWebhooksAuthenticator::decodeSecret("Zm9v"));
		CPPUNIT_ASSERT_THROW(StandardWebhooksAuthenticator::decodeSecret("whsec_Zm9v!"), Poco::DataFormatException);
		CPPUNIT_ASSERT_THROW(StandardWebhooksAuthenticator::decodeSecret(""), Poco::DataFormatException);
	}

private:
	static Hook hook()
	{
		Hook h;
		h.id = "sw";
		h.authMode = "standard_webhooks";
		h.hmacSecret = SECRET;
		return h;
	}

	static bool check(const Hook& hook, const std::string& id, const std::string& ts, const std::string& sigs, const std::string& body,
		Poco::Timestamp now)
	{
		Poco::Net::NameValueCollection headers;
		headers.set("Webhook-Id", id);
		headers.set("Webhook-Timestamp", ts);
		headers.set("Webhook-Signature", sigs);
		RequestView view(headers, body, "global", now);
		return StandardWebhooksAuthenticator::authenticate(hook, view);
	}

	Poco::AutoPtr<CaptureChannel> _capture;
	Poco::Channel::Ptr _savedChannel;
	int _savedLevel = 0;
};

CPPUNIT_TEST_SUITE_REGISTRATION(StandardWebhooksAuthenticatorTest);
