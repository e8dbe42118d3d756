//
// SecretsTest.cpp
//
// Secrets stay secret (issue 7, item 8): a full run of the real service at
// --log-level trace, with accepted and rejected requests, never writes a token
// or signing secret to its log; the files and sockets holding or guarding them
// are 0600.
//

#include "ServiceFixture.h"
#include "Sygen/Foundation/JSONFields.h"
#include "TestSupport.h"
#include <Poco/Base64Encoder.h>
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/Timestamp.h>
#include <cppunit/extensions/HelperMacros.h>
#include <memory>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using Sygen::JSONFields;
using Sygen::Test::HTTPReply;
using Sygen::Test::ServiceFixture;
using Sygen::Test::TestHmac;

namespace {

const std::string HOOK_TOKEN = "hook-token-SECRET-1111-abcdefghijklmnop";
const std::string HMAC_SECRET = "hmac-secret-SECRET-2222-abcdefghijklmnop";
const std::string WHSEC_KEY = "whsec-key-SECRET-3333-abcdefghijkl";
const std::string TELEGRAM_TOKEN = "123456789:telegram-SECRET-4444-abcdefghijklmn";
const std::string CALLBACK_KEY = "callback-SECRET-5555-abcdefghijklmnop";

std::string base64(const std::string& bytes)
{
	std::ostringstream out;
	Poco::Base64Encoder encoder(out);
	encoder.rdbuf()->setLineLength(0);
	encoder << bytes;
	encoder.close();
	return out.str();
}

std::string hooksJson()
{
	return R"json({"hooks": [
  {"id": "bearer", "title": "Bearer", "mode": "cron_task", "prompt_template": "x {{n}}", "task_folder": "quiet",
   "token": ")json" +
		HOOK_TOKEN + R"json(", "dedupe_header": "X-Delivery"},
  {"id": "global", "title": "Global", "mode": "cron_task", "prompt_template": "x {{n}}", "task_folder": "quiet"},
  {"id": "hmac", "title": "HMAC", "mode": "cron_task", "prompt_template": "x {{n}}", "task_folder": "quiet",
   "auth_mode": "hmac", "hmac_secret": ")json" +
		HMAC_SECRET + R"json(", "hmac_header": "X-Hub-Signature-256"},
  {"id": "standard", "title": "Standard", "mode": "cron_task", "prompt_template": "x {{n}}", "task_folder": "quiet",
   "auth_mode": "standard_webhooks", "hmac_secret": "whsec_)json" +
		base64(WHSEC_KEY) + R"json("}
]}
)json";
}

int modeOf(const std::string& path)
{
	struct stat st;
	if (::stat(path.c_str(), &st) != 0) return -1;
	return static_cast<int>(st.st_mode & 07777);
}

std::string octal(int mode)
{
	std::ostringstream out;
	out << std::oct << mode;
	return out.str();
}

} // namespace

class SecretsTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SecretsTest);
	CPPUNIT_TEST(testNoSecretReachesTheLogAtTraceLevel);
	CPPUNIT_TEST(testSecretFilesAndSocketsAre0600);
	CPPUNIT_TEST(testGeneratedTokenFileIs0600);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_service.reset(new ServiceFixture);
		_service->writeHooks(hooksJson());
		_service->taskFolder("quiet", R"({"result": "done"})");
		_service->config()->set("telegram_token", TELEGRAM_TOKEN);
		Poco::JSON::Array::Ptr users = new Poco::JSON::Array;
		users->add(4242);
		_service->config()->set("allowed_user_ids", users);
		_service->webhooks().set("workers", 1);
		// Nothing listens there: delivery fails, and its error must not show the token.
		_service->webhooks().set("telegram_api_base", "http://127.0.0.1:9");
		Poco::JSON::Object::Ptr callback = new Poco::JSON::Object;
		callback->set("url", "http://127.0.0.1:9/results");
		callback->set("secret", "whsec_" + base64(CALLBACK_KEY));
		_service->webhooks().set("result_callback", callback);
	}

	void tearDown() override { _service.reset(); }

	HTTPReply post(const std::string& hook, const std::string& body, const std::map<std::string, std::string>& headers)
	{
		std::map<std::string, std::string> all = headers;
		all["Content-Type"] = "application/json";
		return _service->request("POST", "/hooks/" + hook, body, all);
	}

	std::string standardSignature(const std::string& id, long long timestamp, const std::string& body)
	{
		return "v1," + TestHmac::base64("sha256", WHSEC_KEY, id + "." + std::to_string(timestamp) + "." + body);
	}

	void waitForJobs(const std::vector<std::string>& jobs)
	{
		// The bearer hook's jobs need its own token; the others take the global one.
		for (const std::string& job: jobs)
		{
			bool done = _service->waitFor(
				[&]() {
					for (const std::string& token: {HOOK_TOKEN, ServiceFixture::TOKEN})
					{
						HTTPReply reply = _service->request("GET", "/jobs/" + job, "", {{"Authorization", "Bearer " + token}});
						if (reply.status != 200) continue;
						std::string status = reply.json()->getValue<std::string>("status");
						return status != "queued" && status != "running";
					}
					return false;
				},
				Poco::Timespan(60, 0));
			CPPUNIT_ASSERT_MESSAGE("job " + job + " did not finish", done);
		}
	}

	// Accepted and rejected requests of every kind; returns the accepted jobs.
	std::vector<std::string> exercise()
	{
		std::vector<std::string> jobs;
		auto accepted = [&](const HTTPReply& reply) {
			CPPUNIT_ASSERT_EQUAL_MESSAGE(reply.body, 202, reply.status);
			jobs.push_back(reply.json()->getValue<std::string>("job_id"));
		};
		const std::string body = R"({"n": 1})";
		accepted(post("bearer", body, {{"Authorization", "Bearer " + HOOK_TOKEN}, {"X-Delivery", "d-1"}}));
		CPPUNIT_ASSERT_EQUAL(200, post("bearer", body, {{"Authorization", "Bearer " + HOOK_TOKEN}, {"X-Delivery", "d-1"}}).status);
		accepted(post("global", body, {{"Authorization", "Bearer " + ServiceFixture::TOKEN}}));
		accepted(post("hmac", body, {{"X-Hub-Signature-256", "sha256=" + TestHmac::hex("sha256", HMAC_SECRET, body)}}));
		long long t = static_cast<long long>(Poco::Timestamp().epochTime());
		accepted(post("standard", body,
			{{"webhook-id", "m1"}, {"webhook-timestamp", std::to_string(t)}, {"webhook-signature", standardSignature("m1", t, body)}}));

		// Rejected: near misses of each secret, the global token on a hook with its own.
		CPPUNIT_ASSERT_EQUAL(401, post("bearer", body, {{"Authorization", "Bearer " + HOOK_TOKEN + "x"}}).status);
		CPPUNIT_ASSERT_EQUAL(401, post("bearer", body, {{"Authorization", "Bearer " + ServiceFixture::TOKEN}}).status);
		CPPUNIT_ASSERT_EQUAL(401, post("bearer", body, {{"Authorization", "bearer " + HOOK_TOKEN}}).status);
		CPPUNIT_ASSERT_EQUAL(401, post("global", body, {{"Authorization", "Bearer " + ServiceFixture::TOKEN.substr(1)}}).status);
		CPPUNIT_ASSERT_EQUAL(
			401, post("hmac", body, {{"X-Hub-Signature-256", "sha256=" + TestHmac::hex("sha256", HMAC_SECRET, "{}")}}).status);
		CPPUNIT_ASSERT_EQUAL(401,
			post("standard", body,
				{{"webhook-id", "m2"}, {"webhook-timestamp", std::to_string(t)}, {"webhook-signature", standardSignature("m3", t, body)}})
				.status);
		CPPUNIT_ASSERT_EQUAL(404, post("nope", body, {{"Authorization", "Bearer " + HOOK_TOKEN}}).status);
		// Reading jobs and metrics with and without the token.
		CPPUNIT_ASSERT_EQUAL(
			200, _service->request("GET", "/jobs/" + jobs.front(), "", {{"Authorization", "Bearer " + HOOK_TOKEN}}).status);
		CPPUNIT_ASSERT_EQUAL(401, _service->request("GET", "/jobs/" + jobs.front(), "", {{"Authorization", "Bearer wrong"}}).status);
		CPPUNIT_ASSERT_EQUAL(200, _service->request("GET", "/metrics", "", {{"Authorization", "Bearer " + ServiceFixture::TOKEN}}).status);
		return jobs;
	}

	void start(const std::vector<std::string>& args = {})
	{
		try
		{
			_service->start(args);
		}
		catch (Poco::Exception& exc)
		{
			CPPUNIT_FAIL(exc.displayText());
		}
	}

	void testNoSecretReachesTheLogAtTraceLevel()
	{
		start({"--log", "stderr", "--log-level", "trace"});
		std::vector<std::string> jobs = exercise();
		waitForJobs(jobs);
		std::string output;
		_service->ctl({"hooks", "list"}, output);
		_service->ctl({"jobs", "list"}, output);
		// Give the failing deliveries a moment to be attempted and logged.
		_service->waitFor([&]() { return _service->log().find("4242") != std::string::npos; }, Poco::Timespan(5, 0));
		_service->stop();

		std::string log = _service->log();
		CPPUNIT_ASSERT_MESSAGE("the log is empty: the test would prove nothing", log.size() > 1000);
		const std::vector<std::string> secrets{ServiceFixture::TOKEN, HOOK_TOKEN, HMAC_SECRET, WHSEC_KEY, base64(WHSEC_KEY), TELEGRAM_TOKEN,
			CALLBACK_KEY, base64(CALLBACK_KEY), HOOK_TOKEN + "x", ServiceFixture::TOKEN.substr(1),
			// Parts long enough to identify a secret, in case one is logged cut or wrapped.
			ServiceFixture::TOKEN.substr(0, 20), HOOK_TOKEN.substr(10, 20), HMAC_SECRET.substr(10, 20), TELEGRAM_TOKEN.substr(10, 20),
			TELEGRAM_TOKEN.substr(0, 9) + ":"};
		for (const std::string& secret: secrets)
		{
			std::size_t at = log.find(secret);
			std::string context = at == std::string::npos ? "" : log.substr(at < 200 ? 0 : at - 200, 400);
			CPPUNIT_ASSERT_MESSAGE("secret \"" + secret + "\" found in the log: " + context, at == std::string::npos);
		}
	}

	void assertMode(const std::string& path, int expected)
	{
		CPPUNIT_ASSERT_MESSAGE(path + " is missing", Poco::File(path).exists());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(path, octal(expected), octal(modeOf(path)));
	}

	void testSecretFilesAndSocketsAre0600()
	{
		// A hand-made file with a loose mode: the service's rewrite tightens it.
		::chmod((_service->home() + "/webhooks.json").c_str(), 0644);
		start();
		std::vector<std::string> jobs = exercise();
		waitForJobs(jobs);
		// Telemetry rewrites webhooks.json.
		CPPUNIT_ASSERT(_service->waitFor([&]() {
			Poco::JSON::Object::Ptr hook = _service->hookOnDisk("global");
			return hook && hook->optValue<int>("trigger_count", 0) >= 1;
		}));
		const std::string state = _service->stateDir();
		assertMode(_service->home() + "/webhooks.json", 0600);
		assertMode(state, 0700);
		assertMode(state + "/worker.sock", 0600);
		assertMode(state + "/admin.sock", 0600);
		assertMode(state + "/spool/journal", 0600);
		assertMode(state + "/dedupe.log", 0600);
	}

	void testGeneratedTokenFileIs0600()
	{
		if (::geteuid() == 0)
		{
			// root may write any file, so the service saves the token into the
			// config file and never falls back to <state>/token.
			std::cerr << "skipped under root: the token file fallback needs a read-only config" << std::endl;
			return;
		}
		_service->webhooks().set("token", "");
		_service->writeConfig();
		std::string config = _service->home() + "/config/config.json";
		::chmod(config.c_str(), 0400);
		::chmod((_service->home() + "/config").c_str(), 0500);
		_service->start({}, false);
		std::string tokenFile = _service->stateDir() + "/token";
		assertMode(tokenFile, 0600);
		std::string token = Sygen::Test::readFile(tokenFile);
		CPPUNIT_ASSERT(_service->log().find(token.substr(0, 20)) == std::string::npos);
		::chmod((_service->home() + "/config").c_str(), 0700);
	}

private:
	std::unique_ptr<ServiceFixture> _service;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SecretsTest);
