//
// ResultCallbackQueueTest.cpp
//
// The receiver is a real HTTP server in the test process; time is a ManualClock
// and attempts are driven with processDue(), so no test sleeps through a backoff.
//

#include "results/ResultCallbackQueue.h"
#include "FakeHTTPServer.h"
#include "LogCapture.h"
#include "StandardWebhooksVerifier.h"
#include "TestSupport.h"
#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <atomic>
#include <cppunit/extensions/HelperMacros.h>
#include <sys/stat.h>

using Sygen::ConfigError;
using Sygen::ManualClock;
using Sygen::ResultCallbackQueue;
using Sygen::WebhookResult;
using Sygen::Test::FakeHTTPServer;
using Sygen::Test::FakeReply;
using Sygen::Test::LogCapture;
using Sygen::Test::RecordedRequest;
using Sygen::Test::StandardWebhooksVerifier;
using Sygen::Test::TempDir;

namespace {

// base64 of "callback-test-key-0123456789abcdef"
const std::string SECRET = "whsec_Y2FsbGJhY2stdGVzdC1rZXktMDEyMzQ1Njc4OWFiY2RlZg==";
const long long T0 = 1767225600; // 2026-01-01T00:00:00Z

WebhookResult result(const std::string& jobId = "job-1")
{
	WebhookResult r;
	r.jobId = jobId;
	r.hookId = "deploy";
	r.hookTitle = "Deploy \"prod\"";
	r.mode = "cron_task";
	r.status = "success";
	r.resultText = "Done \xE2\x9C\x93\nline 2";
	r.durationMs = 1234;
	return r;
}

FakeReply status(int code)
{
	FakeReply r;
	r.status = code;
	return r;
}

std::size_t filesIn(const std::string& dir, const std::string& suffix = ".json")
{
	std::size_t n = 0;
	for (Poco::DirectoryIterator it(dir), end; it != end; ++it)
	{
		const std::string name = it.name();
		if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) ++n;
	}
	return n;
}

} // namespace

class ResultCallbackQueueTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ResultCallbackQueueTest);
	CPPUNIT_TEST(testBodyHasTheSpecFieldsInOrder);
	CPPUNIT_TEST(testSignatureVerifiesIndependently);
	CPPUNIT_TEST(testBackoffScheduleThenGiveUp);
	CPPUNIT_TEST(testEveryAttemptIsSignedAnewWithTheSameId);
	CPPUNIT_TEST(testPendingDeliverySurvivesRestart);
	CPPUNIT_TEST(testFilesArePrivate);
	CPPUNIT_TEST(testUnreadableFileIsSetAside);
	CPPUNIT_TEST(testEmptySecretSendsUnsigned);
	CPPUNIT_TEST(testValidateNamesTheKey);
	CPPUNIT_TEST(testThreadDeliversInTheBackground);
	CPPUNIT_TEST(testSecretNeverLogged);
	CPPUNIT_TEST_SUITE_END();

public:
	ResultCallbackQueue::Options options(const FakeHTTPServer& server, const TempDir& dir, int attempts = 4)
	{
		ResultCallbackQueue::Options o;
		o.url = server.baseUrl() + "/results?src=sygen";
		o.secret = SECRET;
		o.directory = dir.path() + "/callbacks";
		o.maxAttempts = attempts;
		o.initialDelay = Poco::Timespan(2, 0);
		o.maxDelay = Poco::Timespan(5, 0);
		o.requestTimeout = Poco::Timespan(5, 0);
		return o;
	}

	void testBodyHasTheSpecFieldsInOrder()
	{
		CPPUNIT_ASSERT_EQUAL(
			std::string("{\"hook_id\":\"deploy\",\"hook_title\":\"Deploy \\\"prod\\\"\",\"mode\":\"cron_task\","
						"\"job_id\":\"job-1\",\"status\":\"success\",\"result_text\":\"Done \xE2\x9C\x93\\nline 2\",\"duration_ms\":1234}"),
			ResultCallbackQueue::body(result()));
	}

	void testSignatureVerifiesIndependently()
	{
		TempDir dir;
		FakeHTTPServer server;
		ManualClock clock(Poco::Timestamp::fromEpochTime(T0));
		ResultCallbackQueue queue(options(server, dir), clock);
		queue.load();
		queue.enqueue(result());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), queue.pending());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), queue.processDue());
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), queue.pending());
		RecordedRequest r = server.requests().at(0);
		CPPUNIT_ASSERT_EQUAL(std::string("POST"), r.method);
		CPPUNIT_ASSERT_EQUAL(std::string("/results?src=sygen"), r.uri);
		CPPUNIT_ASSERT_EQUAL(ResultCallbackQueue::body(result()), r.body);
		CPPUNIT_ASSERT_EQUAL(std::to_string(T0), r.headers.get("webhook-timestamp"));
		CPPUNIT_ASSERT(r.headers.get("webhook-id").compare(0, 4, "msg_") == 0);
		CPPUNIT_ASSERT(r.headers.get("webhook-signature").compare(0, 3, "v1,") == 0);
		CPPUNIT_ASSERT(StandardWebhooksVerifier::verify(SECRET, r.headers, r.body, T0));
		CPPUNIT_ASSERT(!StandardWebhooksVerifier::verify(SECRET, r.headers, r.body + " ", T0));
		CPPUNIT_ASSERT(!StandardWebhooksVerifier::verify("whsec_b3RoZXIta2V5", r.headers, r.body, T0));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), filesIn(dir.path() + "/callbacks"));
	}

	void testBackoffScheduleThenGiveUp()
	{
		TempDir dir;
		FakeHTTPServer server([](const RecordedRequest&) { return status(500); });
		ManualClock clock(Poco::Timestamp::fromEpochTime(T0));
		LogCapture log({"Sygen.ResultCallbackQueue"});
		ResultCallbackQueue queue(options(server, dir, 5), clock);
		queue.load();
		queue.enqueue(result("job-x"));
		// Attempts at 0, +2, +4, +5 (capped), +5 s; then given up.
		const int expectedGaps[] = {2, 4, 5, 5};
		long long t = T0;
		for (int attempt = 1; attempt <= 5; ++attempt)
		{
			CPPUNIT_ASSERT_EQUAL(std::size_t(1), queue.processDue());
			CPPUNIT_ASSERT_EQUAL(std::size_t(attempt), server.count());
			if (attempt == 5) break;
			int gap = expectedGaps[attempt - 1];
			CPPUNIT_ASSERT(queue.nextDue().has_value());
			CPPUNIT_ASSERT_EQUAL(static_cast<std::time_t>(t + gap), queue.nextDue()->epochTime());
			clock.set(Poco::Timestamp::fromEpochTime(t + gap - 1));
			CPPUNIT_ASSERT_EQUAL(std::size_t(0), queue.processDue());
			t += gap;
			clock.set(Poco::Timestamp::fromEpochTime(t));
		}
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), queue.pending());
		CPPUNIT_ASSERT(!queue.nextDue().has_value());
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), filesIn(dir.path() + "/callbacks"));
		CPPUNIT_ASSERT(log.contains("given up after 5 attempts: HTTP 500"));
		CPPUNIT_ASSERT(log.contains("job_id=job-x"));
		CPPUNIT_ASSERT(log.contains("hook_id=deploy"));
	}

	void testEveryAttemptIsSignedAnewWithTheSameId()
	{
		TempDir dir;
		std::atomic<int> calls(0);
		FakeHTTPServer server([&](const RecordedRequest&) { return status(calls++ == 0 ? 502 : 204); });
		ManualClock clock(Poco::Timestamp::fromEpochTime(T0));
		ResultCallbackQueue queue(options(server, dir), clock);
		queue.load();
		queue.enqueue(result());
		queue.processDue();
		clock.advanceSeconds(2);
		queue.processDue();
		std::vector<RecordedRequest> reqs = server.requests();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), reqs.size());
		CPPUNIT_ASSERT_EQUAL(reqs[0].headers.get("webhook-id"), reqs[1].headers.get("webhook-id"));
		CPPUNIT_ASSERT_EQUAL(std::to_string(T0 + 2), reqs[1].headers.get("webhook-timestamp"));
		CPPUNIT_ASSERT(StandardWebhooksVerifier::verify(SECRET, reqs[1].headers, reqs[1].body, T0 + 2));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), queue.pending());
	}

	void testPendingDeliverySurvivesRestart()
	{
		TempDir dir;
		std::atomic<int> code(503);
		FakeHTTPServer server([&](const RecordedRequest&) { return status(code.load()); });
		ManualClock clock(Poco::Timestamp::fromEpochTime(T0));
		std::string firstId;
		{
			ResultCallbackQueue queue(options(server, dir), clock);
			queue.load();
			queue.enqueue(result("job-restart"));
			queue.processDue();
			firstId = server.requests().at(0).headers.get("webhook-id");
			CPPUNIT_ASSERT_EQUAL(std::size_t(1), filesIn(dir.path() + "/callbacks"));
		}
		code = 200;
		ResultCallbackQueue again(options(server, dir), clock);
		again.load();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), again.pending());
		CPPUNIT_ASSERT_EQUAL(static_cast<std::time_t>(T0 + 2), again.nextDue()->epochTime());
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), again.processDue());
		clock.advanceSeconds(2);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), again.processDue());
		RecordedRequest last = server.requests().at(1);
		CPPUNIT_ASSERT_EQUAL(firstId, last.headers.get("webhook-id"));
		CPPUNIT_ASSERT(last.body.find("\"job_id\":\"job-restart\"") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), again.pending());
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), filesIn(dir.path() + "/callbacks"));
	}

	void testFilesArePrivate()
	{
		TempDir dir;
		FakeHTTPServer server([](const RecordedRequest&) { return status(500); });
		ManualClock clock(Poco::Timestamp::fromEpochTime(T0));
		ResultCallbackQueue queue(options(server, dir), clock);
		queue.enqueue(result());
		struct stat st;
		CPPUNIT_ASSERT_EQUAL(0, ::stat((dir.path() + "/callbacks").c_str(), &st));
		CPPUNIT_ASSERT_EQUAL(0700, static_cast<int>(st.st_mode & 0777));
		for (Poco::DirectoryIterator it(dir.path() + "/callbacks"), end; it != end; ++it)
		{
			CPPUNIT_ASSERT_EQUAL(0, ::stat(it->path().c_str(), &st));
			CPPUNIT_ASSERT_EQUAL(0600, static_cast<int>(st.st_mode & 0777));
		}
	}

	void testUnreadableFileIsSetAside()
	{
		TempDir dir;
		FakeHTTPServer server;
		Sygen::Test::writeFile(dir.path() + "/callbacks/msg_0123.json", "{not json");
		LogCapture log({"Sygen.ResultCallbackQueue"});
		ResultCallbackQueue queue(options(server, dir));
		queue.load();
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), queue.pending());
		CPPUNIT_ASSERT(Poco::File(dir.path() + "/callbacks/msg_0123.json.bad").exists());
		CPPUNIT_ASSERT(log.contains("unreadable"));
	}

	void testEmptySecretSendsUnsigned()
	{
		TempDir dir;
		FakeHTTPServer server;
		ManualClock clock(Poco::Timestamp::fromEpochTime(T0));
		ResultCallbackQueue::Options o = options(server, dir);
		o.secret = "";
		ResultCallbackQueue queue(o, clock);
		queue.enqueue(result());
		queue.processDue();
		RecordedRequest r = server.requests().at(0);
		CPPUNIT_ASSERT(!r.headers.has("webhook-signature"));
		CPPUNIT_ASSERT_EQUAL(std::to_string(T0), r.headers.get("webhook-timestamp"));
		CPPUNIT_ASSERT(r.headers.has("webhook-id"));
	}

	void testValidateNamesTheKey()
	{
		Sygen::Config::ResultCallback c;
		ResultCallbackQueue::validate(c);
		c.url = "ftp://example.org/x";
		try
		{
			ResultCallbackQueue::validate(c);
			CPPUNIT_FAIL("no exception");
		}
		catch (ConfigError& exc)
		{
			CPPUNIT_ASSERT(exc.message().find("webhooks.result_callback.url") == 0);
		}
		c.url = "https://example.org/hook";
		c.secret = "whsec_not base64!";
		try
		{
			ResultCallbackQueue::validate(c);
			CPPUNIT_FAIL("no exception");
		}
		catch (ConfigError& exc)
		{
			CPPUNIT_ASSERT(exc.message().find("webhooks.result_callback.secret") == 0);
			CPPUNIT_ASSERT(exc.message().find("not base64") == std::string::npos);
		}
		c.secret = SECRET;
		ResultCallbackQueue::validate(c);
	}

	void testThreadDeliversInTheBackground()
	{
		TempDir dir;
		FakeHTTPServer server;
		ResultCallbackQueue queue(options(server, dir));
		queue.start();
		queue.enqueue(result("bg"));
		CPPUNIT_ASSERT(server.waitForRequests(1, Poco::Timespan(10, 0)));
		RecordedRequest r = server.requests().at(0);
		CPPUNIT_ASSERT(StandardWebhooksVerifier::verify(SECRET, r.headers, r.body, Poco::Timestamp().epochTime()));
		queue.stop();
	}

	void testSecretNeverLogged()
	{
		TempDir dir;
		FakeHTTPServer server([](const RecordedRequest&) { return status(401); });
		ManualClock clock(Poco::Timestamp::fromEpochTime(T0));
		LogCapture log({"Sygen.ResultCallbackQueue"});
		ResultCallbackQueue queue(options(server, dir, 2), clock);
		queue.enqueue(result());
		queue.processDue();
		clock.advanceSeconds(10);
		queue.processDue();
		CPPUNIT_ASSERT(log.contains("given up"));
		CPPUNIT_ASSERT_MESSAGE(log.text(), !log.contains(SECRET.substr(6, 20)));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ResultCallbackQueueTest);
