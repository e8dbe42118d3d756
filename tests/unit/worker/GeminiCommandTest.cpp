//
// GeminiCommandTest.cpp
//

#include "CliProviders.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::CliCommand;
using Sygen::ExecutionConfig;
using Sygen::CliProviders;

class GeminiCommandTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(GeminiCommandTest);
	CPPUNIT_TEST(testPromptGoesToStdinNotArgv);
	CPPUNIT_TEST(testNoYoloOutsideBypassAndNoEmptyModel);
	CPPUNIT_TEST(testBypassTrustsTheFolderThroughTheEnvironmentOnly);
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
		std::vector<std::string> expected = {"gemini", "-p", "", "--output-format", "json", "--include-directories", ".",
			"--model", "flash", "--approval-mode", "yolo", "--sandbox"};
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

	void testBypassTrustsTheFolderThroughTheEnvironmentOnly()
	{
		ExecutionConfig c;
		c.permissionMode = "bypassPermissions";
		CliCommand bypass = CliProviders::find("gemini").command(c, "p");
		CPPUNIT_ASSERT(bypass.environment == std::vector<std::string>{"GEMINI_CLI_TRUST_WORKSPACE=true"});
		c.permissionMode = "default";
		CPPUNIT_ASSERT(CliProviders::find("gemini").command(c, "p").environment.empty());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(GeminiCommandTest);
