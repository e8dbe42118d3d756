//
// OutputParserTest.cpp
//

#include "OutputParser.h"
#include "CliProviders.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::OutputParser;

namespace {

const std::string FFFD = "\xEF\xBF\xBD";

} // namespace

class OutputParserTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(OutputParserTest);
	CPPUNIT_TEST(testValidUtf8IsKept);
	CPPUNIT_TEST(testEachInvalidSequenceBecomesOneReplacement);
	CPPUNIT_TEST(testSurrogatesAndOverlongFormsAreInvalid);
	CPPUNIT_TEST(testCleanTrimsWhitespaceAndEmptyStaysEmpty);
	CPPUNIT_TEST(testCharacterCutsCountCodePoints);
	CPPUNIT_TEST(testUnknownProviderUsesClaudeParser);
	CPPUNIT_TEST_SUITE_END();

public:
	void testValidUtf8IsKept()
	{
		std::string s = "caf\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x98\x80";
		CPPUNIT_ASSERT_EQUAL(s, OutputParser::sanitizeUtf8(s));
	}

	void testEachInvalidSequenceBecomesOneReplacement()
	{
		CPPUNIT_ASSERT_EQUAL("a" + FFFD + "b",
			OutputParser::sanitizeUtf8("a\xFF"
									   "b"));
		CPPUNIT_ASSERT_EQUAL(FFFD + "x", OutputParser::sanitizeUtf8("\xE2\x80x"));
		CPPUNIT_ASSERT_EQUAL("ok" + FFFD, OutputParser::sanitizeUtf8("ok\xF0\x9F\x98"));
		CPPUNIT_ASSERT_EQUAL(FFFD + FFFD, OutputParser::sanitizeUtf8("\x80\x80"));
	}

	void testSurrogatesAndOverlongFormsAreInvalid()
	{
		CPPUNIT_ASSERT_EQUAL(FFFD + FFFD + FFFD, OutputParser::sanitizeUtf8("\xED\xA0\x80"));
		CPPUNIT_ASSERT_EQUAL(FFFD + FFFD, OutputParser::sanitizeUtf8("\xC0\xAF"));
		CPPUNIT_ASSERT_EQUAL(FFFD + FFFD + FFFD + FFFD, OutputParser::sanitizeUtf8("\xF4\x90\x80\x80"));
	}

	void testCleanTrimsWhitespaceAndEmptyStaysEmpty()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("a b"), OutputParser::clean(" \n\ta b\r\n "));
		CPPUNIT_ASSERT_EQUAL(std::string(), OutputParser::clean(" \n "));
		CPPUNIT_ASSERT_EQUAL(std::string(), OutputParser::clean(""));
	}

	void testCharacterCutsCountCodePoints()
	{
		std::string e = "\xC3\xA9";
		std::string text = e + e + e + "abc";
		CPPUNIT_ASSERT_EQUAL(e + e, OutputParser::firstCharacters(text, 2));
		CPPUNIT_ASSERT_EQUAL(text, OutputParser::firstCharacters(text, 6));
		CPPUNIT_ASSERT_EQUAL(e + "abc", OutputParser::lastCharacters(text, 4));
		CPPUNIT_ASSERT_EQUAL(text, OutputParser::lastCharacters(text, 100));
	}

	void testUnknownProviderUsesClaudeParser()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("r"), Sygen::CliProviders::find("mistral").parseOutput("{\"result\":\"r\"}", "", 0));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(OutputParserTest);
