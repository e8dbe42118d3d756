//
// GeminiOutputParserTest.cpp
//

#include "CliProviders.h"
#include "WorkerTestSupport.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::CliProviders;

class GeminiOutputParserTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(GeminiOutputParserTest);
	CPPUNIT_TEST(testNoAuthSampleGivesTheStderrErrorMessage);
	CPPUNIT_TEST(testResponseFieldOfSuccessObject);
	CPPUNIT_TEST(testFieldPriorityAndNullsSkipped);
	CPPUNIT_TEST(testErrorMessageOnStdoutObject);
	CPPUNIT_TEST(testArrayTextsAreJoinedByBlankLine);
	CPPUNIT_TEST(testInvalidJsonOrNoTextGivesRawText);
	CPPUNIT_TEST(testEmptyStdoutWithExitZeroIsEmpty);
	CPPUNIT_TEST(testStderrWithoutJsonGivesItsLast2000Characters);
	CPPUNIT_TEST_SUITE_END();

public:
	void testNoAuthSampleGivesTheStderrErrorMessage()
	{
		std::string text = CliProviders::find("gemini").parseOutput(
			Sygen::Test::sampleFile("gemini-no-auth.stdout.txt"), Sygen::Test::sampleFile("gemini-no-auth.stderr.txt"), 41);
		CPPUNIT_ASSERT_EQUAL(
			std::string(
				"Please set an Auth method in your /home/svc/.gemini/settings.json or specify one of "
				"the following environment variables before running: GEMINI_API_KEY, GOOGLE_GENAI_USE_VERTEXAI, GOOGLE_GENAI_USE_GCA"),
			text);
	}

	void testResponseFieldOfSuccessObject()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("Hello"),
			CliProviders::find("gemini").parseOutput(
				"{\n  \"session_id\": \"s\",\n  \"response\": \"Hello\\n\",\n  \"stats\": {}\n}\n", "", 0));
	}

	void testFieldPriorityAndNullsSkipped()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("r"), CliProviders::find("gemini").parseOutput("{\"output\":\"o\",\"result\":\"r\"}", "", 0));
		CPPUNIT_ASSERT_EQUAL(
			std::string("c"), CliProviders::find("gemini").parseOutput("{\"result\":null,\"response\":null,\"content\":\"c\"}", "", 0));
		CPPUNIT_ASSERT_EQUAL(std::string("o"), CliProviders::find("gemini").parseOutput("{\"output\":\"o\"}", "", 0));
	}

	void testErrorMessageOnStdoutObject()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("quota exceeded"),
			CliProviders::find("gemini").parseOutput("{\"error\":{\"type\":\"Error\",\"message\":\"quota exceeded\",\"code\":1}}", "", 1));
	}

	void testArrayTextsAreJoinedByBlankLine()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("one\n\ntwo"),
			CliProviders::find("gemini").parseOutput("[{\"response\":\"one\"},{\"stats\":{}},{\"result\":\"two\"}]", "", 0));
	}

	void testInvalidJsonOrNoTextGivesRawText()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("plain answer"), CliProviders::find("gemini").parseOutput("plain answer\n", "", 0));
		CPPUNIT_ASSERT_EQUAL(std::string("{\"stats\":{}}"), CliProviders::find("gemini").parseOutput("{\"stats\":{}}", "", 0));
	}

	void testEmptyStdoutWithExitZeroIsEmpty()
	{
		CPPUNIT_ASSERT_EQUAL(
			std::string(), CliProviders::find("gemini").parseOutput("", Sygen::Test::sampleFile("gemini-no-auth.stderr.txt"), 0));
	}

	void testStderrWithoutJsonGivesItsLast2000Characters()
	{
		std::string err(1500, 'a');
		err += std::string(1000, 'b');
		std::string text = CliProviders::find("gemini").parseOutput("", err + "\n", 1);
		CPPUNIT_ASSERT_EQUAL(size_t(2000), text.size());
		CPPUNIT_ASSERT_EQUAL(std::string(1000, 'a') + std::string(1000, 'b'), text);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(GeminiOutputParserTest);
