//
// ConfigTest.cpp
//

#include "Sygen/Foundation/Config.h"
#include "TestSupport.h"
#include <Poco/Environment.h>
#include <Poco/File.h>
#include <cppunit/extensions/HelperMacros.h>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

using Sygen::Config;
using Sygen::ConfigError;
using Sygen::Test::EnvGuard;
using Sygen::Test::readFile;
using Sygen::Test::TempDir;
using Sygen::Test::writeFile;

namespace {

mode_t modeOf(const std::string& path)
{
	struct stat st;
	if (::stat(path.c_str(), &st) != 0) throw Poco::FileNotFoundException(path);
	return st.st_mode & 07777;
}

} // namespace

class ConfigTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ConfigTest);
	CPPUNIT_TEST(testMissingFileGivesEveryDefault);
	CPPUNIT_TEST(testDefaultPathsDeriveFromHome);
	CPPUNIT_TEST(testHomeOptionBeatsEnvironmentBeatsUserHome);
	CPPUNIT_TEST(testConfigOptionOverridesDefaultLocation);
	CPPUNIT_TEST(testReadsEveryKey);
	CPPUNIT_TEST(testRelativeAndExplicitStatePaths);
	CPPUNIT_TEST(testNullMeansDefault);
	CPPUNIT_TEST(testUserTimezoneIsTrimmed);
	CPPUNIT_TEST(testAllowedUserIdsAcceptIntegersAndDigitStrings);
	CPPUNIT_TEST(testWrongTypeMessageNamesKey);
	CPPUNIT_TEST(testOutOfRangeMessageNamesKey);
	CPPUNIT_TEST(testRateLimitAcceptsZeroAndNegative);
	CPPUNIT_TEST(testInvalidJsonIsOneLineError);
	CPPUNIT_TEST(testTopLevelMustBeObject);
	CPPUNIT_TEST(testUnreadableConfigIsConfigError);
	CPPUNIT_TEST(testTokenFromConfigIsKept);
	CPPUNIT_TEST(testGeneratedTokenSavedIntoConfigKeepingKeysAndOrder);
	CPPUNIT_TEST(testGeneratedTokenAddedWhenKeyAbsent);
	CPPUNIT_TEST(testConfigRewriteDropsOtherPermissions);
	CPPUNIT_TEST(testTokenSavedToStateFileWhenConfigMissing);
	CPPUNIT_TEST(testTokenSavedToStateFileWhenConfigReadOnly);
	CPPUNIT_TEST(testStateTokenIsReusedOnNextStart);
	CPPUNIT_TEST(testEmptyStateTokenFileIsReplaced);
	CPPUNIT_TEST(testMatrixConfiguredNeedsAllParts);
	CPPUNIT_TEST(testBackendDefaultsToTheSpool);
	CPPUNIT_TEST(testPostgresBackendAndNodeRoles);
	CPPUNIT_TEST(testBadBackendMessagesNameTheKey);
	CPPUNIT_TEST_SUITE_END();

public:
	void testMissingFileGivesEveryDefault()
	{
		TempDir dir;
		Config c = Config::load(dir.path());
		CPPUNIT_ASSERT(!c.fileExists);
		CPPUNIT_ASSERT_EQUAL(std::string("claude"), c.provider);
		CPPUNIT_ASSERT_EQUAL(std::string("opus"), c.model);
		CPPUNIT_ASSERT_EQUAL(std::string("medium"), c.reasoningEffort);
		CPPUNIT_ASSERT_EQUAL(std::string("bypassPermissions"), c.permissionMode);
		CPPUNIT_ASSERT_EQUAL(3600.0, c.cliTimeout);
		CPPUNIT_ASSERT_EQUAL(std::string(""), c.userTimezone);
		CPPUNIT_ASSERT(c.allowedUserIds.empty());
		CPPUNIT_ASSERT_EQUAL(std::string(""), c.telegramToken);
		const Config::Webhooks& w = c.webhooks;
		CPPUNIT_ASSERT(!w.enabled);
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), w.host);
		CPPUNIT_ASSERT_EQUAL(8742, w.port);
		CPPUNIT_ASSERT_EQUAL(std::string(""), w.token);
		CPPUNIT_ASSERT_EQUAL(262144LL, w.maxBodyBytes);
		CPPUNIT_ASSERT_EQUAL(30LL, w.rateLimitPerMinute);
		CPPUNIT_ASSERT_EQUAL(2, w.workers);
		CPPUNIT_ASSERT_EQUAL(1000LL, w.queueCapacity);
		CPPUNIT_ASSERT_EQUAL(0LL, w.rateLimitPerIpPerMinute);
		CPPUNIT_ASSERT_EQUAL(1000LL, w.jobHistory);
		CPPUNIT_ASSERT_EQUAL(86400LL, w.dedupeWindowSeconds);
		CPPUNIT_ASSERT_EQUAL(std::string("https://api.telegram.org"), w.telegramApiBase);
		CPPUNIT_ASSERT(w.matrix.homeserver.empty() && w.matrix.accessToken.empty() && w.matrix.roomIds.empty());
		CPPUNIT_ASSERT(w.resultCallback.url.empty() && w.resultCallback.secret.empty());
		CPPUNIT_ASSERT_EQUAL(std::string(""), w.sandbox.user);
		CPPUNIT_ASSERT_EQUAL(7200LL, w.sandbox.cpuSeconds);
		CPPUNIT_ASSERT_EQUAL(4096LL, w.sandbox.maxOpenFiles);
		CPPUNIT_ASSERT_EQUAL(1073741824LL, w.sandbox.maxFileSizeBytes);
		CPPUNIT_ASSERT(w.sandbox.landlock);
		CPPUNIT_ASSERT_EQUAL(std::string(""), w.envFile);
		CPPUNIT_ASSERT(w.envPassthrough.empty());
		CPPUNIT_ASSERT_EQUAL(10.0, w.readTimeoutSeconds);
		CPPUNIT_ASSERT_EQUAL(30.0, w.shutdownGraceSeconds);
	}

	void testDefaultPathsDeriveFromHome()
	{
		TempDir dir;
		Config c = Config::load(dir.path());
		const Config::Paths& p = c.paths;
		CPPUNIT_ASSERT_EQUAL(dir.path(), p.home);
		CPPUNIT_ASSERT_EQUAL(dir.path() + "/config/config.json", p.configFile);
		CPPUNIT_ASSERT_EQUAL(dir.path() + "/webhooks.json", p.hooksFile);
		CPPUNIT_ASSERT_EQUAL(dir.path() + "/workspace", p.workspaceDir);
		CPPUNIT_ASSERT_EQUAL(dir.path() + "/workspace/cron_tasks", p.cronTasksDir);
		CPPUNIT_ASSERT_EQUAL(dir.path() + "/webhook-state", p.stateDir);
		CPPUNIT_ASSERT_EQUAL(dir.path() + "/webhook-state/worker.sock", p.workerSocket);
		CPPUNIT_ASSERT_EQUAL(dir.path() + "/webhook-state/admin.sock", p.adminSocket);
		CPPUNIT_ASSERT_EQUAL(dir.path() + "/webhook-state/token", p.tokenFile);
	}

	void testHomeOptionBeatsEnvironmentBeatsUserHome()
	{
		EnvGuard home("HOME", "/home/someone");
		{
			EnvGuard env("SYGEN_HOME", "/srv/sygen/");
			CPPUNIT_ASSERT_EQUAL(std::string("/opt/h"), Config::resolveHome("/opt/h/"));
			CPPUNIT_ASSERT_EQUAL(std::string("/srv/sygen"), Config::resolveHome(""));
		}
		{
			EnvGuard env("SYGEN_HOME", "");
			CPPUNIT_ASSERT_EQUAL(std::string("/home/someone/.sygen"), Config::resolveHome(""));
		}
		EnvGuard env("SYGEN_HOME", nullptr);
		CPPUNIT_ASSERT_EQUAL(std::string("/home/someone/.sygen"), Config::resolveHome(""));
		CPPUNIT_ASSERT_EQUAL(std::string("/home/someone/x"), Config::resolveHome("~/x"));
		char cwd[4096];
		CPPUNIT_ASSERT(::getcwd(cwd, sizeof(cwd)));
		CPPUNIT_ASSERT_EQUAL(std::string(cwd) + "/rel", Config::resolveHome("rel"));
	}

	void testConfigOptionOverridesDefaultLocation()
	{
		TempDir dir;
		writeFile(dir.file("elsewhere.json"), "{\"model\": \"sonnet\"}");
		Config c = Config::load(dir.file("home"), dir.file("elsewhere.json"));
		CPPUNIT_ASSERT(c.fileExists);
		CPPUNIT_ASSERT_EQUAL(std::string("sonnet"), c.model);
		CPPUNIT_ASSERT_EQUAL(dir.file("elsewhere.json"), c.paths.configFile);
		CPPUNIT_ASSERT_EQUAL(dir.file("home") + "/webhooks.json", c.paths.hooksFile);
	}

	void testReadsEveryKey()
	{
		TempDir dir;
		writeFile(dir.file("config/config.json"),
			"{\"provider\": \"codex\", \"model\": \"gpt\", \"reasoning_effort\": \"high\", \"permission_mode\": \"default\","
			" \"cli_timeout\": 90.5, \"user_timezone\": \"Europe/Berlin\", \"allowed_user_ids\": [1, \"2\"],"
			" \"telegram_token\": \"tg\", \"unrelated\": {\"x\": 1},"
			" \"webhooks\": {\"enabled\": true, \"host\": \"0.0.0.0\", \"port\": 9000, \"token\": \"tok\","
			" \"max_body_bytes\": 10, \"rate_limit_per_minute\": 5, \"workers\": 4, \"queue_capacity\": 7,"
			" \"rate_limit_per_ip_per_minute\": 3, \"job_history\": 9, \"dedupe_window_seconds\": 60,"
			" \"telegram_api_base\": \"http://127.0.0.1:1\", \"env_file\": \"env\", \"env_passthrough\": [\"A\", \"B\"],"
			" \"read_timeout_seconds\": 2, \"shutdown_grace_seconds\": 0,"
			" \"matrix\": {\"homeserver\": \"https://m\", \"access_token\": \"mt\", \"room_ids\": [\"!r:m\"]},"
			" \"result_callback\": {\"url\": \"https://cb\", \"secret\": \"whsec_x\"},"
			" \"sandbox\": {\"user\": \"nobody\", \"cpu_seconds\": 1, \"max_open_files\": 2, \"max_file_size_bytes\": 3, \"landlock\": false}}}");
		Config c = Config::load(dir.path());
		CPPUNIT_ASSERT_EQUAL(std::string("codex"), c.provider);
		CPPUNIT_ASSERT_EQUAL(std::string("gpt"), c.model);
		CPPUNIT_ASSERT_EQUAL(std::string("high"), c.reasoningEffort);
		CPPUNIT_ASSERT_EQUAL(std::string("default"), c.permissionMode);
		CPPUNIT_ASSERT_EQUAL(90.5, c.cliTimeout);
		CPPUNIT_ASSERT_EQUAL(std::string("Europe/Berlin"), c.userTimezone);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), c.allowedUserIds.size());
		CPPUNIT_ASSERT_EQUAL(std::string("tg"), c.telegramToken);
		const Config::Webhooks& w = c.webhooks;
		CPPUNIT_ASSERT(w.enabled);
		CPPUNIT_ASSERT_EQUAL(std::string("0.0.0.0"), w.host);
		CPPUNIT_ASSERT_EQUAL(9000, w.port);
		CPPUNIT_ASSERT_EQUAL(std::string("tok"), w.token);
		CPPUNIT_ASSERT_EQUAL(10LL, w.maxBodyBytes);
		CPPUNIT_ASSERT_EQUAL(5LL, w.rateLimitPerMinute);
		CPPUNIT_ASSERT_EQUAL(4, w.workers);
		CPPUNIT_ASSERT_EQUAL(7LL, w.queueCapacity);
		CPPUNIT_ASSERT_EQUAL(3LL, w.rateLimitPerIpPerMinute);
		CPPUNIT_ASSERT_EQUAL(9LL, w.jobHistory);
		CPPUNIT_ASSERT_EQUAL(60LL, w.dedupeWindowSeconds);
		CPPUNIT_ASSERT_EQUAL(std::string("http://127.0.0.1:1"), w.telegramApiBase);
		CPPUNIT_ASSERT_EQUAL(dir.path() + "/env", w.envFile);
		CPPUNIT_ASSERT_EQUAL(std::string("B"), w.envPassthrough[1]);
		CPPUNIT_ASSERT_EQUAL(2.0, w.readTimeoutSeconds);
		CPPUNIT_ASSERT_EQUAL(0.0, w.shutdownGraceSeconds);
		CPPUNIT_ASSERT_EQUAL(std::string("https://m"), w.matrix.homeserver);
		CPPUNIT_ASSERT_EQUAL(std::string("mt"), w.matrix.accessToken);
		CPPUNIT_ASSERT_EQUAL(std::string("!r:m"), w.matrix.roomIds[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("https://cb"), w.resultCallback.url);
		CPPUNIT_ASSERT_EQUAL(std::string("whsec_x"), w.resultCallback.secret);
		CPPUNIT_ASSERT_EQUAL(std::string("nobody"), w.sandbox.user);
		CPPUNIT_ASSERT_EQUAL(1LL, w.sandbox.cpuSeconds);
		CPPUNIT_ASSERT_EQUAL(2LL, w.sandbox.maxOpenFiles);
		CPPUNIT_ASSERT_EQUAL(3LL, w.sandbox.maxFileSizeBytes);
		CPPUNIT_ASSERT(!w.sandbox.landlock);
	}

	void testRelativeAndExplicitStatePaths()
	{
		TempDir dir;
		writeFile(dir.file("config/config.json"), "{\"webhooks\": {\"state_dir\": \"st\", \"admin_socket\": \"/run/x/admin.sock\"}}");
		Config c = Config::load(dir.path());
		CPPUNIT_ASSERT_EQUAL(dir.path() + "/st", c.paths.stateDir);
		CPPUNIT_ASSERT_EQUAL(dir.path() + "/st/worker.sock", c.paths.workerSocket);
		CPPUNIT_ASSERT_EQUAL(std::string("/run/x/admin.sock"), c.paths.adminSocket);
		CPPUNIT_ASSERT_EQUAL(dir.path() + "/st/token", c.paths.tokenFile);
	}

	void testNullMeansDefault()
	{
		TempDir dir;
		writeFile(dir.file("config/config.json"),
			"{\"provider\": null, \"allowed_user_ids\": null, \"webhooks\": {\"port\": null, \"sandbox\": null, \"matrix\": {\"room_ids\": null}}}");
		Config c = Config::load(dir.path());
		CPPUNIT_ASSERT_EQUAL(std::string("claude"), c.provider);
		CPPUNIT_ASSERT_EQUAL(8742, c.webhooks.port);
		CPPUNIT_ASSERT(c.webhooks.sandbox.landlock);
		CPPUNIT_ASSERT(c.webhooks.matrix.roomIds.empty());
	}

	void testUserTimezoneIsTrimmed()
	{
		TempDir dir;
		writeFile(dir.file("config/config.json"), "{\"user_timezone\": \" \\tEurope/Berlin \\n\"}");
		CPPUNIT_ASSERT_EQUAL(std::string("Europe/Berlin"), Config::load(dir.path()).userTimezone);
	}

	void testAllowedUserIdsAcceptIntegersAndDigitStrings()
	{
		TempDir dir;
		writeFile(dir.file("config/config.json"), "{\"allowed_user_ids\": [123456789, \"-1001234\", 9007199254740993, \"42\"]}");
		Config c = Config::load(dir.path());
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), c.allowedUserIds.size());
		CPPUNIT_ASSERT_EQUAL(std::string("123456789"), c.allowedUserIds[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("-1001234"), c.allowedUserIds[1]);
		CPPUNIT_ASSERT_EQUAL(std::string("9007199254740993"), c.allowedUserIds[2]);
		CPPUNIT_ASSERT_EQUAL(std::string("42"), c.allowedUserIds[3]);
	}

	void testWrongTypeMessageNamesKey()
	{
		assertError("{\"webhooks\": {\"port\": \"8742\"}}", "webhooks.port: expected an integer");
		assertError("{\"webhooks\": {\"port\": 87.5}}", "webhooks.port: expected an integer");
		assertError("{\"webhooks\": {\"enabled\": \"yes\"}}", "webhooks.enabled: expected true or false");
		assertError("{\"webhooks\": {\"token\": 5}}", "webhooks.token: expected a string");
		assertError("{\"webhooks\": \"on\"}", "webhooks: expected an object");
		assertError("{\"webhooks\": {\"matrix\": {\"room_ids\": [1]}}}", "webhooks.matrix.room_ids: expected an array of strings");
		assertError("{\"webhooks\": {\"sandbox\": {\"landlock\": 1}}}", "webhooks.sandbox.landlock: expected true or false");
		assertError("{\"webhooks\": {\"sandbox\": []}}", "webhooks.sandbox: expected an object");
		assertError("{\"webhooks\": {\"result_callback\": {\"url\": false}}}", "webhooks.result_callback.url: expected a string");
		assertError("{\"webhooks\": {\"env_passthrough\": \"PATH\"}}", "webhooks.env_passthrough: expected an array of strings");
		assertError("{\"webhooks\": {\"read_timeout_seconds\": \"5\"}}", "webhooks.read_timeout_seconds: expected a number");
		assertError("{\"webhooks\": {\"state_dir\": 1}}", "webhooks.state_dir: expected a string");
		assertError("{\"provider\": 5}", "provider: expected a string");
		assertError("{\"cli_timeout\": \"1h\"}", "cli_timeout: expected a number");
		assertError("{\"cli_timeout\": true}", "cli_timeout: expected a number");
		assertError("{\"allowed_user_ids\": \"123\"}", "allowed_user_ids: expected an array of chat ids");
		assertError("{\"allowed_user_ids\": [1, 1.5]}", "allowed_user_ids[1]: expected an integer or a string of digits");
		assertError("{\"allowed_user_ids\": [\"@me\"]}", "allowed_user_ids[0]: expected an integer or a string of digits");
		assertError("{\"allowed_user_ids\": [true]}", "allowed_user_ids[0]: expected an integer or a string of digits");
	}

	void testOutOfRangeMessageNamesKey()
	{
		assertError("{\"webhooks\": {\"port\": 65536}}", "webhooks.port: must be between 0 and 65535");
		assertError("{\"webhooks\": {\"port\": -1}}", "webhooks.port: must be between 0 and 65535");
		assertError("{\"webhooks\": {\"workers\": 0}}", "webhooks.workers: must be between 1 and 1024");
		assertError("{\"webhooks\": {\"queue_capacity\": 0}}", "webhooks.queue_capacity: must be at least 1");
		assertError("{\"webhooks\": {\"max_body_bytes\": -1}}", "webhooks.max_body_bytes: must be at least 0");
		assertError("{\"webhooks\": {\"rate_limit_per_ip_per_minute\": -1}}", "webhooks.rate_limit_per_ip_per_minute: must be at least 0");
		assertError("{\"webhooks\": {\"job_history\": -5}}", "webhooks.job_history: must be at least 0");
		assertError("{\"webhooks\": {\"dedupe_window_seconds\": -5}}", "webhooks.dedupe_window_seconds: must be at least 0");
		assertError("{\"webhooks\": {\"read_timeout_seconds\": 0}}", "webhooks.read_timeout_seconds: must be greater than 0");
		assertError("{\"webhooks\": {\"shutdown_grace_seconds\": -1}}", "webhooks.shutdown_grace_seconds: must not be negative");
		assertError("{\"webhooks\": {\"sandbox\": {\"cpu_seconds\": -1}}}", "webhooks.sandbox.cpu_seconds: must be at least 0");
		assertError("{\"cli_timeout\": 0}", "cli_timeout: must be greater than 0");
	}

	void testRateLimitAcceptsZeroAndNegative()
	{
		TempDir dir;
		writeFile(dir.file("config/config.json"), "{\"webhooks\": {\"rate_limit_per_minute\": -3, \"port\": 0}}");
		Config c = Config::load(dir.path());
		CPPUNIT_ASSERT_EQUAL(-3LL, c.webhooks.rateLimitPerMinute);
		CPPUNIT_ASSERT_EQUAL(0, c.webhooks.port);
	}

	void testInvalidJsonIsOneLineError()
	{
		TempDir dir;
		writeFile(dir.file("config/config.json"), "{\"webhooks\": {\n\"port\": 1,,\n}}");
		std::string message = errorOf(dir);
		CPPUNIT_ASSERT(message.find(dir.file("config/config.json") + ": invalid JSON") == 0);
		CPPUNIT_ASSERT_EQUAL(std::string::npos, message.find('\n'));
	}

	void testTopLevelMustBeObject()
	{
		TempDir dir;
		writeFile(dir.file("config/config.json"), "[1]");
		CPPUNIT_ASSERT_EQUAL(dir.file("config/config.json") + ": top level must be an object", errorOf(dir));
	}

	void testUnreadableConfigIsConfigError()
	{
		TempDir dir;
		Poco::File(dir.file("config/config.json")).createDirectories(); // a folder where the file should be
		CPPUNIT_ASSERT(errorOf(dir).find(dir.file("config/config.json") + ": cannot read") == 0);
	}

	void testTokenFromConfigIsKept()
	{
		TempDir dir;
		writeFile(dir.file("config/config.json"), "{\"webhooks\": {\"token\": \"abc\"}}");
		Config c = Config::load(dir.path());
		CPPUNIT_ASSERT_EQUAL(Config::TOKEN_FROM_CONFIG, c.ensureGlobalToken());
		CPPUNIT_ASSERT_EQUAL(std::string("abc"), c.webhooks.token);
		CPPUNIT_ASSERT(!Poco::File(c.paths.tokenFile).exists());
	}

	void testGeneratedTokenSavedIntoConfigKeepingKeysAndOrder()
	{
		TempDir dir;
		std::string path = dir.file("config/config.json");
		writeFile(path,
			"{\"provider\": \"codex\", \"webhooks\": {\"enabled\": true, \"token\": \"\", \"port\": 9000,"
			" \"x_custom\": [1, {}]}, \"zzz\": \"\xC3\xBC\", \"n\": 1.0}");
		::chmod(path.c_str(), 0640);
		Config c = Config::load(dir.path());
		CPPUNIT_ASSERT_EQUAL(Config::TOKEN_WRITTEN_TO_CONFIG, c.ensureGlobalToken());
		const std::string& token = c.webhooks.token;
		CPPUNIT_ASSERT_EQUAL(std::size_t(43), token.size());
		const std::string expected = "{\n"
									 "  \"provider\": \"codex\",\n"
									 "  \"webhooks\": {\n"
									 "    \"enabled\": true,\n"
									 "    \"token\": \"" +
			token +
			"\",\n"
			"    \"port\": 9000,\n"
			"    \"x_custom\": [\n"
			"      1,\n"
			"      {}\n"
			"    ]\n"
			"  },\n"
			"  \"zzz\": \"\xC3\xBC\",\n"
			"  \"n\": 1.0\n"
			"}\n";
		CPPUNIT_ASSERT_EQUAL(expected, readFile(path));
		CPPUNIT_ASSERT_EQUAL(mode_t(0640), modeOf(path));
		CPPUNIT_ASSERT(!Poco::File(c.paths.tokenFile).exists());
		Config again = Config::load(dir.path());
		CPPUNIT_ASSERT_EQUAL(token, again.webhooks.token);
		CPPUNIT_ASSERT_EQUAL(Config::TOKEN_FROM_CONFIG, again.ensureGlobalToken());
		CPPUNIT_ASSERT(c.describe(Config::TOKEN_WRITTEN_TO_CONFIG).find(path) != std::string::npos);
	}

	void testGeneratedTokenAddedWhenKeyAbsent()
	{
		TempDir dir;
		std::string path = dir.file("config/config.json");
		writeFile(path, "{\"webhooks\": {\"enabled\": true}}");
		Config c = Config::load(dir.path());
		CPPUNIT_ASSERT_EQUAL(Config::TOKEN_WRITTEN_TO_CONFIG, c.ensureGlobalToken());
		CPPUNIT_ASSERT_EQUAL(
			"{\n  \"webhooks\": {\n    \"enabled\": true,\n    \"token\": \"" + c.webhooks.token + "\"\n  }\n}\n", readFile(path));
	}

	void testConfigRewriteDropsOtherPermissions()
	{
		TempDir dir;
		std::string path = dir.file("config/config.json");
		writeFile(path, "{}");
		::chmod(path.c_str(), 0644);
		Config c = Config::load(dir.path());
		c.ensureGlobalToken();
		CPPUNIT_ASSERT_EQUAL(mode_t(0640), modeOf(path));
	}

	void testTokenSavedToStateFileWhenConfigMissing()
	{
		TempDir dir;
		Config c = Config::load(dir.path());
		CPPUNIT_ASSERT_EQUAL(Config::TOKEN_WRITTEN_TO_STATE, c.ensureGlobalToken());
		CPPUNIT_ASSERT_EQUAL(std::size_t(43), c.webhooks.token.size());
		CPPUNIT_ASSERT_EQUAL(c.webhooks.token + "\n", readFile(c.paths.tokenFile));
		CPPUNIT_ASSERT_EQUAL(mode_t(0600), modeOf(c.paths.tokenFile));
		CPPUNIT_ASSERT_EQUAL(mode_t(0700), modeOf(c.paths.stateDir));
		CPPUNIT_ASSERT(!Poco::File(c.paths.configFile).exists());
		CPPUNIT_ASSERT(c.describe(Config::TOKEN_WRITTEN_TO_STATE).find(c.paths.tokenFile) != std::string::npos);
	}

	void testTokenSavedToStateFileWhenConfigReadOnly()
	{
		// root may write anything, so the read-only case can only be seen unprivileged.
		if (::geteuid() == 0) return;
		TempDir dir;
		std::string path = dir.file("config/config.json");
		writeFile(path, "{\"webhooks\": {}}");
		::chmod(path.c_str(), 0444);
		Config c = Config::load(dir.path());
		CPPUNIT_ASSERT_EQUAL(Config::TOKEN_WRITTEN_TO_STATE, c.ensureGlobalToken());
		CPPUNIT_ASSERT_EQUAL(std::string("{\"webhooks\": {}}"), readFile(path));
		CPPUNIT_ASSERT_EQUAL(c.webhooks.token + "\n", readFile(c.paths.tokenFile));
	}

	void testStateTokenIsReusedOnNextStart()
	{
		TempDir dir;
		writeFile(dir.file("webhook-state/token"), "persisted-token\n");
		writeFile(dir.file("config/config.json"), "{\"webhooks\": {\"token\": \"\"}}");
		Config c = Config::load(dir.path());
		CPPUNIT_ASSERT_EQUAL(Config::TOKEN_FROM_STATE_FILE, c.ensureGlobalToken());
		CPPUNIT_ASSERT_EQUAL(std::string("persisted-token"), c.webhooks.token);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"webhooks\": {\"token\": \"\"}}"), readFile(dir.file("config/config.json")));
	}

	void testEmptyStateTokenFileIsReplaced()
	{
		TempDir dir;
		writeFile(dir.file("webhook-state/token"), " \n");
		Config c = Config::load(dir.path());
		CPPUNIT_ASSERT_EQUAL(Config::TOKEN_WRITTEN_TO_STATE, c.ensureGlobalToken());
		CPPUNIT_ASSERT_EQUAL(std::size_t(43), c.webhooks.token.size());
		Config again = Config::load(dir.path());
		CPPUNIT_ASSERT_EQUAL(Config::TOKEN_FROM_STATE_FILE, again.ensureGlobalToken());
		CPPUNIT_ASSERT_EQUAL(c.webhooks.token, again.webhooks.token);
	}

	void testMatrixConfiguredNeedsAllParts()
	{
		Config::Matrix m;
		CPPUNIT_ASSERT(!m.configured());
		m.homeserver = "https://m";
		m.accessToken = "t";
		CPPUNIT_ASSERT(!m.configured());
		m.roomIds.push_back("!r");
		CPPUNIT_ASSERT(m.configured());
	}

private:
	static std::string errorOf(const TempDir& dir)
	{
		try
		{
			Config::load(dir.path());
		}
		catch (ConfigError& e)
		{
			return e.message();
		}
		return "no error";
	}

	void testBackendDefaultsToTheSpool()
	{
		TempDir dir;
		writeFile(dir.file("config/config.json"), "{\"webhooks\": {}}");
		Config c = Config::load(dir.path());
		CPPUNIT_ASSERT_EQUAL(std::string("spool"), c.webhooks.backend.type);
		CPPUNIT_ASSERT(!c.webhooks.backend.postgres());
		CPPUNIT_ASSERT(c.webhooks.ingress);
	}

	void testPostgresBackendAndNodeRoles()
	{
		TempDir dir;
		writeFile(dir.file("config/config.json"),
			"{\"webhooks\": {\"workers\": 0, \"ingress\": false, \"backend\": {\"type\": \"postgres\","
			" \"dsn\": \"host=db1,db2 dbname=sygen target_session_attrs=read-write\", \"node_id\": \"n1\", \"lease_seconds\": 12, \"pool_size\": 8}}}");
		Config c = Config::load(dir.path());
		CPPUNIT_ASSERT(c.webhooks.backend.postgres());
		CPPUNIT_ASSERT_EQUAL(std::string("host=db1,db2 dbname=sygen target_session_attrs=read-write"), c.webhooks.backend.dsn);
		CPPUNIT_ASSERT_EQUAL(std::string("n1"), c.webhooks.backend.nodeId);
		CPPUNIT_ASSERT_EQUAL(12, c.webhooks.backend.leaseSeconds);
		CPPUNIT_ASSERT_EQUAL(8, c.webhooks.backend.poolSize);
		CPPUNIT_ASSERT_EQUAL(0, c.webhooks.workers);
		CPPUNIT_ASSERT(!c.webhooks.ingress);

		writeFile(dir.file("config/config.json"), "{\"webhooks\": {\"backend\": {\"type\": \"postgres\", \"dsn\": \"dbname=x\"}}}");
		CPPUNIT_ASSERT_EQUAL(Poco::Environment::nodeName(), Config::load(dir.path()).webhooks.backend.nodeId);
	}

	void testBadBackendMessagesNameTheKey()
	{
		assertError("{\"webhooks\": {\"backend\": {\"type\": \"redis\"}}}", "webhooks.backend.type: must be \"spool\" or \"postgres\"");
		assertError("{\"webhooks\": {\"backend\": {\"type\": \"postgres\"}}}", "webhooks.backend.dsn: required when type is \"postgres\"");
		assertError("{\"webhooks\": {\"backend\": {\"type\": \"postgres\", \"dsn\": \"x\", \"lease_seconds\": 1}}}",
			"webhooks.backend.lease_seconds: must be between 5 and 3600");
		assertError("{\"webhooks\": {\"backend\": {\"type\": \"postgres\", \"dsn\": \"x\", \"pool_size\": 0}}}",
			"webhooks.backend.pool_size: must be between 1 and 64");
		assertError(
			"{\"webhooks\": {\"ingress\": false}}", "webhooks.ingress: false needs a postgres backend (a worker host of a cluster)");
		assertError("{\"webhooks\": {\"backend\": \"postgres\"}}", "webhooks.backend: expected an object");
	}

	static void assertError(const std::string& json, const std::string& expected)
	{
		TempDir dir;
		writeFile(dir.file("config/config.json"), json);
		CPPUNIT_ASSERT_EQUAL(dir.file("config/config.json") + ": " + expected, errorOf(dir));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConfigTest);
