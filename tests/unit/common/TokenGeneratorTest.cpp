//
// TokenGeneratorTest.cpp
//

#include "Sygen/Foundation/TokenGenerator.h"
#include <cppunit/extensions/HelperMacros.h>
#include <set>

using Sygen::TokenGenerator;

class TokenGeneratorTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(TokenGeneratorTest);
	CPPUNIT_TEST(testTokenIs43UrlSafeCharacters);
	CPPUNIT_TEST(testTokensDiffer);
	CPPUNIT_TEST(testEncodeMatchesPythonUrlsafeBase64WithoutPadding);
	CPPUNIT_TEST_SUITE_END();

public:
	void testTokenIs43UrlSafeCharacters()
	{
		std::string token = TokenGenerator::generate();
		CPPUNIT_ASSERT_EQUAL(std::size_t(43), token.size());
		CPPUNIT_ASSERT_EQUAL(
			std::string::npos, token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"));
	}

	void testTokensDiffer()
	{
		std::set<std::string> seen;
		for (int i = 0; i < 100; ++i) seen.insert(TokenGenerator::generate());
		CPPUNIT_ASSERT_EQUAL(std::size_t(100), seen.size());
	}

	void testEncodeMatchesPythonUrlsafeBase64WithoutPadding()
	{
		// base64.urlsafe_b64encode(...).rstrip(b"=")
		unsigned char bytes[32];
		for (int i = 0; i < 32; ++i) bytes[i] = static_cast<unsigned char>(i);
		CPPUNIT_ASSERT_EQUAL(std::string("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"), TokenGenerator::encode(bytes, 32));
		const unsigned char high[] = {0xfb, 0xff, 0xfe};
		CPPUNIT_ASSERT_EQUAL(std::string("-__-"), TokenGenerator::encode(high, 3));
		CPPUNIT_ASSERT_EQUAL(std::string("-_8"), TokenGenerator::encode(high, 2));
		CPPUNIT_ASSERT_EQUAL(std::string("-w"), TokenGenerator::encode(high, 1));
		CPPUNIT_ASSERT_EQUAL(std::string(""), TokenGenerator::encode(high, 0));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(TokenGeneratorTest);
