//
// TelegramTransportTest.cpp
//
// The Bot API side is a real HTTP server in the test process.
//

#include "Sygen/Delivery/TelegramTransport.h"
#include "FakeHTTPServer.h"
#include "LogCapture.h"
#include <atomic>
#include <cppunit/extensions/HelperMacros.h>

using Sygen::RetryPolicy;
using Sygen::TelegramTransport;
using Sygen::Test::FakeHTTPServer;
using Sygen::Test::FakeReply;
using Sygen::Test::LogCapture;
using Sygen::Test::RecordedRequest;

namespace {

const std::string TOKEN = "123456:AAH-secret-bot-token_xyz";

struct Sleeps
{
	std::vector<Poco::Timespan> waits;
	RetryPolicy policy(int attempts = 5)
	{
		RetryPolicy p;
		p.maxAttempts = attempts;
		p.sleep = [this](const Poco::Timespan& t) {
			waits.push_back(t);
			return true;
		};
		return p;
	}
};

std::string repeat(const std::string& s, std::size_t n)
{
	std::string out;
	for (std::size_t i = 0; i < n; ++i) out += s;
	return out;
}

} // namespace

class TelegramTransportTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(TelegramTransportTest);
	CPPUNIT_TEST(testSendsChatIdAndTextToSendMessage);
	CPPUNIT_TEST(testApiBaseTrailingSlashIsIgnored);
	CPPUNIT_TEST(testNonNumericChatIdStaysAString);
	CPPUNIT_TEST(testLongTextIsSplitInOrder);
	CPPUNIT_TEST(testEmojiCountTwoUnitsTowardsTheLimit);
	CPPUNIT_TEST(testEmptyTextSendsNothing);
	CPPUNIT_TEST(testHonoursRetryAfterOf429);
	CPPUNIT_TEST(testRetriesServerErrorsWithBackoffAndGivesUp);
	CPPUNIT_TEST(testClientErrorIsFinal);
	CPPUNIT_TEST(testFailedPartStopsTheRest);
	CPPUNIT_TEST(testFollowsSupergroupMigration);
	CPPUNIT_TEST(testUnreachableServerIsRetried);
	CPPUNIT_TEST(testNoTokenIsNotConfigured);
	CPPUNIT_TEST(testTokenNeverLogged);
	CPPUNIT_TEST_SUITE_END();

public:
	void testSendsChatIdAndTextToSendMessage()
	{
		FakeHTTPServer server([](const RecordedRequest&) { return FakeHTTPServer::telegramOk(); });
		Sleeps sleeps;
		TelegramTransport telegram(server.baseUrl(), TOKEN, sleeps.policy());
		CPPUNIT_ASSERT(telegram.configured());
		CPPUNIT_ASSERT(telegram.send("4242", "Hello *world*", "h1", "j1"));
		std::vector<RecordedRequest> reqs = server.requests();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), reqs.size());
		CPPUNIT_ASSERT_EQUAL(std::string("POST"), reqs[0].method);
		CPPUNIT_ASSERT_EQUAL("/bot" + TOKEN + "/sendMessage", reqs[0].uri);
		CPPUNIT_ASSERT(reqs[0].headers.get("Content-Type").find("application/json") == 0);
		Poco::JSON::Object::Ptr body = reqs[0].json();
		CPPUNIT_ASSERT(body->get("chat_id").isInteger());
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(4242), body->getValue<Poco::Int64>("chat_id"));
		CPPUNIT_ASSERT_EQUAL(std::string("Hello *world*"), body->getValue<std::string>("text"));
		CPPUNIT_ASSERT(!body->has("parse_mode"));
		CPPUNIT_ASSERT(sleeps.waits.empty());
	}

	void testApiBaseTrailingSlashIsIgnored()
	{
		FakeHTTPServer server([](const RecordedRequest&) { return FakeHTTPServer::telegramOk(); });
		TelegramTransport telegram(server.baseUrl() + "/", TOKEN);
		CPPUNIT_ASSERT(telegram.send("-100123", "x"));
		CPPUNIT_ASSERT_EQUAL("/bot" + TOKEN + "/sendMessage", server.requests()[0].uri);
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(-100123), server.requests()[0].json()->getValue<Poco::Int64>("chat_id"));
	}

	void testNonNumericChatIdStaysAString()
	{
		FakeHTTPServer server([](const RecordedRequest&) { return FakeHTTPServer::telegramOk(); });
		TelegramTransport telegram(server.baseUrl(), TOKEN);
		CPPUNIT_ASSERT(telegram.send("@mychannel", "x"));
		CPPUNIT_ASSERT_EQUAL(std::string("@mychannel"), server.requests()[0].json()->getValue<std::string>("chat_id"));
	}

	void testLongTextIsSplitInOrder()
	{
		FakeHTTPServer server([](const RecordedRequest&) { return FakeHTTPServer::telegramOk(); });
		TelegramTransport telegram(server.baseUrl(), TOKEN);
		// 4096 two-byte characters, then 4096 'b', then "tail": three messages.
		std::string first = repeat("\xC3\xA9", 4096);
		std::string second = repeat("b", 4096);
		CPPUNIT_ASSERT(telegram.send("1", first + second + "tail"));
		std::vector<RecordedRequest> reqs = server.requests();
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), reqs.size());
		CPPUNIT_ASSERT(reqs[0].json()->getValue<std::string>("text") == first);
		CPPUNIT_ASSERT(reqs[1].json()->getValue<std::string>("text") == second);
		CPPUNIT_ASSERT_EQUAL(std::string("tail"), reqs[2].json()->getValue<std::string>("text"));
	}

	void testEmojiCountTwoUnitsTowardsTheLimit()
	{
		// Telegram counts 4096 UTF-16 code units: 3000 emoji (6000 units) are two
		// messages of 2048 and 952 emoji, never one of 3000 that Telegram refuses.
		FakeHTTPServer server([](const RecordedRequest&) { return FakeHTTPServer::telegramOk(); });
		TelegramTransport telegram(server.baseUrl(), TOKEN);
		const std::string emoji = "\xF0\x9F\x98\x80";
		CPPUNIT_ASSERT(telegram.send("1", repeat(emoji, 3000)));
		std::vector<RecordedRequest> reqs = server.requests();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), reqs.size());
		CPPUNIT_ASSERT(reqs[0].json()->getValue<std::string>("text") == repeat(emoji, 2048));
		CPPUNIT_ASSERT(reqs[1].json()->getValue<std::string>("text") == repeat(emoji, 952));
	}

	void testEmptyTextSendsNothing()
	{
		FakeHTTPServer server;
		TelegramTransport telegram(server.baseUrl(), TOKEN);
		CPPUNIT_ASSERT(telegram.send("1", ""));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), server.count());
	}

	void testHonoursRetryAfterOf429()
	{
		std::atomic<int> calls(0);
		FakeHTTPServer server([&](const RecordedRequest&) {
			if (calls++ == 0)
			{
				FakeReply r;
				r.status = 429;
				r.body =
					R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 17","parameters":{"retry_after":17}})";
				return r;
			}
			return FakeHTTPServer::telegramOk();
		});
		Sleeps sleeps;
		TelegramTransport telegram(server.baseUrl(), TOKEN, sleeps.policy());
		CPPUNIT_ASSERT(telegram.send("1", "hi"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), server.count());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), sleeps.waits.size());
		CPPUNIT_ASSERT_EQUAL(17, sleeps.waits[0].totalSeconds());
	}

	void testRetriesServerErrorsWithBackoffAndGivesUp()
	{
		FakeHTTPServer server([](const RecordedRequest&) {
			FakeReply r;
			r.status = 502;
			r.body = "<html>bad gateway</html>";
			return r;
		});
		Sleeps sleeps;
		LogCapture log({"Sygen.TelegramTransport"});
		TelegramTransport telegram(server.baseUrl(), TOKEN, sleeps.policy(4));
		CPPUNIT_ASSERT(!telegram.send("77", "hi", "hook-a", "job-b"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), server.count());
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), sleeps.waits.size());
		CPPUNIT_ASSERT_EQUAL(1, sleeps.waits[0].seconds());
		CPPUNIT_ASSERT_EQUAL(2, sleeps.waits[1].seconds());
		CPPUNIT_ASSERT_EQUAL(4, sleeps.waits[2].seconds());
		CPPUNIT_ASSERT(log.contains("giving up"));
		CPPUNIT_ASSERT(log.contains("hook_id=hook-a"));
		CPPUNIT_ASSERT(log.contains("job_id=job-b"));
		CPPUNIT_ASSERT(log.contains("HTTP 502"));
	}

	void testClientErrorIsFinal()
	{
		FakeHTTPServer server([](const RecordedRequest&) {
			FakeReply r;
			r.status = 400;
			r.body = R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})";
			return r;
		});
		Sleeps sleeps;
		LogCapture log({"Sygen.TelegramTransport"});
		TelegramTransport telegram(server.baseUrl(), TOKEN, sleeps.policy());
		CPPUNIT_ASSERT(!telegram.send("5", "hi"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.count());
		CPPUNIT_ASSERT(sleeps.waits.empty());
		CPPUNIT_ASSERT(log.contains("chat not found"));
	}

	void testFailedPartStopsTheRest()
	{
		std::atomic<int> calls(0);
		FakeHTTPServer server([&](const RecordedRequest&) {
			if (calls++ == 1)
			{
				FakeReply r;
				r.status = 403;
				r.body = R"({"ok":false,"description":"Forbidden: bot was blocked by the user"})";
				return r;
			}
			return FakeHTTPServer::telegramOk();
		});
		TelegramTransport telegram(server.baseUrl(), TOKEN);
		CPPUNIT_ASSERT(!telegram.send("5", repeat("a", 3 * 4096)));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), server.count());
	}

	void testFollowsSupergroupMigration()
	{
		FakeHTTPServer server([](const RecordedRequest& r) {
			if (r.json()->getValue<Poco::Int64>("chat_id") == -42)
			{
				FakeReply reply;
				reply.status = 400;
				reply.body =
					R"({"ok":false,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1001234}})";
				return reply;
			}
			return FakeHTTPServer::telegramOk();
		});
		Sleeps sleeps;
		TelegramTransport telegram(server.baseUrl(), TOKEN, sleeps.policy());
		CPPUNIT_ASSERT(telegram.send("-42", "hi"));
		std::vector<RecordedRequest> reqs = server.requests();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), reqs.size());
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(-1001234), reqs[1].json()->getValue<Poco::Int64>("chat_id"));
	}

	void testUnreachableServerIsRetried()
	{
		int port;
		{
			FakeHTTPServer gone;
			port = gone.port();
		}
		Sleeps sleeps;
		LogCapture log({"Sygen.TelegramTransport"});
		TelegramTransport telegram("http://127.0.0.1:" + std::to_string(port), TOKEN, sleeps.policy(3));
		CPPUNIT_ASSERT(!telegram.send("5", "hi", "h", "j"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), sleeps.waits.size());
		CPPUNIT_ASSERT(log.contains("127.0.0.1:" + std::to_string(port)));
		CPPUNIT_ASSERT(!log.contains("sendMessage/"));
		CPPUNIT_ASSERT(!log.contains("/bot"));
	}

	void testNoTokenIsNotConfigured()
	{
		FakeHTTPServer server;
		TelegramTransport telegram(server.baseUrl(), "");
		CPPUNIT_ASSERT(!telegram.configured());
		CPPUNIT_ASSERT(!telegram.send("1", "x"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), server.count());
	}

	void testTokenNeverLogged()
	{
		FakeHTTPServer server([](const RecordedRequest& r) {
			// A hostile or broken server echoing the path back in its description.
			FakeReply reply;
			reply.status = r.json()->getValue<std::string>("text") == "a" ? 500 : 401;
			reply.body = R"({"ok":false,"description":"Unauthorized"})";
			return reply;
		});
		Sleeps sleeps;
		LogCapture log({"Sygen.TelegramTransport"});
		TelegramTransport telegram(server.baseUrl(), TOKEN, sleeps.policy(2));
		CPPUNIT_ASSERT(!telegram.send("1", "a", "h", "j"));
		CPPUNIT_ASSERT(!telegram.send("1", "b", "h", "j"));
		TelegramTransport unreachable("http://127.0.0.1:1", TOKEN, sleeps.policy(2));
		CPPUNIT_ASSERT(!unreachable.send("1", "c", "h", "j"));
		CPPUNIT_ASSERT(!log.text().empty());
		CPPUNIT_ASSERT_MESSAGE(log.text(), !log.contains(TOKEN));
		CPPUNIT_ASSERT_MESSAGE(log.text(), !log.contains("AAH-secret"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(TelegramTransportTest);
