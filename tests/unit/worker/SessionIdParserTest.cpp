//
// SessionIdParserTest.cpp
//

#include "CliProviders.h"
#include "WorkerTestSupport.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::CliProviders;
using Sygen::Test::sampleFile;

class SessionIdParserTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SessionIdParserTest);
	CPPUNIT_TEST(testClaudeSessionIdFromTheResultObject);
	CPPUNIT_TEST(testCodexThreadIdFromThreadStarted);
	CPPUNIT_TEST(testGeminiSessionIdFromStdoutOrStderr);
	CPPUNIT_TEST(testNothingFromOtherOutput);
	CPPUNIT_TEST(testRecognisesUnknownSessions);
	CPPUNIT_TEST_SUITE_END();

public:
	void testClaudeSessionIdFromTheResultObject()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("16eb5179-0148-4ffc-a2f3-a3f197491c1b"),
			CliProviders::find("claude").sessionId(sampleFile("claude-not-logged-in.stdout.json"), ""));
		CPPUNIT_ASSERT_EQUAL(std::string("abc"), CliProviders::find("claude").sessionId("{\"result\":\"x\",\"session_id\":\"abc\"}\n", ""));
	}

	void testCodexThreadIdFromThreadStarted()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("01a2223b-bb26-74d3-8d8f-acb06cad5451"),
			CliProviders::find("codex").sessionId(sampleFile("codex-no-network.stdout.jsonl"), ""));
		CPPUNIT_ASSERT_EQUAL(std::string("t2"),
			CliProviders::find("codex").sessionId(
				"not json\n{\"type\":\"turn.started\"}\n{\"type\":\"thread.started\",\"thread_id\":\"t2\"}\n", ""));
	}

	void testGeminiSessionIdFromStdoutOrStderr()
	{
		CPPUNIT_ASSERT_EQUAL(
			std::string("g1"), CliProviders::find("gemini").sessionId("{\n  \"session_id\": \"g1\",\n  \"response\": \"hi\"\n}\n", ""));
		CPPUNIT_ASSERT_EQUAL(std::string("b0cc16fe-3b06-4e0a-974e-a217bdf1f9b2"),
			CliProviders::find("gemini").sessionId("", sampleFile("gemini-no-auth.stderr.txt")));
	}

	void testNothingFromOtherOutput()
	{
		CPPUNIT_ASSERT_EQUAL(std::string(""), CliProviders::find("claude").sessionId("plain text", ""));
		CPPUNIT_ASSERT_EQUAL(std::string(""), CliProviders::find("claude").sessionId("{\"session_id\": 5}", ""));
		CPPUNIT_ASSERT_EQUAL(std::string(""), CliProviders::find("codex").sessionId("{\"type\":\"turn.completed\"}", ""));
		CPPUNIT_ASSERT_EQUAL(std::string(""), CliProviders::find("claude").sessionId("", "{\"session_id\":\"from-stderr\"}"));
	}

	void testRecognisesUnknownSessions()
	{
		CPPUNIT_ASSERT(CliProviders::find("claude").isUnknownSession("", "No conversation found with session ID: 0000\n"));
		CPPUNIT_ASSERT(CliProviders::find("codex").isUnknownSession(
			"", "Error: thread/resume: thread/resume failed: no rollout found for thread id 0000 (code -32600)\n"));
		CPPUNIT_ASSERT(CliProviders::find("gemini").isUnknownSession("", "Error resuming session: Invalid session identifier \"0000\".\n"));
		CPPUNIT_ASSERT(!CliProviders::find("claude").isUnknownSession(sampleFile("claude-not-logged-in.stdout.json"), ""));
		CPPUNIT_ASSERT(!CliProviders::find("codex").isUnknownSession(sampleFile("codex-no-network.stdout.jsonl"), ""));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(SessionIdParserTest);
