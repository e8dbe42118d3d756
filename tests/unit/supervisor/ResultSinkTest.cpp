//
// ResultSinkTest.cpp
//
// Telegram, Matrix and the callback receiver are real HTTP servers in the test process.
//

#include "results/ResultSink.h"
#include "FakeHTTPServer.h"
#include "LogCapture.h"
#include "StandardWebhooksVerifier.h"
#include "TestSupport.h"
#include <Poco/Stopwatch.h>
#include <cppunit/extensions/HelperMacros.h>

using Sygen::ConfigError;
using Sygen::DeliverySettings;
using Sygen::ResultSink;
using Sygen::WebhookResult;
using Sygen::Test::FakeHTTPServer;
using Sygen::Test::FakeReply;
using Sygen::Test::LogCapture;
using Sygen::Test::RecordedRequest;
using Sygen::Test::StandardWebhooksVerifier;
using Sygen::Test::TempDir;

namespace {

const std::string BOT_TOKEN = "999:bot-token-for-sink-tests";
const std::string MATRIX_TOKEN = "syt_sink_matrix_token";
const std::string SECRET = "whsec_Y2FsbGJhY2stdGVzdC1rZXktMDEyMzQ1Njc4OWFiY2RlZg==";

WebhookResult cron(const std::string& jobId, const std::string& status, const std::string& text)
{
	WebhookResult r;
	r.jobId = jobId;
	r.hookId = "report";
	r.hookTitle = "Daily report";
	r.mode = "cron_task";
	r.status = status;
	r.resultText = text;
	r.durationMs = 10;
	return r;
}

struct Servers
{
	FakeHTTPServer telegram{[](const RecordedRequest&) { return FakeHTTPServer::telegramOk(); }};
	FakeHTTPServer matrix{[](const RecordedRequest&) { return FakeHTTPServer::matrixOk(); }};
	FakeHTTPServer callback;
	TempDir state;

	DeliverySettings delivery(bool withMatrix = true) const
	{
		DeliverySettings d;
		d.allowedUserIds = {"111", "222"};
		d.telegramToken = BOT_TOKEN;
		d.telegramApiBase = telegram.baseUrl();
		if (withMatrix)
		{
			d.matrixHomeserver = matrix.baseUrl();
			d.matrixAccessToken = MATRIX_TOKEN;
			d.matrixRoomIds = {"!room:example.org"};
		}
		return d;
	}

	ResultSink::Options options(bool withCallback = true) const
	{
		ResultSink::Options o;
		o.retry.initialDelay = Poco::Timespan(0, 1000);
		o.retry.maxDelay = Poco::Timespan(0, 1000);
		if (withCallback)
		{
			o.callback.url = callback.baseUrl() + "/cb";
			o.callback.secret = SECRET;
			o.callback.directory = state.path() + "/callbacks";
		}
		return o;
	}
};

std::string textOf(const RecordedRequest& r)
{
	return r.json()->getValue<std::string>("text");
}

} // namespace

class ResultSinkTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ResultSinkTest);
	CPPUNIT_TEST(testBroadcastsToEveryChatInOrderAndEveryRoom);
	CPPUNIT_TEST(testEmptyTextBroadcastsTheStatus);
	CPPUNIT_TEST(testSilentExceptionNotFoundAndWakeAreNotBroadcast);
	CPPUNIT_TEST(testCallbackForEveryResult);
	CPPUNIT_TEST(testSubmitNeverWaitsForTheNetwork);
	CPPUNIT_TEST(testFullQueueDropsWithALog);
	CPPUNIT_TEST(testFailingChatDoesNotStopTheOthers);
	CPPUNIT_TEST(testStopCutsARetryWaitShort);
	CPPUNIT_TEST(testInvalidCallbackSecretIsAConfigError);
	CPPUNIT_TEST(testOptionsFromConfig);
	CPPUNIT_TEST_SUITE_END();

public:
	void testBroadcastsToEveryChatInOrderAndEveryRoom()
	{
		Servers s;
		ResultSink sink(s.delivery(), s.options(false));
		sink.start();
		sink.submit(cron("j1", "success", "All systems nominal."));
		CPPUNIT_ASSERT(sink.waitIdle(Poco::Timespan(10, 0)));
		const std::string expected = "**WEBHOOK (CRON TASK): Daily report**\n\nAll systems nominal.";
		std::vector<RecordedRequest> tg = s.telegram.requests();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), tg.size());
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(111), tg[0].json()->getValue<Poco::Int64>("chat_id"));
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(222), tg[1].json()->getValue<Poco::Int64>("chat_id"));
		CPPUNIT_ASSERT_EQUAL(expected, textOf(tg[0]));
		CPPUNIT_ASSERT_EQUAL(expected, textOf(tg[1]));
		std::vector<RecordedRequest> mx = s.matrix.requests();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), mx.size());
		CPPUNIT_ASSERT_EQUAL(expected, mx[0].json()->getValue<std::string>("body"));
	}

	void testEmptyTextBroadcastsTheStatus()
	{
		Servers s;
		ResultSink sink(s.delivery(false), s.options(false));
		sink.start();
		sink.submit(cron("j1", "error:timeout", ""));
		CPPUNIT_ASSERT(sink.waitIdle(Poco::Timespan(10, 0)));
		CPPUNIT_ASSERT_EQUAL(std::string("**WEBHOOK (CRON TASK): Daily report**\n\n_error:timeout_"), textOf(s.telegram.requests().at(0)));
	}

	void testSilentExceptionNotFoundAndWakeAreNotBroadcast()
	{
		Servers s;
		ResultSink sink(s.delivery(), s.options(false));
		sink.start();
		sink.submit(cron("a", "success", "  [silent] nothing to report"));
		sink.submit(cron("b", "error:exception", ""));
		sink.submit(cron("c", "error:not_found", ""));
		WebhookResult wake = cron("d", "success", "wake reply");
		wake.mode = "wake";
		wake.delivered = true;
		sink.submit(wake);
		sink.submit(cron("e", "success", "visible"));
		CPPUNIT_ASSERT(sink.waitIdle(Poco::Timespan(10, 0)));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), s.telegram.count());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), s.matrix.count());
		CPPUNIT_ASSERT(textOf(s.telegram.requests()[0]).find("visible") != std::string::npos);
	}

	void testCallbackForEveryResult()
	{
		Servers s;
		ResultSink sink(s.delivery(), s.options(true));
		CPPUNIT_ASSERT(sink.callbackEnabled());
		sink.start();
		sink.submit(cron("a", "success", "[SILENT] quiet"));
		sink.submit(cron("b", "error:exception", ""));
		CPPUNIT_ASSERT(s.callback.waitForRequests(2, Poco::Timespan(10, 0)));
		for (const RecordedRequest& r: s.callback.requests())
		{
			CPPUNIT_ASSERT(StandardWebhooksVerifier::verify(SECRET, r.headers, r.body, Poco::Timestamp().epochTime()));
		}
		CPPUNIT_ASSERT(sink.waitIdle(Poco::Timespan(10, 0)));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), s.telegram.count());
	}

	void testSubmitNeverWaitsForTheNetwork()
	{
		Servers s;
		s.telegram.setResponder([](const RecordedRequest&) {
			FakeReply r = FakeHTTPServer::telegramOk();
			r.delaySeconds = 1;
			return r;
		});
		ResultSink sink(s.delivery(false), s.options(false));
		sink.start();
		Poco::Stopwatch watch;
		watch.start();
		for (int i = 0; i < 5; ++i) sink.submit(cron("j" + std::to_string(i), "success", "x"));
		CPPUNIT_ASSERT(watch.elapsed() < 500000);
		sink.stop();
	}

	void testFullQueueDropsWithALog()
	{
		Servers s;
		s.telegram.setResponder([](const RecordedRequest&) {
			FakeReply r = FakeHTTPServer::telegramOk();
			r.delaySeconds = 0.5;
			return r;
		});
		ResultSink::Options o = s.options(false);
		o.queueCapacity = 2;
		LogCapture log({"Sygen.ResultSink"});
		ResultSink sink(s.delivery(false), o);
		sink.start();
		for (int i = 0; i < 6; ++i) sink.submit(cron("j" + std::to_string(i), "success", "x"));
		CPPUNIT_ASSERT(log.contains("broadcast dropped"));
		sink.stop();
	}

	void testFailingChatDoesNotStopTheOthers()
	{
		Servers s;
		s.telegram.setResponder([](const RecordedRequest& r) {
			if (r.json()->getValue<Poco::Int64>("chat_id") == 111)
			{
				FakeReply reply;
				reply.status = 403;
				reply.body = R"({"ok":false,"description":"Forbidden: bot was blocked by the user"})";
				return reply;
			}
			return FakeHTTPServer::telegramOk();
		});
		LogCapture log({"Sygen.ResultSink", "Sygen.TelegramTransport"});
		ResultSink sink(s.delivery(), s.options(false));
		sink.start();
		sink.submit(cron("j1", "success", "hi"));
		CPPUNIT_ASSERT(sink.waitIdle(Poco::Timespan(10, 0)));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), s.telegram.count());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), s.matrix.count());
		CPPUNIT_ASSERT(log.contains("broadcast to 2 of 3 chats"));
		CPPUNIT_ASSERT(log.contains("bot was blocked"));
		CPPUNIT_ASSERT(!log.contains(BOT_TOKEN));
		CPPUNIT_ASSERT(!log.contains(MATRIX_TOKEN));
	}

	void testStopCutsARetryWaitShort()
	{
		Servers s;
		s.telegram.setResponder([](const RecordedRequest&) {
			FakeReply r;
			r.status = 429;
			r.body = R"({"ok":false,"parameters":{"retry_after":120}})";
			return r;
		});
		ResultSink sink(s.delivery(false), s.options(false));
		sink.start();
		sink.submit(cron("j1", "success", "x"));
		CPPUNIT_ASSERT(s.telegram.waitForRequests(1));
		Poco::Stopwatch watch;
		watch.start();
		sink.stop();
		CPPUNIT_ASSERT(watch.elapsed() < 5000000);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), s.telegram.count());
	}

	void testInvalidCallbackSecretIsAConfigError()
	{
		Servers s;
		ResultSink::Options o = s.options(true);
		o.callback.secret = "plain words";
		CPPUNIT_ASSERT_THROW(ResultSink(s.delivery(), o), ConfigError);
	}

	void testOptionsFromConfig()
	{
		Sygen::Config config;
		config.paths.stateDir = "/var/lib/x/webhook-state";
		config.webhooks.resultCallback.url = "https://example.org/cb";
		config.webhooks.resultCallback.secret = SECRET;
		ResultSink::Options o = ResultSink::optionsFrom(config);
		CPPUNIT_ASSERT_EQUAL(std::string("https://example.org/cb"), o.callback.url);
		CPPUNIT_ASSERT_EQUAL(SECRET, o.callback.secret);
		CPPUNIT_ASSERT_EQUAL(std::string("/var/lib/x/webhook-state/callbacks"), o.callback.directory);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ResultSinkTest);
