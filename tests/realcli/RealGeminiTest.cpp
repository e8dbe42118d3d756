//
// RealGeminiTest.cpp
//
// The real gemini CLI (pinned in tests/package.json) through the real service and
// sandbox, against GeminiStub (GOOGLE_GEMINI_BASE_URL) instead of the Gemini API
// (RealCliTest, RealCliFixture). Skipped, with a message, when the CLI is not
// installed.
//

#include "GeminiStub.h"
#include "RealCliTest.h"
#include "TestSupport.h"

using Sygen::Test::GeminiStub;
using Sygen::Test::RealCliFixture;
using Sygen::Test::RecordedRequest;

class RealGeminiTest: public Sygen::Test::RealCliTest
{
	CPPUNIT_TEST_SUB_SUITE(RealGeminiTest, RealCliTest);
	CPPUNIT_TEST(testApiErrorIsAnErrorResult);
	CPPUNIT_TEST(testAuthErrorIsAnErrorResult);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		if (RealCliFixture::missing("gemini")) return;
		_stub.reset(new GeminiStub);
		_cli.reset(new RealCliFixture("gemini", "flash", *_stub));
		// GEMINI_CLI_HOME stands in for HOME (that of nobody is not writable) and is
		// kept writable by the sandbox. With GOOGLE_GEMINI_BASE_URL alone gemini picks
		// its "gateway" auth type, which headless runs refuse ("Invalid auth method
		// selected."): the user settings choose the API key.
		std::string geminiHome = _cli->stateFolder("gemini-home");
		std::string settings = _cli->stateFolder("gemini-home/.gemini") + "/settings.json";
		Sygen::Test::writeFile(settings,
			R"({"security": {"auth": {"selectedType": "gemini-api-key"}},)"
			R"( "privacy": {"usageStatisticsEnabled": false}, "general": {"enableAutoUpdate": false}})");
		_cli->service().addEnvironment("GEMINI_CLI_HOME", geminiHome);
		_cli->setEnvFile("GEMINI_API_KEY=gemini-fake-key\n"
						 "GOOGLE_GEMINI_BASE_URL=" +
			_stub->baseUrl() + "\n");
	}

	// The default permission mode runs at all only because the worker trusts the
	// folder (GeminiProvider.cpp): gemini 0.61 exits 55 in an untrusted one.

	void testApiErrorIsAnErrorResult()
	{
		if (!_cli) return;
		_stub->replyError(400, "INVALID_ARGUMENT", "stub says the request is bad");
		// gemini exits with the error's code, the HTTP status, modulo 256 (400: 144).
		checkFailure("gemini_err", "error:exit_144", "stub says the request is bad");
	}

	void testAuthErrorIsAnErrorResult()
	{
		if (!_cli) return;
		_stub->replyError(401, "UNAUTHENTICATED", "API key not valid. Please pass a valid API key.");
		checkFailure("gemini_auth", "error:exit_145", "API key not valid");
	}

protected:
	void checkModelRequest(const RecordedRequest& request) override
	{
		CPPUNIT_ASSERT_EQUAL(std::string("gemini-fake-key"), request.headers.get("x-goog-api-key", ""));
		CPPUNIT_ASSERT_MESSAGE(request.uri, request.uri.find(":streamGenerateContent?alt=sse") != std::string::npos);
	}

private:
	void checkFailure(const std::string& id, const std::string& status, const std::string& stubText)
	{
		Poco::JSON::Object::Ptr job = _cli->runJob(id, "bypassPermissions");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(_cli->log(), status, job->getValue<std::string>("status"));
		// SPEC §10 step 9: stdout is empty, so the text is the error.message of the
		// JSON object gemini prints on stderr (there, the API's error body as text).
		std::string text = job->getValue<std::string>("result_text");
		CPPUNIT_ASSERT_MESSAGE(text + "\n" + _cli->log(), text.find(stubText) != std::string::npos);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(RealGeminiTest);
