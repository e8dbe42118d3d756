//
// GeminiCommandTest.cpp
//

#include "CliProviders.h"
#include <algorithm>
#include <cppunit/extensions/HelperMacros.h>

using Sygen::CliCommand;
using Sygen::CliProviders;
using Sygen::ExecutionConfig;

class GeminiCommandTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(GeminiCommandTest);
	CPPUNIT_TEST(testPromptGoesToStdinNotArgv);
	CPPUNIT_TEST(testNoYoloOutsideBypassAndNoEmptyModel);
	CPPUNIT_TEST(testEveryModeTrustsTheFolderThroughTheEnvironmentOnly);
	CPPUNIT_TEST_SUITE_END();

public:
	void testPromptGoesToStdinNotArgv()
	{
		ExecutionConfig c;
		c.provider = "gemini";
		c.model = "flash";
		c.permissionMode = "bypassPermissions";
		c.cliParameters = {"--sandbox"};
		CliCommand cmd = CliProviders::find("gemini").command(c, "the prompt");
		std::vector<std::string> expected = {"gemini", "-p", "", "--output-format", "json", "--include-directories", ".", "--model",
			"flash", "--approval-mode", "yolo", "--sandbox"};
		CPPUNIT_ASSERT(expected == cmd.argv);
		CPPUNIT_ASSERT_EQUAL(std::string("the prompt"), cmd.stdinText.value());
	}

	void testNoYoloOutsideBypassAndNoEmptyModel()
	{
		ExecutionConfig c;
		c.permissionMode = "default";
		CliCommand cmd = CliProviders::find("gemini").command(c, "p");
		std::vector<std::string> expected = {"gemini", "-p", "", "--output-format", "json", "--include-directories", "."};
		CPPUNIT_ASSERT(expected == cmd.argv);
	}

	void testEveryModeTrustsTheFolderThroughTheEnvironmentOnly()
	{
		// Without it gemini 0.61 exits 55 in an untrusted folder (default mode) or
		// downgrades yolo (bypass mode).
		ExecutionConfig c;
		for (const char* mode: {"bypassPermissions", "default", "plan"})
		{
			c.permissionMode = mode;
			CliCommand cmd = CliProviders::find("gemini").command(c, "p");
			CPPUNIT_ASSERT_MESSAGE(mode, cmd.environment == std::vector<std::string>{"GEMINI_CLI_TRUST_WORKSPACE=true"});
			CPPUNIT_ASSERT_MESSAGE(mode, std::find(cmd.argv.begin(), cmd.argv.end(), "--skip-trust") == cmd.argv.end());
		}
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(GeminiCommandTest);
