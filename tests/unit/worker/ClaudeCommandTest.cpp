//
// ClaudeCommandTest.cpp
//

#include "CliProviders.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::CliCommand;
using Sygen::CliProviders;
using Sygen::ExecutionConfig;

class ClaudeCommandTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ClaudeCommandTest);
	CPPUNIT_TEST(testArgvWithParametersBeforeThePrompt);
	CPPUNIT_TEST(testPromptStartingWithDashStaysAnArgument);
	CPPUNIT_TEST_SUITE_END();

public:
	void testArgvWithParametersBeforeThePrompt()
	{
		ExecutionConfig c;
		c.provider = "claude";
		c.model = "sonnet";
		c.permissionMode = "bypassPermissions";
		c.cliParameters = {"--max-turns", "5"};
		CliCommand cmd = CliProviders::find("claude").command(c, "do it");
		std::vector<std::string> expected = {"claude", "-p", "--output-format", "json", "--model", "sonnet", "--permission-mode",
			"bypassPermissions", "--no-session-persistence", "--max-turns", "5", "--", "do it"};
		CPPUNIT_ASSERT(expected == cmd.argv);
		CPPUNIT_ASSERT(!cmd.stdinText.has_value());
		CPPUNIT_ASSERT_EQUAL(std::string("claude"), cmd.provider);
	}

	void testPromptStartingWithDashStaysAnArgument()
	{
		ExecutionConfig c;
		c.model = "opus";
		c.permissionMode = "default";
		CliCommand cmd = CliProviders::find("claude").command(c, "--help me");
		CPPUNIT_ASSERT_EQUAL(std::string("--"), cmd.argv[cmd.argv.size() - 2]);
		CPPUNIT_ASSERT_EQUAL(std::string("--help me"), cmd.argv.back());
		CPPUNIT_ASSERT_EQUAL(std::string("default"), cmd.argv[7]);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ClaudeCommandTest);
