//
// HookIdSanitizerTest.cpp
//

#include "Sygen/Hooks/HookIdSanitizer.h"
#include <Poco/Exception.h>
#include <cppunit/extensions/HelperMacros.h>

using Sygen::HookIdSanitizer;

class HookIdSanitizerTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(HookIdSanitizerTest);
	CPPUNIT_TEST(testLowercases);
	CPPUNIT_TEST(testReplacesOtherCharactersWithDash);
	CPPUNIT_TEST(testCollapsesRunsOfDashes);
	CPPUNIT_TEST(testTrimsLeadingAndTrailingDashes);
	CPPUNIT_TEST(testKeepsValidIdUnchanged);
	CPPUNIT_TEST(testNonAsciiLettersBecomeDashes);
	CPPUNIT_TEST(testInvalidUtf8BecomesDash);
	CPPUNIT_TEST(testEmptyResultThrows);
	CPPUNIT_TEST_SUITE_END();

public:
	void testLowercases() { CPPUNIT_ASSERT_EQUAL(std::string("github"), HookIdSanitizer::sanitize("GitHub")); }

	void testReplacesOtherCharactersWithDash() { CPPUNIT_ASSERT_EQUAL(std::string("my-hook-v2"), HookIdSanitizer::sanitize("my_hook.v2")); }

	void testCollapsesRunsOfDashes() { CPPUNIT_ASSERT_EQUAL(std::string("a-b"), HookIdSanitizer::sanitize("a -- _ b")); }

	void testTrimsLeadingAndTrailingDashes() { CPPUNIT_ASSERT_EQUAL(std::string("deploy"), HookIdSanitizer::sanitize("--  Deploy!! ")); }

	void testKeepsValidIdUnchanged() { CPPUNIT_ASSERT_EQUAL(std::string("ci-build-42"), HookIdSanitizer::sanitize("ci-build-42")); }

	void testNonAsciiLettersBecomeDashes()
	{
		// "Größe Ärger" -> "gr-e-rger"
		CPPUNIT_ASSERT_EQUAL(std::string("gr-e-rger"),
			HookIdSanitizer::sanitize("Gr\xC3\xB6\xC3\x9F"
									  "e \xC3\x84rger"));
	}

	void testInvalidUtf8BecomesDash()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("a-b"),
			HookIdSanitizer::sanitize("a\xFF\xFE"
									  "b"));
	}

	void testEmptyResultThrows()
	{
		CPPUNIT_ASSERT_THROW(HookIdSanitizer::sanitize(""), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT_THROW(HookIdSanitizer::sanitize("---"), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT_THROW(HookIdSanitizer::sanitize("\xE6\x97\xA5\xE6\x9C\xAC"), Poco::InvalidArgumentException);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(HookIdSanitizerTest);
