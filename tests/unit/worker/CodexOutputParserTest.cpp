//
// CodexOutputParserTest.cpp
//

#include "CliProviders.h"
#include "WorkerTestSupport.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::CliProviders;

namespace {

std::string parse(const std::string& stdoutBytes)
/// The result text of a run that printed stdoutBytes (the exit code does not matter to codex).
{
	return CliProviders::find("codex").parseOutput(stdoutBytes, "", 0);
}

} // namespace

class CodexOutputParserTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(CodexOutputParserTest);
	CPPUNIT_TEST(testNoNetworkSampleIsASilentEmptyResult);
	CPPUNIT_TEST(testAgentMessagesAreJoinedWithNewline);
	CPPUNIT_TEST(testToolItemStartedClearsEarlierText);
	CPPUNIT_TEST(testAssistantMessageEventsContributeTextBlocks);
	CPPUNIT_TEST(testNonJsonLinesAreSkipped);
	CPPUNIT_TEST(testNothingUnderstoodGivesRawText);
	CPPUNIT_TEST_SUITE_END();

public:
	void testNoNetworkSampleIsASilentEmptyResult()
	{
		CPPUNIT_ASSERT_EQUAL(std::string(), parse(Sygen::Test::sampleFile("codex-no-network.stdout.jsonl")));
	}

	void testAgentMessagesAreJoinedWithNewline()
	{
		std::string out = "{\"type\":\"thread.started\",\"thread_id\":\"t\"}\n"
						  "{\"type\":\"item.completed\",\"item\":{\"id\":\"1\",\"type\":\"agent_message\",\"text\":\"first\"}}\n"
						  "{\"type\":\"item.completed\",\"item\":{\"id\":\"2\",\"type\":\"reasoning\",\"text\":\"thinking\"}}\n"
						  "{\"type\":\"item.completed\",\"item\":{\"id\":\"3\",\"type\":\"agent_message\",\"text\":\"second\"}}\n"
						  "{\"type\":\"turn.completed\"}\n";
		CPPUNIT_ASSERT_EQUAL(std::string("first\nsecond"), parse(out));
	}

	void testToolItemStartedClearsEarlierText()
	{
		for (const char* tool: {"command_execution", "file_change", "web_search", "todo_list", "mcp_tool_call"})
		{
			std::string out = "{\"type\":\"item.completed\",\"item\":{\"type\":\"agent_message\",\"text\":\"Let me look.\"}}\n"
							  "{\"type\":\"item.started\",\"item\":{\"type\":\"" +
				std::string(tool) +
				"\"}}\n"
				"{\"type\":\"item.completed\",\"item\":{\"type\":\"agent_message\",\"text\":\"Done.\"}}\n";
			CPPUNIT_ASSERT_EQUAL_MESSAGE(tool, std::string("Done."), parse(out));
		}
		std::string reasoning = "{\"type\":\"item.completed\",\"item\":{\"type\":\"agent_message\",\"text\":\"kept\"}}\n"
								"{\"type\":\"item.started\",\"item\":{\"type\":\"reasoning\"}}\n";
		CPPUNIT_ASSERT_EQUAL(std::string("kept"), parse(reasoning));
	}

	void testAssistantMessageEventsContributeTextBlocks()
	{
		std::string out = "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"prompt\"}]}\n"
						  "{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"a\"},"
						  "{\"type\":\"image\"},{\"type\":\"text\",\"text\":\"b\"}]}\n";
		CPPUNIT_ASSERT_EQUAL(std::string("a\nb"), parse(out));
	}

	void testNonJsonLinesAreSkipped()
	{
		std::string out = "WARNING: something\n"
						  "{\"type\":\"item.completed\",\"item\":{\"type\":\"agent_message\",\"text\":\"answer\"}}\n"
						  "[1,2]\n";
		CPPUNIT_ASSERT_EQUAL(std::string("answer"), parse(out));
	}

	void testNothingUnderstoodGivesRawText()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("error: unexpected argument '--full-auto'"), parse("error: unexpected argument '--full-auto'\n"));
		CPPUNIT_ASSERT_EQUAL(std::string(), parse(""));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(CodexOutputParserTest);
