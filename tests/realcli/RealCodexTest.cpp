//
// RealCodexTest.cpp
//
// The real codex CLI (pinned in tests/package.json) through the real service and
// sandbox, against OpenAIStub (a custom model provider in $CODEX_HOME/config.toml)
// instead of the OpenAI API (RealCliTest, RealCliFixture). Skipped, with a message,
// when the CLI is not installed.
//

#include "OpenAIStub.h"
#include "RealCliTest.h"
#include "TestSupport.h"

using Sygen::Test::OpenAIStub;
using Sygen::Test::RealCliFixture;
using Sygen::Test::RecordedRequest;

class RealCodexTest: public Sygen::Test::RealCliTest
{
	CPPUNIT_TEST_SUB_SUITE(RealCodexTest, RealCliTest);
	CPPUNIT_TEST(testApiErrorIsAnErrorResult);
	CPPUNIT_TEST(testAuthErrorIsAnErrorResult);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		if (RealCliFixture::missing("codex")) return;
		_stub.reset(new OpenAIStub);
		_cli.reset(new RealCliFixture("codex", "gpt-5", *_stub));
		// codex ignores OPENAI_BASE_URL (0.171 went to api.openai.com with it): the
		// way to another endpoint is a model provider of its config. CODEX_HOME from
		// the service's environment is passed to the CLI and kept writable.
		std::string codexHome = _cli->stateFolder("codex-home");
		Sygen::Test::writeFile(codexHome + "/config.toml",
			"model_provider = \"stub\"\n"
			"check_for_update_on_startup = false\n"
			"[model_providers.stub]\n"
			"name = \"Model API stub\"\n"
			"base_url = \"" +
				_stub->baseUrl() +
				"/v1\"\n"
				"wire_api = \"responses\"\n"
				"env_key = \"OPENAI_API_KEY\"\n"
				// codex retries failed requests and broken streams with backoff.
				"request_max_retries = 0\n"
				"stream_max_retries = 0\n");
		_cli->service().addEnvironment("CODEX_HOME", codexHome);
		_cli->setEnvFile("OPENAI_API_KEY=sk-openai-fake\n");
	}

	// The default permission mode runs codex with --sandbox workspace-write (SPEC
	// §10 step 7); a wake's second turn is `codex exec ... resume <thread_id>`.

	void testApiErrorIsAnErrorResult()
	{
		if (!_cli) return;
		_stub->replyError(400, "invalid_request_error", "stub says the request is bad");
		checkFailure("codex_err");
	}

	void testAuthErrorIsAnErrorResult()
	{
		if (!_cli) return;
		_stub->replyError(401, "invalid_api_key", "Incorrect API key provided");
		checkFailure("codex_auth");
	}

protected:
	void checkModelRequest(const RecordedRequest& request) override
	{
		CPPUNIT_ASSERT_EQUAL(std::string("Bearer sk-openai-fake"), request.headers.get("Authorization", ""));
		CPPUNIT_ASSERT_EQUAL(std::string("/v1/responses"), request.uri);
	}

private:
	void checkFailure(const std::string& id)
	{
		Poco::JSON::Object::Ptr job = _cli->runJob(id, "bypassPermissions");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(_cli->log(), std::string("error:exit_1"), job->getValue<std::string>("status"));
		// SPEC §10 step 9: codex's text is its agent messages only; a failed turn
		// has none, and its thread.started makes that an empty result (the error is
		// in codex's "error" and "turn.failed" events, which the rules skip).
		CPPUNIT_ASSERT_EQUAL(std::string(""), job->getValue<std::string>("result_text"));
		CPPUNIT_ASSERT_MESSAGE(_cli->log(), !_stub->modelRequests().empty());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(RealCodexTest);
