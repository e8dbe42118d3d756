//
// RealClaudeTest.cpp
//
// The real claude CLI (pinned in tests/package.json, installed by the test command
// into the build folder) through the real service and sandbox: jobs as an
// unprivileged sandbox user with Landlock on, against AnthropicStub instead of the
// model API (RealCliTest, RealCliFixture). Skipped, with a message, when the CLI is
// not installed.
//

#include "AnthropicStub.h"
#include "RealCliTest.h"

using Sygen::Test::AnthropicStub;
using Sygen::Test::RealCliFixture;
using Sygen::Test::RecordedRequest;

class RealClaudeTest: public Sygen::Test::RealCliTest
{
	CPPUNIT_TEST_SUB_SUITE(RealClaudeTest, RealCliTest);
	CPPUNIT_TEST(testApiErrorIsAnErrorResult);
	CPPUNIT_TEST(testAuthErrorIsAnErrorResult);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		if (RealCliFixture::missing("claude")) return;
		_stub.reset(new AnthropicStub);
		_cli.reset(new RealCliFixture("claude", "sonnet", *_stub));
		// CLAUDE_CONFIG_DIR comes from the service's own environment: the sandbox
		// keeps such a folder writable (Landlock), as the HOME of nobody is not.
		_cli->service().addEnvironment("CLAUDE_CONFIG_DIR", _cli->stateFolder("claude-config"));
		_cli->setEnvFile("ANTHROPIC_API_KEY=sk-ant-fake\n"
						 "ANTHROPIC_BASE_URL=" +
			_stub->baseUrl() +
			"\n"
			"DISABLE_AUTOUPDATER=1\n"
			"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1\n"
			"DISABLE_TELEMETRY=1\n"
			"DISABLE_ERROR_REPORTING=1\n"
			// claude retries failed model requests with backoff (10 times by default).
			"CLAUDE_CODE_MAX_RETRIES=1\n");
	}

	void testApiErrorIsAnErrorResult()
	{
		if (!_cli) return;
		_stub->replyError(400, "invalid_request_error", "stub says the request is bad");
		Poco::JSON::Object::Ptr job = _cli->runJob("claude_err", "bypassPermissions");
		// SPEC §10 step 7: claude reports failures as its result object with
		// is_error true and exit 1; the result text is the CLI's.
		CPPUNIT_ASSERT_EQUAL_MESSAGE(_cli->log(), std::string("error:exit_1"), job->getValue<std::string>("status"));
		std::string text = job->getValue<std::string>("result_text");
		CPPUNIT_ASSERT_MESSAGE(text, text.find("stub says the request is bad") != std::string::npos);
	}

	void testAuthErrorIsAnErrorResult()
	{
		if (!_cli) return;
		_stub->replyError(401, "authentication_error", "invalid x-api-key");
		Poco::JSON::Object::Ptr job = _cli->runJob("claude_auth", "bypassPermissions");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(_cli->log(), std::string("error:exit_1"), job->getValue<std::string>("status"));
		// claude replaces the API's message by its own advice.
		CPPUNIT_ASSERT_EQUAL(std::string("Invalid API key \xC2\xB7 Fix external API key"), job->getValue<std::string>("result_text"));
	}

protected:
	void checkModelRequest(const RecordedRequest& request) override
	{
		CPPUNIT_ASSERT_EQUAL(std::string("sk-ant-fake"), request.headers.get("x-api-key", ""));
		CPPUNIT_ASSERT_MESSAGE(request.uri, request.uri == "/v1/messages" || request.uri == "/v1/messages?beta=true");
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(RealClaudeTest);
