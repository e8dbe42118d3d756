//
// DeliveryTest.cpp
//
// Result delivery (SPEC §12) through the real binaries: cron_task results
// broadcast to fake Telegram and Matrix servers (real HTTP, in the test process)
// with the exact text, [SILENT] and error:not_found suppressed, long text split,
// and the result callback signed so that an independent Standard Webhooks
// verifier accepts it, kept across a restart of the service.
//

#include "FakeHTTPServer.h"
#include "ServiceFixture.h"
#include "StandardWebhooksVerifier.h"
#include "TestSupport.h"
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/Thread.h>
#include <atomic>
#include <cppunit/extensions/HelperMacros.h>
#include <memory>

using Sygen::Test::FakeHTTPServer;
using Sygen::Test::FakeReply;
using Sygen::Test::HTTPReply;
using Sygen::Test::RecordedRequest;
using Sygen::Test::ServiceFixture;
using Sygen::Test::StandardWebhooksVerifier;

namespace {

const std::string BOT_TOKEN = "777000:integration-bot-token";
const std::string MATRIX_TOKEN = "syt_integration_matrix_token";
// base64 of "integration-callback-secret-key!"
const std::string CALLBACK_SECRET = "whsec_aW50ZWdyYXRpb24tY2FsbGJhY2stc2VjcmV0LWtleSE=";

const char* HOOKS = R"json({"hooks": [
  {"id": "report", "title": "Nightly report", "mode": "cron_task", "prompt_template": "Run {{what}}", "task_folder": "report"},
  {"id": "quiet", "title": "Quiet one", "mode": "cron_task", "prompt_template": "x", "task_folder": "quiet"},
  {"id": "long", "title": "Long one", "mode": "cron_task", "prompt_template": "x", "task_folder": "long"},
  {"id": "empty", "title": "Empty one", "mode": "cron_task", "prompt_template": "x", "task_folder": "empty"}
]}
)json";

std::string jobIdOf(const HTTPReply& reply)
{
	CPPUNIT_ASSERT_EQUAL_MESSAGE(reply.body, 202, reply.status);
	return reply.json()->getValue<std::string>("job_id");
}

std::string textOf(const RecordedRequest& r)
{
	return r.json()->getValue<std::string>("text");
}

} // namespace

class DeliveryTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(DeliveryTest);
	CPPUNIT_TEST(testCronTaskResultIsBroadcastWithTheExactText);
	CPPUNIT_TEST(testSilentResultIsNotSent);
	CPPUNIT_TEST(testEmptyResultShowsItsStatus);
	CPPUNIT_TEST(testLongResultIsSplitAt4096Characters);
	CPPUNIT_TEST(testEmojiResultIsSplitAt4096UTF16Units);
	CPPUNIT_TEST(testCallbackSignatureVerifiesIndependently);
	CPPUNIT_TEST(testCallbackIsRetriedAndSurvivesARestart);
	CPPUNIT_TEST(testSecretsNeverInTheLog);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_telegram.reset(new FakeHTTPServer([](const RecordedRequest&) { return FakeHTTPServer::telegramOk(); }));
		_matrix.reset(new FakeHTTPServer([](const RecordedRequest&) { return FakeHTTPServer::matrixOk(); }));
		_callback.reset(new FakeHTTPServer);
		_service.reset(new ServiceFixture);
		_service->writeHooks(HOOKS);
		Poco::JSON::Array::Ptr users = new Poco::JSON::Array;
		users->add(501);
		users->add(502);
		_service->config()->set("allowed_user_ids", users);
		_service->config()->set("telegram_token", BOT_TOKEN);
		_service->webhooks().set("telegram_api_base", _telegram->baseUrl());
		Poco::JSON::Object::Ptr matrix = new Poco::JSON::Object;
		matrix->set("homeserver", _matrix->baseUrl());
		matrix->set("access_token", MATRIX_TOKEN);
		Poco::JSON::Array::Ptr rooms = new Poco::JSON::Array;
		rooms->add(std::string("!ops:example.org"));
		matrix->set("room_ids", rooms);
		_service->webhooks().set("matrix", matrix);
		Poco::JSON::Object::Ptr callback = new Poco::JSON::Object;
		callback->set("url", _callback->baseUrl() + "/sygen-results");
		callback->set("secret", CALLBACK_SECRET);
		_service->webhooks().set("result_callback", callback);
	}

	void tearDown() override
	{
		_service.reset();
		_telegram.reset();
		_matrix.reset();
		_callback.reset();
	}

	void testCronTaskResultIsBroadcastWithTheExactText()
	{
		_service->taskFolder("report", R"({"result": "Build #12 is green \u2713"})");
		_service->start();
		std::string jobId = jobIdOf(_service->postHook("report", R"({"what": "the build"})"));
		CPPUNIT_ASSERT_EQUAL(std::string("success"), _service->waitForJob(jobId)->getValue<std::string>("status"));
		CPPUNIT_ASSERT(_telegram->waitForRequests(2));
		CPPUNIT_ASSERT(_matrix->waitForRequests(1));
		const std::string expected = "**WEBHOOK (CRON TASK): Nightly report**\n\nBuild #12 is green \xE2\x9C\x93";
		std::vector<RecordedRequest> sent = _telegram->requests();
		CPPUNIT_ASSERT_EQUAL(std::string("/bot" + BOT_TOKEN + "/sendMessage"), sent[0].uri);
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(501), sent[0].json()->getValue<Poco::Int64>("chat_id"));
		CPPUNIT_ASSERT_EQUAL(expected, textOf(sent[0]));
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(502), sent[1].json()->getValue<Poco::Int64>("chat_id"));
		CPPUNIT_ASSERT_EQUAL(expected, textOf(sent[1]));
		RecordedRequest room = _matrix->requests().at(0);
		CPPUNIT_ASSERT_EQUAL(std::string("PUT"), room.method);
		CPPUNIT_ASSERT(room.uri.find("/_matrix/client/v3/rooms/%21ops%3Aexample.org/send/m.room.message/") == 0);
		CPPUNIT_ASSERT_EQUAL("Bearer " + MATRIX_TOKEN, room.headers.get("Authorization"));
		CPPUNIT_ASSERT_EQUAL(expected, room.json()->getValue<std::string>("body"));
		Poco::Thread::sleep(300);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), _telegram->count());
	}

	void testSilentResultIsNotSent()
	{
		_service->taskFolder("quiet", R"({"result": "  [silent] nothing changed"})");
		_service->taskFolder("report", R"({"result": "visible"})");
		_service->start();
		std::string quietJob = jobIdOf(_service->postHook("quiet", "{}"));
		CPPUNIT_ASSERT_EQUAL(std::string("success"), _service->waitForJob(quietJob)->getValue<std::string>("status"));
		// A later result is delivered, so the silent one had its chance to go first.
		std::string reportJob = jobIdOf(_service->postHook("report", R"({"what": "x"})"));
		_service->waitForJob(reportJob);
		CPPUNIT_ASSERT(_telegram->waitForRequests(2));
		CPPUNIT_ASSERT(_callback->waitForRequests(2));
		Poco::Thread::sleep(300);
		for (const RecordedRequest& r: _telegram->requests()) CPPUNIT_ASSERT(textOf(r).find("silent") == std::string::npos);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), _telegram->count());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _matrix->count());
	}

	void testEmptyResultShowsItsStatus()
	{
		_service->taskFolder("empty", R"({"result": "", "shape": "error"})");
		_service->start();
		std::string jobId = jobIdOf(_service->postHook("empty", "{}"));
		CPPUNIT_ASSERT_EQUAL(std::string("error:exit_1"), _service->waitForJob(jobId)->getValue<std::string>("status"));
		CPPUNIT_ASSERT(_telegram->waitForRequests(1));
		CPPUNIT_ASSERT_EQUAL(std::string("**WEBHOOK (CRON TASK): Empty one**\n\n_error:exit_1_"), textOf(_telegram->requests().at(0)));
	}

	void testLongResultIsSplitAt4096Characters()
	{
		// 5000 characters of two bytes each: the header plus text is cut at exactly 4096 characters.
		std::string body;
		for (int i = 0; i < 5000; ++i) body += "\xC3\xA9";
		_service->taskFolder("long", "{\"result\": \"" + body + "\"}");
		_service->start();
		std::string jobId = jobIdOf(_service->postHook("long", "{}"));
		_service->waitForJob(jobId);
		CPPUNIT_ASSERT(_telegram->waitForRequests(4));
		std::vector<RecordedRequest> sent = _telegram->requests();
		const std::string full = "**WEBHOOK (CRON TASK): Long one**\n\n" + body;
		std::string first = textOf(sent[0]);
		std::string second = textOf(sent[1]);
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(501), sent[1].json()->getValue<Poco::Int64>("chat_id"));
		CPPUNIT_ASSERT(first + second == full);
		const std::size_t header = std::string("**WEBHOOK (CRON TASK): Long one**\n\n").size();
		CPPUNIT_ASSERT_EQUAL(header + 2 * (4096 - header), first.size());
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(502), sent[2].json()->getValue<Poco::Int64>("chat_id"));
		CPPUNIT_ASSERT(textOf(sent[2]) == first);
	}

	void testEmojiResultIsSplitAt4096UTF16Units()
	{
		// 3000 emoji outside the BMP (two UTF-16 units each): Telegram counts 4096
		// units, so the first message holds the header and (4096 - header) / 2 emoji.
		const std::string emoji = "\xF0\x9F\x9A\x80";
		std::string body;
		std::string escaped;
		for (int i = 0; i < 3000; ++i)
		{
			body += emoji;
			escaped += "\\ud83d\\ude80";
		}
		_service->taskFolder("long", "{\"result\": \"" + escaped + "\"}");
		_service->start();
		_service->waitForJob(jobIdOf(_service->postHook("long", "{}")));
		CPPUNIT_ASSERT(_telegram->waitForRequests(4));
		std::vector<RecordedRequest> sent = _telegram->requests();
		const std::string header = "**WEBHOOK (CRON TASK): Long one**\n\n";
		std::string first = textOf(sent[0]);
		std::string second = textOf(sent[1]);
		CPPUNIT_ASSERT(first + second == header + body);
		CPPUNIT_ASSERT_EQUAL(header.size() + 4 * ((4096 - header.size()) / 2), first.size());
		CPPUNIT_ASSERT(textOf(sent[2]) == first);
	}

	void testCallbackSignatureVerifiesIndependently()
	{
		_service->taskFolder("report", R"({"result": "signed result"})");
		_service->start();
		std::string jobId = jobIdOf(_service->postHook("report", R"({"what": "x"})"));
		_service->waitForJob(jobId);
		CPPUNIT_ASSERT(_callback->waitForRequests(1));
		RecordedRequest r = _callback->requests().at(0);
		CPPUNIT_ASSERT_EQUAL(std::string("POST"), r.method);
		CPPUNIT_ASSERT_EQUAL(std::string("/sygen-results"), r.uri);
		CPPUNIT_ASSERT(StandardWebhooksVerifier::verify(CALLBACK_SECRET, r.headers, r.body, Poco::Timestamp().epochTime()));
		Poco::JSON::Object::Ptr body = r.json();
		CPPUNIT_ASSERT_EQUAL(std::string("report"), body->getValue<std::string>("hook_id"));
		CPPUNIT_ASSERT_EQUAL(std::string("Nightly report"), body->getValue<std::string>("hook_title"));
		CPPUNIT_ASSERT_EQUAL(std::string("cron_task"), body->getValue<std::string>("mode"));
		CPPUNIT_ASSERT_EQUAL(jobId, body->getValue<std::string>("job_id"));
		CPPUNIT_ASSERT_EQUAL(std::string("success"), body->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("signed result"), body->getValue<std::string>("result_text"));
		CPPUNIT_ASSERT(body->has("duration_ms"));
		// The wrong key does not verify: the test's verifier is not a rubber stamp.
		CPPUNIT_ASSERT(!StandardWebhooksVerifier::verify("whsec_d3Jvbmcta2V5", r.headers, r.body, Poco::Timestamp().epochTime()));
	}

	void testCallbackIsRetriedAndSurvivesARestart()
	{
		std::atomic<int> answer(503);
		_callback->setResponder([&](const RecordedRequest&) {
			FakeReply r;
			r.status = answer.load();
			return r;
		});
		_service->taskFolder("report", R"({"result": "keep me"})");
		_service->start();
		std::string jobId = jobIdOf(_service->postHook("report", R"({"what": "x"})"));
		_service->waitForJob(jobId);
		CPPUNIT_ASSERT(_callback->waitForRequests(1));
		const std::string pendingDir = _service->stateDir() + "/callbacks";
		CPPUNIT_ASSERT(_service->waitFor([&] {
			std::vector<std::string> files;
			Poco::File(pendingDir).list(files);
			return files.size() == 1;
		}));
		_service->stop();
		CPPUNIT_ASSERT_EQUAL(0, _service->exitCode());

		answer = 200;
		_service->start();
		// The first retry comes 2 s after the failed attempt; it is the same message.
		CPPUNIT_ASSERT(_callback->waitForRequests(2, Poco::Timespan(20, 0)));
		std::vector<RecordedRequest> reqs = _callback->requests();
		CPPUNIT_ASSERT_EQUAL(reqs[0].headers.get("webhook-id"), reqs.back().headers.get("webhook-id"));
		CPPUNIT_ASSERT(
			StandardWebhooksVerifier::verify(CALLBACK_SECRET, reqs.back().headers, reqs.back().body, Poco::Timestamp().epochTime()));
		CPPUNIT_ASSERT(_service->waitFor([&] {
			std::vector<std::string> files;
			Poco::File(pendingDir).list(files);
			return files.empty();
		}));
	}

	void testSecretsNeverInTheLog()
	{
		_telegram->setResponder([](const RecordedRequest&) {
			FakeReply r;
			r.status = 401;
			r.body = R"({"ok":false,"error_code":401,"description":"Unauthorized"})";
			return r;
		});
		_matrix->setResponder([](const RecordedRequest&) {
			FakeReply r;
			r.status = 401;
			r.body = R"({"errcode":"M_UNKNOWN_TOKEN","error":"Invalid access token"})";
			return r;
		});
		_callback->setResponder([](const RecordedRequest&) {
			FakeReply r;
			r.status = 500;
			return r;
		});
		_service->taskFolder("report", R"({"result": "x"})");
		_service->start({"--log-level", "debug"});
		std::string jobId = jobIdOf(_service->postHook("report", R"({"what": "x"})"));
		_service->waitForJob(jobId);
		CPPUNIT_ASSERT(_matrix->waitForRequests(1));
		CPPUNIT_ASSERT(_callback->waitForRequests(1));
		CPPUNIT_ASSERT(_service->waitFor([&] { return _service->log().find("M_UNKNOWN_TOKEN") != std::string::npos; }));
		_service->stop();
		const std::string log = _service->log();
		CPPUNIT_ASSERT(log.find("Unauthorized") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(log, log.find(BOT_TOKEN) == std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(log, log.find("integration-bot-token") == std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(log, log.find(MATRIX_TOKEN) == std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(log, log.find(CALLBACK_SECRET.substr(6)) == std::string::npos);
	}

private:
	std::unique_ptr<FakeHTTPServer> _telegram;
	std::unique_ptr<FakeHTTPServer> _matrix;
	std::unique_ptr<FakeHTTPServer> _callback;
	std::unique_ptr<ServiceFixture> _service;
};

CPPUNIT_TEST_SUITE_REGISTRATION(DeliveryTest);
