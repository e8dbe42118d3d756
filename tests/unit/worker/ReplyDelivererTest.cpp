//
// ReplyDelivererTest.cpp
//
// Wake replies sent by the real sygen-webhook-deliver (SYGEN_DELIVER) to Telegram
// and Matrix stand-ins in the test process.
//

#include "ReplyDeliverer.h"
#include "FakeHTTPServer.h"
#include "LogCapture.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::DeliveryRequest;
using Sygen::ReplyDeliverer;
using Sygen::WorkerSettings;
using Sygen::Test::FakeHTTPServer;
using Sygen::Test::FakeReply;
using Sygen::Test::LogCapture;
using Sygen::Test::RecordedRequest;

namespace {

const std::string BOT_TOKEN = "4242:deliverer-unit-bot-token";

WorkerSettings settings()
{
	WorkerSettings s;
	s.deliverProgram = SYGEN_DELIVER;
	s.deliverArguments = {"--log", "stderr", "--log-level", "error", "--worker-id", "3"};
	return s;
}

DeliveryRequest telegramRequest(const FakeHTTPServer& server, const std::string& text)
{
	DeliveryRequest r;
	r.transport = "telegram";
	r.chatId = "1001";
	r.text = text;
	r.hookId = "hook";
	r.jobId = "job";
	r.delivery.telegramApiBase = server.baseUrl();
	r.delivery.telegramToken = BOT_TOKEN;
	r.retry.initialDelay = Poco::Timespan(0, 1000);
	return r;
}

} // namespace

class ReplyDelivererTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ReplyDelivererTest);
	CPPUNIT_TEST(testTelegramMessageIsDelivered);
	CPPUNIT_TEST(testServerErrorIsRetriedWithTheGivenPolicy);
	CPPUNIT_TEST(testRefusedMessageIsNotDelivered);
	CPPUNIT_TEST(testMatrixRoomGetsTheMessage);
	CPPUNIT_TEST(testMissingProgramIsNotDelivered);
	CPPUNIT_TEST_SUITE_END();

public:
	void testTelegramMessageIsDelivered()
	{
		FakeHTTPServer telegram([](const RecordedRequest&) { return FakeHTTPServer::telegramOk(); });
		CPPUNIT_ASSERT(ReplyDeliverer(settings()).deliver(telegramRequest(telegram, "hello there")));
		std::vector<RecordedRequest> requests = telegram.requests();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), requests.size());
		CPPUNIT_ASSERT_EQUAL(std::string("/bot" + BOT_TOKEN + "/sendMessage"), requests[0].uri);
		CPPUNIT_ASSERT_EQUAL(std::string("hello there"), requests[0].json()->getValue<std::string>("text"));
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(1001), requests[0].json()->getValue<Poco::Int64>("chat_id"));
	}

	void testServerErrorIsRetriedWithTheGivenPolicy()
	{
		int calls = 0;
		FakeHTTPServer telegram([&calls](const RecordedRequest&) {
			if (++calls > 1) return FakeHTTPServer::telegramOk();
			FakeReply r;
			r.status = 502;
			return r;
		});
		CPPUNIT_ASSERT(ReplyDeliverer(settings()).deliver(telegramRequest(telegram, "again")));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), telegram.count());
	}

	void testRefusedMessageIsNotDelivered()
	{
		FakeHTTPServer telegram([](const RecordedRequest&) {
			FakeReply r;
			r.status = 403;
			r.body = R"({"ok":false,"description":"Forbidden: bot was blocked by the user"})";
			return r;
		});
		LogCapture log({"Sygen.ReplyDeliverer"});
		CPPUNIT_ASSERT(!ReplyDeliverer(settings()).deliver(telegramRequest(telegram, "blocked")));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), telegram.count());
		// Exit 1 is the program's own "not delivered", logged by it: nothing more here.
		CPPUNIT_ASSERT(!log.contains("ended with"));
	}

	void testMatrixRoomGetsTheMessage()
	{
		FakeHTTPServer matrix([](const RecordedRequest&) { return FakeHTTPServer::matrixOk(); });
		DeliveryRequest r;
		r.transport = "matrix";
		r.chatId = "!room:example.org";
		r.text = "to the room";
		r.delivery.matrixHomeserver = matrix.baseUrl();
		r.delivery.matrixAccessToken = "syt_deliverer_unit_token";
		CPPUNIT_ASSERT(ReplyDeliverer(settings()).deliver(r));
		std::vector<RecordedRequest> requests = matrix.requests();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), requests.size());
		CPPUNIT_ASSERT(requests[0].uri.find("/_matrix/client/v3/rooms/") == 0);
		CPPUNIT_ASSERT(requests[0].uri.find("/send/m.room.message/") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(std::string("to the room"), requests[0].json()->getValue<std::string>("body"));
	}

	void testMissingProgramIsNotDelivered()
	{
		FakeHTTPServer telegram([](const RecordedRequest&) { return FakeHTTPServer::telegramOk(); });
		WorkerSettings s = settings();
		s.deliverProgram = "/nonexistent/sygen-webhook-deliver";
		LogCapture log({"Sygen.ReplyDeliverer"});
		CPPUNIT_ASSERT(!ReplyDeliverer(s).deliver(telegramRequest(telegram, "lost")));
		CPPUNIT_ASSERT(log.contains("cannot start"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), telegram.count());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ReplyDelivererTest);
