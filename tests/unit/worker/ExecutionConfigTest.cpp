//
// ExecutionConfigTest.cpp
//

#include "ExecutionConfig.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::ExecutionConfig;
using Sygen::JobSpec;
using Sygen::WorkerSettings;

namespace {

ExecutionConfig config(const std::string& provider, const std::string& model)
{
	ExecutionConfig c;
	c.provider = provider;
	c.model = model;
	return c;
}

} // namespace

class ExecutionConfigTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ExecutionConfigTest);
	CPPUNIT_TEST(testHookValuesOverrideSettingsEachOnItsOwn);
	CPPUNIT_TEST(testEmptyHookValueFallsBackToSettings);
	CPPUNIT_TEST(testCliParametersComeFromTheHookAsGiven);
	CPPUNIT_TEST(testClaudeModels);
	CPPUNIT_TEST(testGeminiModels);
	CPPUNIT_TEST(testCodexAcceptsAnyNonEmptyModel);
	CPPUNIT_TEST(testUnknownProviderUsesClaudeRules);
	CPPUNIT_TEST_SUITE_END();

public:
	void testHookValuesOverrideSettingsEachOnItsOwn()
	{
		WorkerSettings s;
		s.provider = "claude";
		s.model = "opus";
		s.reasoningEffort = "medium";
		s.permissionMode = "default";
		JobSpec h;
		h.provider = std::string("codex");
		ExecutionConfig c = ExecutionConfig::resolve(h, s);
		CPPUNIT_ASSERT_EQUAL(std::string("codex"), c.provider);
		CPPUNIT_ASSERT_EQUAL(std::string("opus"), c.model);
		CPPUNIT_ASSERT_EQUAL(std::string("medium"), c.reasoningEffort);
		CPPUNIT_ASSERT_EQUAL(std::string("default"), c.permissionMode);
		h.provider.reset();
		h.model = std::string("sonnet");
		h.reasoningEffort = std::string("high");
		c = ExecutionConfig::resolve(h, s);
		CPPUNIT_ASSERT_EQUAL(std::string("claude"), c.provider);
		CPPUNIT_ASSERT_EQUAL(std::string("sonnet"), c.model);
		CPPUNIT_ASSERT_EQUAL(std::string("high"), c.reasoningEffort);
	}

	void testEmptyHookValueFallsBackToSettings()
	{
		WorkerSettings s;
		JobSpec h;
		h.provider = std::string();
		h.model = std::string();
		ExecutionConfig c = ExecutionConfig::resolve(h, s);
		CPPUNIT_ASSERT_EQUAL(std::string("claude"), c.provider);
		CPPUNIT_ASSERT_EQUAL(std::string("opus"), c.model);
	}

	void testCliParametersComeFromTheHookAsGiven()
	{
		JobSpec h;
		h.cliParameters = {"--max-turns", "3", "--", "x y"};
		CPPUNIT_ASSERT(h.cliParameters == ExecutionConfig::resolve(h, WorkerSettings()).cliParameters);
	}

	void testClaudeModels()
	{
		for (const char* m: {"haiku", "sonnet", "opus", "claude-opus-4-5", "claude-3-5-haiku-latest"})
		{
			CPPUNIT_ASSERT_MESSAGE(m, config("claude", m).isModelValid());
		}
		for (const char* m: {"", "gpt-5", "Opus", "claude-", "gemini-2.5-pro"})
		{
			CPPUNIT_ASSERT_MESSAGE(m, !config("claude", m).isModelValid());
		}
	}

	void testGeminiModels()
	{
		for (const char* m: {"auto", "pro", "flash", "flash-lite", "gemini-2.5-pro", "auto-gemini-2.5"})
		{
			CPPUNIT_ASSERT_MESSAGE(m, config("gemini", m).isModelValid());
		}
		for (const char* m: {"", "opus", "gemini", "gemini-", "ultra"})
		{
			CPPUNIT_ASSERT_MESSAGE(m, !config("gemini", m).isModelValid());
		}
	}

	void testCodexAcceptsAnyNonEmptyModel()
	{
		CPPUNIT_ASSERT(config("codex", "gpt-5").isModelValid());
		CPPUNIT_ASSERT(config("codex", "opus").isModelValid());
		CPPUNIT_ASSERT(!config("codex", "").isModelValid());
	}

	void testUnknownProviderUsesClaudeRules()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("claude"), config("mistral", "opus").commandProvider());
		CPPUNIT_ASSERT(config("mistral", "opus").isModelValid());
		CPPUNIT_ASSERT(!config("mistral", "large").isModelValid());
		CPPUNIT_ASSERT_EQUAL(std::string("codex"), config("codex", "x").commandProvider());
		CPPUNIT_ASSERT_EQUAL(std::string("gemini"), config("gemini", "pro").commandProvider());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ExecutionConfigTest);
