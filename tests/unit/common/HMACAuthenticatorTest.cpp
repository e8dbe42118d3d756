//
// HMACAuthenticatorTest.cpp
//
// Expected signatures were computed offline with Python's hmac module, so they do
// not share code with the implementation under test.
//

#include "Sygen/Auth/HMACAuthenticator.h"
#include "Sygen/Auth/RequestView.h"
#include "Sygen/Foundation/Clock.h"
#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <cctype>
#include <cppunit/extensions/HelperMacros.h>
#include <string>
#include <vector>

using Sygen::HMACAuthenticator;
using Sygen::Hook;
using Sygen::ManualClock;
using Sygen::RequestView;

namespace {

const std::string GITHUB_SECRET = "It's a Secret to Everybody";
const std::string GITHUB_BODY = "Hello, World!";
const std::string GITHUB_SIG = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

const std::string STRIPE_SECRET = "whsec_stripe_test";
const std::string STRIPE_BODY = "{\"id\":\"evt_1\",\"type\":\"charge.succeeded\"}";
const long long STRIPE_TS = 1700000000;
const std::string STRIPE_SIG = "6f3356ce5701dd6223636ac876d42e3d64a5c998dc193818a0dba9df61942206";
const std::string STRIPE_SIG_BODY_ONLY = "4a56cd76470d94b4efaf851dc2f7af0fb6b99f3efb34d5cf38b3f1da9cd0acba";

class CaptureChannel: public Poco::Channel
{
public:
	void log(const Poco::Message& msg) override { texts.push_back(msg.getText()); }
	std::vector<std::string> texts;
};

Hook githubHook()
{
	Hook hook;
	hook.id = "gh";
	hook.authMode = "hmac";
	hook.hmacSecret = GITHUB_SECRET;
	hook.hmacHeader = "X-Hub-Signature-256";
	hook.hmacAlgorithm = "sha256";
	hook.hmacEncoding = "hex";
	hook.hmacSigPrefix = "sha256=";
	return hook;
}

Hook stripeHook()
{
	Hook hook;
	hook.id = "stripe";
	hook.authMode = "hmac";
	hook.hmacSecret = STRIPE_SECRET;
	hook.hmacHeader = "Stripe-Signature";
	hook.hmacSigPrefix = "";
	hook.hmacSigRegex = "v1=([a-f0-9]+)";
	hook.hmacPayloadPrefixRegex = "t=(\\d+)";
	hook.hmacToleranceSeconds = 300;
	return hook;
}

std::string stripeHeader(long long ts, const std::string& sig)
{
	return "t=" + std::to_string(ts) + ",v1=" + sig + ",v0=deadbeef";
}

} // namespace

class HMACAuthenticatorTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(HMACAuthenticatorTest);
	CPPUNIT_TEST(testAcceptsGitHubSha256Vector);
	CPPUNIT_TEST(testHeaderNameIsCaseInsensitive);
	CPPUNIT_TEST(testRejectsModifiedBody);
	CPPUNIT_TEST(testRejectsWrongSecret);
	CPPUNIT_TEST(testRejectsUppercaseHexSignature);
	CPPUNIT_TEST(testRejectsTruncatedSignature);
	CPPUNIT_TEST(testRejectsMissingHeader);
	CPPUNIT_TEST(testRejectsEmptyHeaderValue);
	CPPUNIT_TEST(testRejectsEmptySecretAndLogs);
	CPPUNIT_TEST(testRejectsEmptyHeaderNameAndLogs);
	CPPUNIT_TEST(testWholeValueUsedWhenPrefixAbsent);
	CPPUNIT_TEST(testWholeValueUsedWhenPrefixEmpty);
	CPPUNIT_TEST(testRejectsPrefixOnlyValue);
	CPPUNIT_TEST(testAcceptsStripeSignatureWithinTolerance);
	CPPUNIT_TEST(testAcceptsStripeAtExactToleranceBoundary);
	CPPUNIT_TEST(testRejectsStripeTimestampTooOld);
	CPPUNIT_TEST(testRejectsStripeTimestampTooFarInFuture);
	CPPUNIT_TEST(testStripeWithoutToleranceIgnoresAge);
	CPPUNIT_TEST(testRejectsStripeSignatureOverBodyOnly);
	CPPUNIT_TEST(testRejectsWhenPayloadRegexDoesNotMatch);
	CPPUNIT_TEST(testRejectsWhenSigRegexDoesNotMatch);
	CPPUNIT_TEST(testRejectsEmptySigRegexGroup);
	CPPUNIT_TEST(testRejectsSigRegexWithoutGroupAndLogs);
	CPPUNIT_TEST(testRejectsPayloadRegexWithoutGroupAndLogs);
	CPPUNIT_TEST(testRejectsInvalidSigRegexAndLogs);
	CPPUNIT_TEST(testRejectsInvalidPayloadRegexAndLogs);
	CPPUNIT_TEST(testRejectsToleranceWithoutPayloadRegexAndLogs);
	CPPUNIT_TEST(testRejectsNonNumericTimestampUnderTolerance);
	CPPUNIT_TEST(testRejectsNonAsciiHeaderValue);
	CPPUNIT_TEST(testAcceptsShopifyBase64);
	CPPUNIT_TEST(testRejectsBase64WithoutPadding);
	CPPUNIT_TEST(testAcceptsSha1);
	CPPUNIT_TEST(testAcceptsSha512Hex);
	CPPUNIT_TEST(testAcceptsSha512Base64);
	CPPUNIT_TEST(testAlgorithmAndEncodingNamesAreCaseInsensitive);
	CPPUNIT_TEST(testRejectsUnknownAlgorithmAndLogsHookIdWithoutSecret);
	CPPUNIT_TEST(testRejectsUnknownEncodingAndLogs);
	CPPUNIT_TEST(testSecretIsUsedAsUtf8Bytes);
	CPPUNIT_TEST(testSignsRawBodyBytes);
	CPPUNIT_TEST(testSignMatchesVectorAndRejectsBadDefinitions);
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

	void testAcceptsGitHubSha256Vector()
	{
		CPPUNIT_ASSERT(check(githubHook(), "X-Hub-Signature-256", "sha256=" + GITHUB_SIG, GITHUB_BODY));
		CPPUNIT_ASSERT(_capture->texts.empty());
	}

	void testHeaderNameIsCaseInsensitive()
	{
		CPPUNIT_ASSERT(check(githubHook(), "x-hub-signature-256", "sha256=" + GITHUB_SIG, GITHUB_BODY));
	}

	void testRejectsModifiedBody()
	{
		CPPUNIT_ASSERT(!check(githubHook(), "X-Hub-Signature-256", "sha256=" + GITHUB_SIG, "Hello, World?"));
		CPPUNIT_ASSERT(!check(githubHook(), "X-Hub-Signature-256", "sha256=" + GITHUB_SIG, GITHUB_BODY + "\n"));
	}

	void testRejectsWrongSecret()
	{
		Hook hook = githubHook();
		hook.hmacSecret = "It's a Secret to Everybody!";
		CPPUNIT_ASSERT(!check(hook, "X-Hub-Signature-256", "sha256=" + GITHUB_SIG, GITHUB_BODY));
	}

	void testRejectsUppercaseHexSignature()
	{
		std::string upper = GITHUB_SIG;
		for (char& c: upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
		CPPUNIT_ASSERT(!check(githubHook(), "X-Hub-Signature-256", "sha256=" + upper, GITHUB_BODY));
	}

	void testRejectsTruncatedSignature()
	{
		CPPUNIT_ASSERT(!check(githubHook(), "X-Hub-Signature-256", "sha256=" + GITHUB_SIG.substr(0, 63), GITHUB_BODY));
		CPPUNIT_ASSERT(!check(githubHook(), "X-Hub-Signature-256", "sha256=" + GITHUB_SIG + "0", GITHUB_BODY));
	}

	void testRejectsMissingHeader() { CPPUNIT_ASSERT(!check(githubHook(), "X-Hub-Signature", "sha256=" + GITHUB_SIG, GITHUB_BODY)); }

	void testRejectsEmptyHeaderValue() { CPPUNIT_ASSERT(!check(githubHook(), "X-Hub-Signature-256", "", GITHUB_BODY)); }

	void testRejectsEmptySecretAndLogs()
	{
		Hook hook = githubHook();
		hook.hmacSecret.clear();
		// An attacker who knows the secret is empty could sign with the empty key.
		std::string emptyKeySig = HMACAuthenticatorTest::emptyKeySignature();
		CPPUNIT_ASSERT(!check(hook, "X-Hub-Signature-256", "sha256=" + emptyKeySig, GITHUB_BODY));
		assertLoggedOnce("gh");
	}

	void testRejectsEmptyHeaderNameAndLogs()
	{
		Hook hook = githubHook();
		hook.hmacHeader.clear();
		CPPUNIT_ASSERT(!check(hook, "X-Hub-Signature-256", "sha256=" + GITHUB_SIG, GITHUB_BODY));
		assertLoggedOnce("gh");
	}

	void testWholeValueUsedWhenPrefixAbsent() { CPPUNIT_ASSERT(check(githubHook(), "X-Hub-Signature-256", GITHUB_SIG, GITHUB_BODY)); }

	void testWholeValueUsedWhenPrefixEmpty()
	{
		Hook hook = githubHook();
		hook.hmacSigPrefix.clear();
		CPPUNIT_ASSERT(check(hook, "X-Hub-Signature-256", GITHUB_SIG, GITHUB_BODY));
		CPPUNIT_ASSERT(!check(hook, "X-Hub-Signature-256", "sha256=" + GITHUB_SIG, GITHUB_BODY));
	}

	void testRejectsPrefixOnlyValue() { CPPUNIT_ASSERT(!check(githubHook(), "X-Hub-Signature-256", "sha256=", GITHUB_BODY)); }

	void testAcceptsStripeSignatureWithinTolerance()
	{
		ManualClock clock(seconds(STRIPE_TS + 299));
		CPPUNIT_ASSERT(check(stripeHook(), "Stripe-Signature", stripeHeader(STRIPE_TS, STRIPE_SIG), STRIPE_BODY, clock.now()));
		clock.set(seconds(STRIPE_TS - 299));
		CPPUNIT_ASSERT(check(stripeHook(), "Stripe-Signature", stripeHeader(STRIPE_TS, STRIPE_SIG), STRIPE_BODY, clock.now()));
	}

	void testAcceptsStripeAtExactToleranceBoundary()
	{
		ManualClock clock(seconds(STRIPE_TS + 300));
		CPPUNIT_ASSERT(check(stripeHook(), "Stripe-Signature", stripeHeader(STRIPE_TS, STRIPE_SIG), STRIPE_BODY, clock.now()));
		clock.advanceSeconds(0.000001);
		CPPUNIT_ASSERT(!check(stripeHook(), "Stripe-Signature", stripeHeader(STRIPE_TS, STRIPE_SIG), STRIPE_BODY, clock.now()));
	}

	void testRejectsStripeTimestampTooOld()
	{
		ManualClock clock(seconds(STRIPE_TS + 301));
		CPPUNIT_ASSERT(!check(stripeHook(), "Stripe-Signature", stripeHeader(STRIPE_TS, STRIPE_SIG), STRIPE_BODY, clock.now()));
		CPPUNIT_ASSERT(_capture->texts.empty());
	}

	void testRejectsStripeTimestampTooFarInFuture()
	{
		ManualClock clock(seconds(STRIPE_TS - 301));
		CPPUNIT_ASSERT(!check(stripeHook(), "Stripe-Signature", stripeHeader(STRIPE_TS, STRIPE_SIG), STRIPE_BODY, clock.now()));
	}

	void testStripeWithoutToleranceIgnoresAge()
	{
		Hook hook = stripeHook();
		hook.hmacToleranceSeconds.reset();
		ManualClock clock(seconds(STRIPE_TS + 86400 * 365));
		CPPUNIT_ASSERT(check(hook, "Stripe-Signature", stripeHeader(STRIPE_TS, STRIPE_SIG), STRIPE_BODY, clock.now()));
		hook.hmacToleranceSeconds = 0;
		CPPUNIT_ASSERT(check(hook, "Stripe-Signature", stripeHeader(STRIPE_TS, STRIPE_SIG), STRIPE_BODY, clock.now()));
	}

	void testRejectsStripeSignatureOverBodyOnly()
	{
		// The payload prefix is part of the signed bytes: a signature of the bare body fails.
		CPPUNIT_ASSERT(
			!check(stripeHook(), "Stripe-Signature", stripeHeader(STRIPE_TS, STRIPE_SIG_BODY_ONLY), STRIPE_BODY, seconds(STRIPE_TS)));
		// Changing the timestamp breaks the signature even within tolerance.
		CPPUNIT_ASSERT(!check(stripeHook(), "Stripe-Signature", stripeHeader(STRIPE_TS + 1, STRIPE_SIG), STRIPE_BODY, seconds(STRIPE_TS)));
	}

	void testRejectsWhenPayloadRegexDoesNotMatch()
	{
		// [beyond] The reference fell back to the bare body; a body-only signature
		// without "t=" must not pass.
		Hook hook = stripeHook();
		hook.hmacToleranceSeconds.reset();
		CPPUNIT_ASSERT(!check(hook, "Stripe-Signature", "v1=" + STRIPE_SIG_BODY_ONLY, STRIPE_BODY, seconds(STRIPE_TS)));
	}

	void testRejectsWhenSigRegexDoesNotMatch()
	{
		CPPUNIT_ASSERT(!check(
			stripeHook(), "Stripe-Signature", "t=" + std::to_string(STRIPE_TS) + ",v2=" + STRIPE_SIG, STRIPE_BODY, seconds(STRIPE_TS)));
	}

	void testRejectsEmptySigRegexGroup()
	{
		Hook hook = stripeHook();
		hook.hmacSigRegex = "v1=([a-f0-9]*)";
		CPPUNIT_ASSERT(!check(hook, "Stripe-Signature", "t=" + std::to_string(STRIPE_TS) + ",v1=", STRIPE_BODY, seconds(STRIPE_TS)));
	}

	void testRejectsSigRegexWithoutGroupAndLogs()
	{
		Hook hook = stripeHook();
		hook.hmacSigRegex = "v1=[a-f0-9]+";
		CPPUNIT_ASSERT(!check(hook, "Stripe-Signature", stripeHeader(STRIPE_TS, STRIPE_SIG), STRIPE_BODY, seconds(STRIPE_TS)));
		assertLoggedOnce("stripe");
	}

	void testRejectsPayloadRegexWithoutGroupAndLogs()
	{
		Hook hook = stripeHook();
		hook.hmacPayloadPrefixRegex = "t=\\d+";
		CPPUNIT_ASSERT(!check(hook, "Stripe-Signature", stripeHeader(STRIPE_TS, STRIPE_SIG), STRIPE_BODY, seconds(STRIPE_TS)));
		assertLoggedOnce("stripe");
	}

	void testRejectsInvalidSigRegexAndLogs()
	{
		Hook hook = stripeHook();
		hook.hmacSigRegex = "v1=([a-f0-9]+";
		CPPUNIT_ASSERT(!check(hook, "Stripe-Signature", stripeHeader(STRIPE_TS, STRIPE_SIG), STRIPE_BODY, seconds(STRIPE_TS)));
		assertLoggedOnce("stripe");
	}

	void testRejectsInvalidPayloadRegexAndLogs()
	{
		Hook hook = stripeHook();
		hook.hmacPayloadPrefixRegex = "t=(\\d+";
		CPPUNIT_ASSERT(!check(hook, "Stripe-Signature", stripeHeader(STRIPE_TS, STRIPE_SIG), STRIPE_BODY, seconds(STRIPE_TS)));
		assertLoggedOnce("stripe");
	}

	void testRejectsToleranceWithoutPayloadRegexAndLogs()
	{
		// A tolerance with nothing to read the timestamp from would silently check nothing.
		Hook hook = githubHook();
		hook.hmacToleranceSeconds = 300;
		CPPUNIT_ASSERT(!check(hook, "X-Hub-Signature-256", "sha256=" + GITHUB_SIG, GITHUB_BODY));
		assertLoggedOnce("gh");
	}

	void testRejectsNonNumericTimestampUnderTolerance()
	{
		// A payload regex that captures more than digits: the signature is right but
		// the group is no Unix time.
		Hook hook = stripeHook();
		hook.hmacPayloadPrefixRegex = "t=([^,]+)";
		CPPUNIT_ASSERT(check(hook, "Stripe-Signature", stripeHeader(STRIPE_TS, STRIPE_SIG), STRIPE_BODY, seconds(STRIPE_TS)));
		const std::string sig = HMACAuthenticator::sign(hook, "-1." + STRIPE_BODY);
		CPPUNIT_ASSERT(!check(hook, "Stripe-Signature", "t=-1,v1=" + sig, STRIPE_BODY, seconds(0)));
	}

	void testRejectsNonAsciiHeaderValue()
	{
		CPPUNIT_ASSERT(!check(githubHook(), "X-Hub-Signature-256", "sha256=" + GITHUB_SIG + "\xC3\xA9", GITHUB_BODY));
		CPPUNIT_ASSERT(!check(githubHook(), "X-Hub-Signature-256", "\xFF", GITHUB_BODY));
	}

	void testAcceptsShopifyBase64()
	{
		Hook hook;
		hook.id = "shop";
		hook.authMode = "hmac";
		hook.hmacSecret = "shpss_secret";
		hook.hmacHeader = "X-Shopify-Hmac-Sha256";
		hook.hmacEncoding = "base64";
		hook.hmacSigPrefix = "";
		CPPUNIT_ASSERT(check(hook, "X-Shopify-Hmac-Sha256", "yDVNpmxQCNEQC9dKCR/hodz9eTb2Z3NwQa93joRgIFc=", "{\"order\":1}"));
		CPPUNIT_ASSERT(!check(hook, "X-Shopify-Hmac-Sha256", "yDVNpmxQCNEQC9dKCR/hodz9eTb2Z3NwQa93joRgIFc=", "{\"order\":2}"));
		// The URL-safe alphabet is not standard base64.
		CPPUNIT_ASSERT(!check(hook, "X-Shopify-Hmac-Sha256", "yDVNpmxQCNEQC9dKCR_hodz9eTb2Z3NwQa93joRgIFc=", "{\"order\":1}"));
	}

	void testRejectsBase64WithoutPadding()
	{
		Hook hook;
		hook.id = "shop";
		hook.authMode = "hmac";
		hook.hmacSecret = "shpss_secret";
		hook.hmacHeader = "X-Shopify-Hmac-Sha256";
		hook.hmacEncoding = "base64";
		hook.hmacSigPrefix = "";
		CPPUNIT_ASSERT(!check(hook, "X-Shopify-Hmac-Sha256", "yDVNpmxQCNEQC9dKCR/hodz9eTb2Z3NwQa93joRgIFc", "{\"order\":1}"));
	}

	void testAcceptsSha1()
	{
		Hook hook = githubHook();
		hook.hmacSecret = "s1";
		hook.hmacAlgorithm = "sha1";
		hook.hmacHeader = "X-Hub-Signature";
		hook.hmacSigPrefix = "sha1=";
		CPPUNIT_ASSERT(check(hook, "X-Hub-Signature", "sha1=0f1121611ee2c550996ac746fdaefe2cef3a6c88", "abc"));
		CPPUNIT_ASSERT(!check(hook, "X-Hub-Signature", "sha1=0f1121611ee2c550996ac746fdaefe2cef3a6c89", "abc"));
	}

	void testAcceptsSha512Hex()
	{
		Hook hook = githubHook();
		hook.hmacSecret = "key512";
		hook.hmacAlgorithm = "sha512";
		hook.hmacSigPrefix = "";
		CPPUNIT_ASSERT(check(hook, "X-Hub-Signature-256",
			"e1c32896f34eb21b70d8f1be45ac6556fdfe43fc1899bd1046ae0d0e06bc5d4c45aa07b9c52138424db8ec9e4b014808d1331eea4ecb1cb6066880070f1e1634",
			"payload"));
	}

	void testAcceptsSha512Base64()
	{
		Hook hook = githubHook();
		hook.hmacSecret = "key512";
		hook.hmacAlgorithm = "sha512";
		hook.hmacEncoding = "base64";
		hook.hmacSigPrefix = "";
		CPPUNIT_ASSERT(check(hook, "X-Hub-Signature-256",
			"4cMolvNOshtw2PG+RaxlVv3+Q/wYmb0QRq4NDga8XUxFqge5xSE4Qk247J5LAUgI0TMe6k7LHLYGaIAHDx4WNA==", "payload"));
	}

	void testAlgorithmAndEncodingNamesAreCaseInsensitive()
	{
		Hook hook = githubHook();
		hook.hmacAlgorithm = "SHA256";
		hook.hmacEncoding = "HEX";
		CPPUNIT_ASSERT(check(hook, "X-Hub-Signature-256", "sha256=" + GITHUB_SIG, GITHUB_BODY));
		hook.hmacAlgorithm = "Sha256";
		CPPUNIT_ASSERT(check(hook, "X-Hub-Signature-256", "sha256=" + GITHUB_SIG, GITHUB_BODY));
		CPPUNIT_ASSERT(_capture->texts.empty());
	}

	void testRejectsUnknownAlgorithmAndLogsHookIdWithoutSecret()
	{
		Hook hook = githubHook();
		hook.hmacAlgorithm = "md5";
		CPPUNIT_ASSERT(!check(hook, "X-Hub-Signature-256", "sha256=" + GITHUB_SIG, GITHUB_BODY));
		assertLoggedOnce("gh");
		CPPUNIT_ASSERT(_capture->texts[0].find("md5") != std::string::npos);
		hook.hmacAlgorithm = "sha-256";
		CPPUNIT_ASSERT(!check(hook, "X-Hub-Signature-256", "sha256=" + GITHUB_SIG, GITHUB_BODY));
	}

	void testRejectsUnknownEncodingAndLogs()
	{
		Hook hook = githubHook();
		hook.hmacEncoding = "base32";
		CPPUNIT_ASSERT(!check(hook, "X-Hub-Signature-256", "sha256=" + GITHUB_SIG, GITHUB_BODY));
		assertLoggedOnce("gh");
	}

	void testSecretIsUsedAsUtf8Bytes()
	{
		Hook hook = githubHook();
		hook.hmacSecret = "s\xC3\xA9"
						  "cret";
		hook.hmacSigPrefix = "";
		CPPUNIT_ASSERT(check(hook, "X-Hub-Signature-256", "6bdc600d7060e2255d31249ba5148f3467e62926a37d87eeb622e2332f1ca7e7", "{}"));
	}

	void testSignsRawBodyBytes()
	{
		// Bytes that are not valid UTF-8 and a NUL are signed as they are.
		Hook hook = githubHook();
		const std::string body("{\"a\":\"\xFF\0\"}", 10);
		const std::string sig = HMACAuthenticator::sign(hook, body);
		CPPUNIT_ASSERT(check(hook, "X-Hub-Signature-256", "sha256=" + sig, body));
		CPPUNIT_ASSERT(!check(hook, "X-Hub-Signature-256", "sha256=" + sig, body.substr(0, 8)));
	}

	void testSignMatchesVectorAndRejectsBadDefinitions()
	{
		CPPUNIT_ASSERT_EQUAL(GITHUB_SIG, HMACAuthenticator::sign(githubHook(), GITHUB_BODY));
		Hook hook = githubHook();
		hook.hmacSecret.clear();
		CPPUNIT_ASSERT_THROW(HMACAuthenticator::sign(hook, GITHUB_BODY), Poco::InvalidArgumentException);
		hook = githubHook();
		hook.hmacAlgorithm = "md5";
		CPPUNIT_ASSERT_THROW(HMACAuthenticator::sign(hook, GITHUB_BODY), Poco::InvalidArgumentException);
		hook = githubHook();
		hook.hmacEncoding = "base32";
		CPPUNIT_ASSERT_THROW(HMACAuthenticator::sign(hook, GITHUB_BODY), Poco::InvalidArgumentException);
	}

private:
	static Poco::Timestamp seconds(long long s) { return Poco::Timestamp(s * Poco::Timestamp::resolution()); }

	static std::string emptyKeySignature()
	{
		// HMAC-SHA256 of "Hello, World!" under the empty key (Python hmac).
		return "2bbcfa9524f3218c7a34b30e6936f8b1a4516cb097f1a85a1c7d98b5977ec769";
	}

	bool check(const Hook& hook, const std::string& header, const std::string& value, const std::string& body,
		Poco::Timestamp now = Poco::Timestamp(0))
	{
		Poco::Net::NameValueCollection headers;
		headers.set(header, value);
		RequestView view(headers, body, "global-token", now);
		return HMACAuthenticator::authenticate(hook, view);
	}

	void assertLoggedOnce(const std::string& hookId)
	{
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _capture->texts.size());
		const std::string& text = _capture->texts[0];
		CPPUNIT_ASSERT_MESSAGE(text, text.find("'" + hookId + "'") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(text, text.find(GITHUB_SECRET) == std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(text, text.find(STRIPE_SECRET) == std::string::npos);
	}

	Poco::AutoPtr<CaptureChannel> _capture;
	Poco::Channel::Ptr _savedChannel;
	int _savedLevel = 0;
};

CPPUNIT_TEST_SUITE_REGISTRATION(HMACAuthenticatorTest);
