//
// HMACDigestTest.cpp
//
// Vectors: RFC 4231 test case 2 (HMAC-SHA256/512), RFC 2202 test case 2
// (HMAC-SHA1), RFC 4648 §10 (base64).
//

#include "Sygen/Auth/HMACDigest.h"
#include <Poco/Exception.h>
#include <cppunit/extensions/HelperMacros.h>

using Sygen::HMACDigest;

class HMACDigestTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(HMACDigestTest);
	CPPUNIT_TEST(testRfcVectors);
	CPPUNIT_TEST(testAlgorithmNamesAreCaseInsensitive);
	CPPUNIT_TEST(testRejectsUnknownAlgorithm);
	CPPUNIT_TEST(testEmptyKeyIsAllowed);
	CPPUNIT_TEST(testBase64EncodesRfcVectors);
	CPPUNIT_TEST(testBase64DecodesWithAndWithoutPadding);
	CPPUNIT_TEST(testBase64RejectsMalformedInput);
	CPPUNIT_TEST(testBase64RoundTripsAllBytes);
	CPPUNIT_TEST_SUITE_END();

public:
	void testRfcVectors()
	{
		const std::string key = "Jefe";
		const std::string data = "what do ya want for nothing?";
		CPPUNIT_ASSERT_EQUAL(std::string("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
			HMACDigest::toHex(HMACDigest::compute("sha256", key, data)));
		CPPUNIT_ASSERT_EQUAL(
			std::string("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"), HMACDigest::toHex(HMACDigest::compute("sha1", key, data)));
		CPPUNIT_ASSERT_EQUAL(std::string("164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
										 "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"),
			HMACDigest::toHex(HMACDigest::compute("sha512", key, data)));
	}

	void testAlgorithmNamesAreCaseInsensitive()
	{
		CPPUNIT_ASSERT(HMACDigest::isSupported("SHA256"));
		CPPUNIT_ASSERT(HMACDigest::isSupported("Sha1"));
		CPPUNIT_ASSERT(HMACDigest::isSupported("sHA512"));
		CPPUNIT_ASSERT(!HMACDigest::isSupported("sha384"));
		CPPUNIT_ASSERT(!HMACDigest::isSupported("md5"));
		CPPUNIT_ASSERT(!HMACDigest::isSupported(""));
	}

	void testRejectsUnknownAlgorithm() { CPPUNIT_ASSERT_THROW(HMACDigest::compute("md5", "k", "d"), Poco::InvalidArgumentException); }

	void testEmptyKeyIsAllowed()
	{
		// Python: hmac.new(b"", b"", hashlib.sha256).hexdigest()
		CPPUNIT_ASSERT_EQUAL(std::string("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"),
			HMACDigest::toHex(HMACDigest::compute("sha256", "", "")));
	}

	void testBase64EncodesRfcVectors()
	{
		CPPUNIT_ASSERT_EQUAL(std::string(""), HMACDigest::toBase64(""));
		CPPUNIT_ASSERT_EQUAL(std::string("Zg=="), HMACDigest::toBase64("f"));
		CPPUNIT_ASSERT_EQUAL(std::string("Zm8="), HMACDigest::toBase64("fo"));
		CPPUNIT_ASSERT_EQUAL(std::string("Zm9v"), HMACDigest::toBase64("foo"));
		CPPUNIT_ASSERT_EQUAL(std::string("Zm9vYmFy"), HMACDigest::toBase64("foobar"));
		CPPUNIT_ASSERT_EQUAL(std::string("+vv8/f7/"), HMACDigest::toBase64("\xFA\xFB\xFC\xFD\xFE\xFF"));
	}

	void testBase64DecodesWithAndWithoutPadding()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("f"), HMACDigest::fromBase64("Zg=="));
		CPPUNIT_ASSERT_EQUAL(std::string("f"), HMACDigest::fromBase64("Zg"));
		CPPUNIT_ASSERT_EQUAL(std::string("fo"), HMACDigest::fromBase64("Zm8="));
		CPPUNIT_ASSERT_EQUAL(std::string("foobar"), HMACDigest::fromBase64("Zm9vYmFy"));
		CPPUNIT_ASSERT_EQUAL(std::string(""), HMACDigest::fromBase64(""));
	}

	void testBase64RejectsMalformedInput()
	{
		CPPUNIT_ASSERT_THROW(HMACDigest::fromBase64("Zg="), Poco::DataFormatException);
		CPPUNIT_ASSERT_THROW(HMACDigest::fromBase64("Z"), Poco::DataFormatException);
		CPPUNIT_ASSERT_THROW(HMACDigest::fromBase64("Zm9v YmFy"), Poco::DataFormatException);
		CPPUNIT_ASSERT_THROW(HMACDigest::fromBase64("-_-_"), Poco::DataFormatException);
		CPPUNIT_ASSERT_THROW(HMACDigest::fromBase64("Zg==Zg=="), Poco::DataFormatException);
		CPPUNIT_ASSERT_THROW(HMACDigest::fromBase64("Z==="), Poco::DataFormatException);
	}

	void testBase64RoundTripsAllBytes()
	{
		std::string all;
		for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
		for (std::size_t n = 0; n < 5; ++n)
		{
			const std::string s = all.substr(0, all.size() - n);
			CPPUNIT_ASSERT(HMACDigest::fromBase64(HMACDigest::toBase64(s)) == s);
		}
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(HMACDigestTest);
