//
// ClaudeOutputParserTest.cpp
//

#include "CliProviders.h"
#include "WorkerTestSupport.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::CliProviders;

namespace {

std::string parse(const std::string& stdoutBytes)
/// The result text of a run that printed stdoutBytes (the exit code does not matter to claude).
{
	return CliProviders::find("claude").parseOutput(stdoutBytes, "", 0);
}

} // namespace

class ClaudeOutputParserTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ClaudeOutputParserTest);
	CPPUNIT_TEST(testNotLoggedInSampleGivesItsResultText);
	CPPUNIT_TEST(testSuccessObjectGivesResult);
	CPPUNIT_TEST(testMissingOrNullResultIsEmpty);
	CPPUNIT_TEST(testTextThatIsNotJsonIsCutTo2000Characters);
	CPPUNIT_TEST(testInvalidUtf8IsReplacedBeforeParsing);
	CPPUNIT_TEST(testAbsurdlyDeepOutputIsRawTextNotACrash);
	CPPUNIT_TEST_SUITE_END();

public:
	void testNotLoggedInSampleGivesItsResultText()
	{
		std::string sample = Sygen::Test::sampleFile("claude-not-logged-in.stdout.json");
		CPPUNIT_ASSERT_EQUAL(std::string("Not logged in \xC2\xB7 Please run /login"), parse(sample));
	}

	void testSuccessObjectGivesResult()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("Report sent.\n\nAll good."),
			parse("{\"type\":\"result\",\"is_error\":false,\"result\":\"  Report sent.\\n\\nAll good.\\n\"}\n"));
	}

	void testMissingOrNullResultIsEmpty()
	{
		CPPUNIT_ASSERT_EQUAL(std::string(), parse("{\"type\":\"result\"}"));
		CPPUNIT_ASSERT_EQUAL(std::string(), parse("{\"result\":null}"));
		CPPUNIT_ASSERT_EQUAL(std::string(), parse(""));
	}

	void testTextThatIsNotJsonIsCutTo2000Characters()
	{
		std::string e = "\xC3\xA9";
		std::string raw;
		for (int i = 0; i < 2500; ++i) raw += e;
		std::string parsed = parse("\n" + raw + "\n");
		CPPUNIT_ASSERT_EQUAL(size_t(4000), parsed.size());
		CPPUNIT_ASSERT_EQUAL(std::string("Error: boom"), parse("Error: boom\n"));
		CPPUNIT_ASSERT_EQUAL(std::string("[1,2]"), parse("[1,2]"));
	}

	void testInvalidUtf8IsReplacedBeforeParsing()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("a\xEF\xBF\xBD"
										 "b"),
			parse("{\"result\":\"a\xFF"
				  "b\"}"));
	}

	void testAbsurdlyDeepOutputIsRawTextNotACrash()
	{
		// Deep enough to exhaust a recursive parser's stack; the result is the raw text, cut.
		std::string deep = "{\"result\": " + std::string(200000, '[') + std::string(200000, ']') + "}";
		std::string parsed = parse(deep);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"result\": ") + std::string(2000 - 11, '['), parsed);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ClaudeOutputParserTest);
