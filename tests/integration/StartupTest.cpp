//
// StartupTest.cpp
//
// Start-up, configuration, token generation, signals and the hooks file, through
// the real sygen-webhookd.
//

#include "ServiceFixture.h"
#include "Sygen/Foundation/JSONFields.h"
#include "TestSupport.h"
#include <Poco/File.h>
#include <Poco/RegularExpression.h>
#include <cppunit/extensions/HelperMacros.h>
#include <csignal>
#include <sys/stat.h>

using Sygen::JSONFields;
using Sygen::Test::HTTPReply;
using Sygen::Test::ServiceFixture;

namespace {

const char* ONE_HOOK = R"json({"hooks": [
  {"id": "first", "title": "First", "mode": "cron_task", "prompt_template": "x", "task_folder": "t"}
]}
)json";

bool isToken(const std::string& token)
{
	Poco::RegularExpression shape("^[A-Za-z0-9_-]{43}$");
	return shape.match(token);
}

} // namespace

class StartupTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(StartupTest);
	CPPUNIT_TEST(testCheckConfigAcceptsAValidConfig);
	CPPUNIT_TEST(testWrongTypeStopsWithExit78NamingTheKey);
	CPPUNIT_TEST(testUnparsableConfigStopsWithExit78);
	CPPUNIT_TEST(testDisabledWebhooksExitZeroWithALogLine);
	CPPUNIT_TEST(testMissingConfigFileIsExit78NamingThePath);
	CPPUNIT_TEST(testSecretsInFilesOthersCanReadAreWarned);
	CPPUNIT_TEST(testHelpAndVersion);
	CPPUNIT_TEST(testWorkerAndDelivererAnswerHelpAndVersion);
	CPPUNIT_TEST(testWorkerRefusesAnUnknownOptionWithExit78);
	CPPUNIT_TEST(testEmptyTokenIsGeneratedAndSavedInTheConfig);
	CPPUNIT_TEST(testGeneratedTokenInStateFileIsReused);
	CPPUNIT_TEST(testHooksFileChangeIsPickedUpByPolling);
	CPPUNIT_TEST(testSighupReloadsHooksAtOnce);
	CPPUNIT_TEST(testMalformedEntryIsSkippedAndTheOthersServe);
	CPPUNIT_TEST(testBrokenHooksFileKeepsTheLastGoodSet);
	CPPUNIT_TEST(testSigtermStopsCleanly);
	CPPUNIT_TEST(testRateLimitIsCheckedFirstWithRetryAfter);
	CPPUNIT_TEST(testGlobalTokenNeverAppearsInTheLog);
	CPPUNIT_TEST_SUITE_END();

public:
	void testCheckConfigAcceptsAValidConfig()
	{
		ServiceFixture service;
		service.writeConfig();
		std::string output;
		int code = service.run({"--home", service.home(), "--check-config"}, output);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 0, code);
		CPPUNIT_ASSERT(output.find("config OK") != std::string::npos);
	}

	void testWrongTypeStopsWithExit78NamingTheKey()
	{
		ServiceFixture service;
		service.webhooks().set("port", "8742");
		service.writeConfig();
		std::string output;
		CPPUNIT_ASSERT_EQUAL(78, service.run({"--home", service.home(), "--check-config"}, output));
		CPPUNIT_ASSERT_MESSAGE(output, output.find("webhooks.port") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(78, service.run({"--home", service.home()}, output));
		CPPUNIT_ASSERT_MESSAGE(output, output.find("webhooks.port") != std::string::npos);
	}

	void testUnparsableConfigStopsWithExit78()
	{
		ServiceFixture service;
		Sygen::Test::writeFile(service.home() + "/config/config.json", "{\"webhooks\": {");
		std::string output;
		CPPUNIT_ASSERT_EQUAL(78, service.run({"--home", service.home()}, output));
		CPPUNIT_ASSERT_MESSAGE(output, output.find("config.json") != std::string::npos);
	}

	void testDisabledWebhooksExitZeroWithALogLine()
	{
		ServiceFixture service;
		service.webhooks().set("enabled", false);
		service.writeConfig();
		std::string output;
		CPPUNIT_ASSERT_EQUAL(0, service.run({"--home", service.home()}, output));
		CPPUNIT_ASSERT_MESSAGE(output, output.find("webhooks disabled in config") != std::string::npos);
	}

	void testMissingConfigFileIsExit78NamingThePath()
	{
		// Item 11: "webhooks disabled in config" and exit 0 kept systemd from restarting.
		ServiceFixture service;
		const std::string named = service.home() + "/elsewhere/config.json";
		std::string output;
		CPPUNIT_ASSERT_EQUAL(78, service.run({"--home", service.home(), "--config", named}, output));
		CPPUNIT_ASSERT_MESSAGE(output, output.find(named + " does not exist") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(78, service.run({"--home", service.home(), "--config", named, "--check-config"}, output));
		CPPUNIT_ASSERT_MESSAGE(output, output.find(named) != std::string::npos);
		// The default file, absent: webhooks would be silently disabled.
		CPPUNIT_ASSERT_EQUAL(78, service.run({"--home", service.home()}, output));
		CPPUNIT_ASSERT_MESSAGE(output, output.find(service.home() + "/config/config.json does not exist") != std::string::npos);
	}

	void testSecretsInFilesOthersCanReadAreWarned()
	{
		// Item 12: sshd-style judgement of the files that hold secrets; a warning, not a refusal.
		ServiceFixture service;
		service.writeConfig();
		service.writeHooks(
			R"json({"hooks": [{"id": "a", "title": "A", "mode": "cron_task", "prompt_template": "x", "task_folder": "t", "token": "hook-secret-token"}]})json");
		const std::string configFile = service.home() + "/config/config.json";
		const std::string hooksFile = service.home() + "/webhooks.json";
		std::string output;
		CPPUNIT_ASSERT_EQUAL(0, service.run({"--home", service.home(), "--check-config"}, output));
		CPPUNIT_ASSERT_MESSAGE(output, output.find("warning") == std::string::npos);
		::chmod(configFile.c_str(), 0644);
		::chmod(hooksFile.c_str(), 0604);
		CPPUNIT_ASSERT_EQUAL(0, service.run({"--home", service.home(), "--check-config"}, output));
		CPPUNIT_ASSERT_MESSAGE(output,
			output.find(configFile + " holds secrets (tokens) but is accessible by its group or others (mode 0644): run chmod 600") !=
				std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(output, output.find(hooksFile + " holds hook tokens or HMAC secrets") != std::string::npos);
		service.start({}, false);
		CPPUNIT_ASSERT_MESSAGE(service.log(), service.log().find(configFile + " holds secrets") != std::string::npos);
	}

	void testHelpAndVersion()
	{
		ServiceFixture service;
		std::string output;
		CPPUNIT_ASSERT_EQUAL(0, service.run({"--help"}, output));
		CPPUNIT_ASSERT(output.find("--check-config") != std::string::npos);
		CPPUNIT_ASSERT(output.find("--home") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(0, service.run({"--version"}, output));
		CPPUNIT_ASSERT(output.find("sygen-webhookd ") == 0);
	}

	void testWorkerAndDelivererAnswerHelpAndVersion()
	{
		std::string output;
		CPPUNIT_ASSERT_EQUAL(0, ServiceFixture::runProgram(SYGEN_WORKER, {"--help"}, output, {}));
		CPPUNIT_ASSERT_MESSAGE(output, output.find("--cli-group-file=FILE") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(0, ServiceFixture::runProgram(SYGEN_WORKER, {"--version"}, output, {}));
		CPPUNIT_ASSERT(output.find("sygen-webhook-worker ") == 0);
		CPPUNIT_ASSERT_EQUAL(0, ServiceFixture::runProgram(SYGEN_DELIVER, {"--help"}, output, {}));
		CPPUNIT_ASSERT_MESSAGE(output, output.find("--worker-id=N") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(0, ServiceFixture::runProgram(SYGEN_DELIVER, {"--version"}, output, {}));
		CPPUNIT_ASSERT(output.find("sygen-webhook-deliver ") == 0);
	}

	void testWorkerRefusesAnUnknownOptionWithExit78()
	{
		// 78, as when the worker was a Poco::Util::Application: the pool must not respawn it.
		std::string output;
		CPPUNIT_ASSERT_EQUAL(78, ServiceFixture::runProgram(SYGEN_WORKER, {"--bogus"}, output, {}));
		CPPUNIT_ASSERT_MESSAGE(output, output.find("Unknown option specified: bogus") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(78, ServiceFixture::runProgram(SYGEN_WORKER, {"--worker-id", "0"}, output, {}));
		CPPUNIT_ASSERT_EQUAL(64, ServiceFixture::runProgram(SYGEN_DELIVER, {"--bogus"}, output, {}));
	}

	void testEmptyTokenIsGeneratedAndSavedInTheConfig()
	{
		ServiceFixture service;
		service.writeHooks(ONE_HOOK);
		service.webhooks().set("token", "");
		service.config()->set("custom_key", "kept");
		service.start();
		Poco::JSON::Object::Ptr saved = JSONFields::parseObject(Sygen::Test::readFile(service.home() + "/config/config.json"));
		std::string token = saved->getObject("webhooks")->getValue<std::string>("token");
		CPPUNIT_ASSERT_MESSAGE(token, isToken(token));
		CPPUNIT_ASSERT_EQUAL(std::string("kept"), saved->getValue<std::string>("custom_key"));
		CPPUNIT_ASSERT_EQUAL(202, service.postHook("first", "{}", token).status);
		CPPUNIT_ASSERT_EQUAL(401, service.postHook("first", "{}", ServiceFixture::TOKEN).status);
		service.stop();
		// The next start keeps the same token.
		service.start({}, false);
		Poco::JSON::Object::Ptr again = JSONFields::parseObject(Sygen::Test::readFile(service.home() + "/config/config.json"));
		CPPUNIT_ASSERT_EQUAL(token, again->getObject("webhooks")->getValue<std::string>("token"));
	}

	void testGeneratedTokenInStateFileIsReused()
	{
		// A token already in <state>/token is reused instead of generating a new one.
		ServiceFixture service;
		service.writeHooks(ONE_HOOK);
		service.webhooks().set("token", "");
		const std::string stored = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ";
		Sygen::Test::writeFile(service.stateDir() + "/token", stored + "\n");
		::chmod((service.stateDir() + "/token").c_str(), 0600);
		service.start();
		CPPUNIT_ASSERT_EQUAL(202, service.postHook("first", "{}", stored).status);
	}

	void testHooksFileChangeIsPickedUpByPolling()
	{
		ServiceFixture service;
		service.writeHooks(ONE_HOOK);
		service.start();
		CPPUNIT_ASSERT_EQUAL(404, service.postHook("second", "{}").status);
		service.writeHooks(R"json({"hooks": [
		  {"id": "first", "title": "First", "mode": "cron_task", "prompt_template": "x", "task_folder": "t"},
		  {"id": "second", "title": "Second", "mode": "cron_task", "prompt_template": "y", "task_folder": "t"}
		]})json");
		// Polling is every 5 s; allow a slow machine three times that.
		CPPUNIT_ASSERT(service.waitFor([&]() { return service.postHook("second", "{}").status == 202; }, Poco::Timespan(15, 0)));
	}

	void testSighupReloadsHooksAtOnce()
	{
		ServiceFixture service;
		service.writeHooks(ONE_HOOK);
		service.start();
		service.writeHooks(R"json({"hooks": [
		  {"id": "renamed", "title": "R", "mode": "cron_task", "prompt_template": "x", "task_folder": "t"}
		]})json");
		::kill(service.pid(), SIGHUP);
		CPPUNIT_ASSERT(service.waitFor([&]() { return service.postHook("renamed", "{}").status == 202; }, Poco::Timespan(4, 0)));
		CPPUNIT_ASSERT(service.running());
		CPPUNIT_ASSERT_EQUAL(404, service.postHook("first", "{}").status);
	}

	void testMalformedEntryIsSkippedAndTheOthersServe()
	{
		ServiceFixture service;
		service.writeHooks(R"json({"hooks": [
		  {"id": "good-1", "title": "G1", "mode": "cron_task", "prompt_template": "x", "task_folder": "t"},
		  {"id": "bad", "mode": "cron_task", "prompt_template": "x"},
		  {"id": "good-2", "title": "G2", "mode": "cron_task", "prompt_template": "x", "task_folder": "t", "trigger_count": "many"},
		  {"id": "good-3", "title": "G3", "mode": "cron_task", "prompt_template": "x", "task_folder": "t"}
		]})json");
		service.start();
		CPPUNIT_ASSERT_EQUAL(202, service.postHook("good-1", "{}").status);
		CPPUNIT_ASSERT_EQUAL(202, service.postHook("good-3", "{}").status);
		CPPUNIT_ASSERT_EQUAL(404, service.postHook("bad", "{}").status);
		CPPUNIT_ASSERT_EQUAL(404, service.postHook("good-2", "{}").status);
		std::string log = service.log();
		CPPUNIT_ASSERT_MESSAGE(log, log.find("title") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(log, log.find("trigger_count") != std::string::npos);
	}

	void testBrokenHooksFileKeepsTheLastGoodSet()
	{
		ServiceFixture service;
		service.writeHooks(ONE_HOOK);
		service.start();
		service.writeHooks("{\"hooks\": [ this is not json");
		::kill(service.pid(), SIGHUP);
		// Give the reload time to happen, then the old hook must still answer.
		CPPUNIT_ASSERT(service.waitFor([&]() { return service.log().find("webhooks.json") != std::string::npos; }, Poco::Timespan(4, 0)));
		CPPUNIT_ASSERT_EQUAL(202, service.postHook("first", "{}").status);
	}

	void testSigtermStopsCleanly()
	{
		ServiceFixture service;
		service.start();
		service.stop(SIGTERM);
		CPPUNIT_ASSERT_EQUAL(0, service.exitCode());
	}

	void testRateLimitIsCheckedFirstWithRetryAfter()
	{
		ServiceFixture service;
		service.writeHooks(ONE_HOOK);
		service.webhooks().set("rate_limit_per_minute", 2);
		service.start();
		CPPUNIT_ASSERT_EQUAL(202, service.postHook("first", "{}").status);
		CPPUNIT_ASSERT_EQUAL(202, service.postHook("first", "{}").status);
		// The third is refused before anything else is looked at, even a wrong content type.
		HTTPReply limited = service.request("POST", "/hooks/first", "{}", {{"Content-Type", "text/plain"}});
		CPPUNIT_ASSERT_EQUAL(429, limited.status);
		CPPUNIT_ASSERT_EQUAL(std::string("rate_limited"), limited.json()->getValue<std::string>("error"));
		int retryAfter = std::stoi(limited.headers.get("Retry-After"));
		CPPUNIT_ASSERT(retryAfter >= 1 && retryAfter <= 60);
		// Health is never rate limited.
		CPPUNIT_ASSERT_EQUAL(200, service.request("GET", "/health").status);
	}

	void testGlobalTokenNeverAppearsInTheLog()
	{
		ServiceFixture service;
		service.writeHooks(ONE_HOOK);
		service.start({"--log-level", "trace"});
		service.postHook("first", "{}");
		service.postHook("first", "{}", "wrong-token-value");
		service.stop();
		std::string log = service.log();
		CPPUNIT_ASSERT(!log.empty());
		CPPUNIT_ASSERT(log.find(ServiceFixture::TOKEN) == std::string::npos);
		CPPUNIT_ASSERT(log.find("wrong-token-value") == std::string::npos);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(StartupTest);
