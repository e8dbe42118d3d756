//
// CodexCommandTest.cpp
//

#include "CliProviders.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::CliCommand;
using Sygen::CliProviders;
using Sygen::ExecutionConfig;

namespace {

ExecutionConfig codex(const std::string& pm, const std::string& effort)
{
	ExecutionConfig c;
	c.provider = "codex";
	c.model = "gpt-5";
	c.permissionMode = pm;
	c.reasoningEffort = effort;
	return c;
}

} // namespace

class CodexCommandTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(CodexCommandTest);
	CPPUNIT_TEST(testBypassModeWithDefaultEffort);
	CPPUNIT_TEST(testOtherModesUseWorkspaceWriteSandboxNotFullAuto);
	CPPUNIT_TEST(testEmptyEffortAddsNoOverride);
	CPPUNIT_TEST_SUITE_END();

public:
	void testBypassModeWithDefaultEffort()
	{
		ExecutionConfig c = codex("bypassPermissions", "medium");
		c.cliParameters = {"--profile", "ci"};
		CliCommand cmd = CliProviders::find("codex").command(c, "task");
		std::vector<std::string> expected = {"codex", "exec", "--json", "--color", "never", "--skip-git-repo-check",
			"--dangerously-bypass-approvals-and-sandbox", "--model", "gpt-5", "--profile", "ci", "--", "task"};
		CPPUNIT_ASSERT(expected == cmd.argv);
		CPPUNIT_ASSERT(!cmd.stdinText.has_value());
	}

	void testOtherModesUseWorkspaceWriteSandboxNotFullAuto()
	{
		CliCommand cmd = CliProviders::find("codex").command(codex("acceptEdits", "high"), "task");
		std::vector<std::string> expected = {"codex", "exec", "--json", "--color", "never", "--skip-git-repo-check", "--sandbox",
			"workspace-write", "--model", "gpt-5", "-c", "model_reasoning_effort=high", "--", "task"};
		CPPUNIT_ASSERT(expected == cmd.argv);
	}

	void testEmptyEffortAddsNoOverride()
	{
		CliCommand cmd = CliProviders::find("codex").command(codex("bypassPermissions", ""), "task");
		for (const std::string& a: cmd.argv) CPPUNIT_ASSERT(a != "-c");
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(CodexCommandTest);
