//
// WakeCommandTest.cpp
//

#include "CliProvider.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::CliCommand;
using Sygen::ExecutionConfig;

namespace {

ExecutionConfig config(const std::string& provider, const std::string& model, std::vector<std::string> params = {})
{
	ExecutionConfig c;
	c.provider = provider;
	c.model = model;
	c.reasoningEffort = "high";
	c.permissionMode = "bypassPermissions";
	c.cliParameters = std::move(params);
	return c;
}

void assertArgv(const std::vector<std::string>& expected, const CliCommand& command)
{
	std::string shown;
	for (const std::string& a: command.argv) shown += "[" + a + "] ";
	CPPUNIT_ASSERT_EQUAL_MESSAGE(shown, expected.size(), command.argv.size());
	for (std::size_t i = 0; i < expected.size(); ++i) CPPUNIT_ASSERT_EQUAL_MESSAGE(shown, expected[i], command.argv[i]);
}

CliCommand wake(const ExecutionConfig& c, const std::string& prompt, const std::string& sessionId)
/// The wake command line of the provider the config names.
{
	return c.cliProvider().wakeCommand(c, prompt, sessionId);
}

} // namespace

class WakeCommandTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(WakeCommandTest);
	CPPUNIT_TEST(testClaudeFirstTurnPersistsTheSession);
	CPPUNIT_TEST(testClaudeResumes);
	CPPUNIT_TEST(testClaudeKeepsAHookParameterOfTheSameName);
	CPPUNIT_TEST(testCodexFirstTurn);
	CPPUNIT_TEST(testCodexResumesAfterItsExecOptions);
	CPPUNIT_TEST(testGeminiResumesWithThePromptOnStdin);
	CPPUNIT_TEST(testUnknownProviderUsesClaude);
	CPPUNIT_TEST_SUITE_END();

public:
	void testClaudeFirstTurnPersistsTheSession()
	{
		CliCommand c = wake(config("claude", "opus"), "PROMPT", "");
		CPPUNIT_ASSERT_EQUAL(std::string("claude"), c.provider);
		assertArgv(
			{"claude", "-p", "--output-format", "json", "--model", "opus", "--permission-mode", "bypassPermissions", "--", "PROMPT"}, c);
		CPPUNIT_ASSERT(!c.stdinText);
	}

	void testClaudeResumes()
	{
		CliCommand c = wake(config("claude", "sonnet", {"--max-turns", "3"}), "PROMPT", "sess-1");
		assertArgv({"claude", "-p", "--output-format", "json", "--model", "sonnet", "--permission-mode", "bypassPermissions", "--max-turns",
					   "3", "--resume", "sess-1", "--", "PROMPT"},
			c);
	}

	void testClaudeKeepsAHookParameterOfTheSameName()
	{
		// A hook that asks for no persistence gets it (and loses the continuity).
		CliCommand c = wake(config("claude", "opus", {"--no-session-persistence"}), "P", "");
		assertArgv({"claude", "-p", "--output-format", "json", "--model", "opus", "--permission-mode", "bypassPermissions",
					   "--no-session-persistence", "--", "P"},
			c);
	}

	void testCodexFirstTurn()
	{
		CliCommand c = wake(config("codex", "gpt-5"), "PROMPT", "");
		assertArgv({"codex", "exec", "--json", "--color", "never", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox",
					   "--model", "gpt-5", "-c", "model_reasoning_effort=high", "--", "PROMPT"},
			c);
	}

	void testCodexResumesAfterItsExecOptions()
	{
		ExecutionConfig cfg = config("codex", "gpt-5", {"--add-dir", "/srv"});
		cfg.permissionMode = "default";
		CliCommand c = wake(cfg, "PROMPT", "thread-9");
		assertArgv({"codex", "exec", "--json", "--color", "never", "--skip-git-repo-check", "--sandbox", "workspace-write", "--model",
					   "gpt-5", "-c", "model_reasoning_effort=high", "--add-dir", "/srv", "resume", "thread-9", "--", "PROMPT"},
			c);
	}

	void testGeminiResumesWithThePromptOnStdin()
	{
		CliCommand c = wake(config("gemini", "flash"), "PROMPT", "g-7");
		assertArgv({"gemini", "-p", "", "--output-format", "json", "--include-directories", ".", "--model", "flash", "--approval-mode",
					   "yolo", "--resume", "g-7"},
			c);
		CPPUNIT_ASSERT(c.stdinText);
		CPPUNIT_ASSERT_EQUAL(std::string("PROMPT"), *c.stdinText);
		CliCommand first = wake(config("gemini", "flash"), "PROMPT", "");
		CPPUNIT_ASSERT_EQUAL(std::string("yolo"), first.argv.back());
	}

	void testUnknownProviderUsesClaude()
	{
		CliCommand c = wake(config("llama", "opus"), "P", "s");
		CPPUNIT_ASSERT_EQUAL(std::string("claude"), c.argv[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("--resume"), c.argv[c.argv.size() - 4]);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(WakeCommandTest);
