//
// MatrixTransportTest.cpp
//
// The homeserver is a real HTTP server in the test process.
//

#include "Sygen/Delivery/MatrixTransport.h"
#include "FakeHTTPServer.h"
#include "LogCapture.h"
#include <atomic>
#include <cppunit/extensions/HelperMacros.h>
#include <set>

using Sygen::MatrixTransport;
using Sygen::RetryPolicy;
using Sygen::Test::FakeHTTPServer;
using Sygen::Test::FakeReply;
using Sygen::Test::LogCapture;
using Sygen::Test::RecordedRequest;

namespace {

const std::string ACCESS_TOKEN = "syt_c2VjcmV0_matrix-access-token";
const std::string ROOM = "!AbCdEf:example.org";
const std::string ROOM_PATH = "/_matrix/client/v3/rooms/%21AbCdEf%3Aexample.org/send/m.room.message/";

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

std::string txnOf(const RecordedRequest& r)
{
	return r.uri.substr(r.uri.rfind('/') + 1);
}

} // namespace

class MatrixTransportTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(MatrixTransportTest);
	CPPUNIT_TEST(testPutsTextMessageWithBearerToken);
	CPPUNIT_TEST(testEachMessageHasItsOwnTransactionId);
	CPPUNIT_TEST(testRetryKeepsTheTransactionId);
	CPPUNIT_TEST(testHonoursRetryAfterMs);
	CPPUNIT_TEST(testForbiddenIsFinal);
	CPPUNIT_TEST(testLongTextIsSplit);
	CPPUNIT_TEST(testEncodesPathSegments);
	CPPUNIT_TEST(testNotConfiguredWithoutTokenOrServer);
	CPPUNIT_TEST(testAccessTokenNeverLogged);
	CPPUNIT_TEST_SUITE_END();

public:
	void testPutsTextMessageWithBearerToken()
	{
		FakeHTTPServer server([](const RecordedRequest&) { return FakeHTTPServer::matrixOk(); });
		MatrixTransport matrix(server.baseUrl() + "/", ACCESS_TOKEN);
		CPPUNIT_ASSERT(matrix.configured());
		CPPUNIT_ASSERT(matrix.send(ROOM, "Hello **room**", "h", "j"));
		std::vector<RecordedRequest> reqs = server.requests();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), reqs.size());
		CPPUNIT_ASSERT_EQUAL(std::string("PUT"), reqs[0].method);
		CPPUNIT_ASSERT_EQUAL(ROOM_PATH, reqs[0].uri.substr(0, ROOM_PATH.size()));
		CPPUNIT_ASSERT(txnOf(reqs[0]).size() > 16);
		CPPUNIT_ASSERT_EQUAL("Bearer " + ACCESS_TOKEN, reqs[0].headers.get("Authorization"));
		Poco::JSON::Object::Ptr body = reqs[0].json();
		CPPUNIT_ASSERT_EQUAL(std::string("m.text"), body->getValue<std::string>("msgtype"));
		CPPUNIT_ASSERT_EQUAL(std::string("Hello **room**"), body->getValue<std::string>("body"));
	}

	void testEachMessageHasItsOwnTransactionId()
	{
		FakeHTTPServer server([](const RecordedRequest&) { return FakeHTTPServer::matrixOk(); });
		MatrixTransport matrix(server.baseUrl(), ACCESS_TOKEN);
		for (int i = 0; i < 5; ++i) CPPUNIT_ASSERT(matrix.send(ROOM, "m" + std::to_string(i)));
		std::set<std::string> ids;
		for (const RecordedRequest& r: server.requests()) ids.insert(txnOf(r));
		CPPUNIT_ASSERT_EQUAL(std::size_t(5), ids.size());
	}

	void testRetryKeepsTheTransactionId()
	{
		std::atomic<int> calls(0);
		FakeHTTPServer server([&](const RecordedRequest&) {
			if (calls++ < 2)
			{
				FakeReply r;
				r.status = 503;
				return r;
			}
			return FakeHTTPServer::matrixOk();
		});
		Sleeps sleeps;
		MatrixTransport matrix(server.baseUrl(), ACCESS_TOKEN, sleeps.policy());
		CPPUNIT_ASSERT(matrix.send(ROOM, "once"));
		std::vector<RecordedRequest> reqs = server.requests();
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), reqs.size());
		CPPUNIT_ASSERT_EQUAL(txnOf(reqs[0]), txnOf(reqs[1]));
		CPPUNIT_ASSERT_EQUAL(txnOf(reqs[0]), txnOf(reqs[2]));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), sleeps.waits.size());
	}

	void testHonoursRetryAfterMs()
	{
		std::atomic<int> calls(0);
		FakeHTTPServer server([&](const RecordedRequest&) {
			if (calls++ == 0)
			{
				FakeReply r;
				r.status = 429;
				r.body = R"({"errcode":"M_LIMIT_EXCEEDED","error":"Too many requests","retry_after_ms":2500})";
				return r;
			}
			return FakeHTTPServer::matrixOk();
		});
		Sleeps sleeps;
		MatrixTransport matrix(server.baseUrl(), ACCESS_TOKEN, sleeps.policy());
		CPPUNIT_ASSERT(matrix.send(ROOM, "x"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), sleeps.waits.size());
		CPPUNIT_ASSERT_EQUAL(Poco::Timespan::TimeDiff(2500), sleeps.waits[0].totalMilliseconds());
	}

	void testForbiddenIsFinal()
	{
		FakeHTTPServer server([](const RecordedRequest&) {
			FakeReply r;
			r.status = 403;
			r.body = R"({"errcode":"M_FORBIDDEN","error":"User not in room"})";
			return r;
		});
		Sleeps sleeps;
		LogCapture log({"Sygen.MatrixTransport"});
		MatrixTransport matrix(server.baseUrl(), ACCESS_TOKEN, sleeps.policy());
		CPPUNIT_ASSERT(!matrix.send(ROOM, "x", "hk", "jb"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), server.count());
		CPPUNIT_ASSERT(log.contains("M_FORBIDDEN"));
		CPPUNIT_ASSERT(log.contains("hook_id=hk"));
	}

	void testLongTextIsSplit()
	{
		FakeHTTPServer server([](const RecordedRequest&) { return FakeHTTPServer::matrixOk(); });
		MatrixTransport matrix(server.baseUrl(), ACCESS_TOKEN);
		std::string text(MatrixTransport::MESSAGE_LIMIT + 10, 'z');
		CPPUNIT_ASSERT(matrix.send(ROOM, text));
		std::vector<RecordedRequest> reqs = server.requests();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), reqs.size());
		CPPUNIT_ASSERT_EQUAL(std::string(10, 'z'), reqs[1].json()->getValue<std::string>("body"));
	}

	void testEncodesPathSegments()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("%21a%3Ab.c"), MatrixTransport::encodePathSegment("!a:b.c"));
		CPPUNIT_ASSERT_EQUAL(std::string("%23room%2F%3F%20%C3%A9"), MatrixTransport::encodePathSegment("#room/? \xC3\xA9"));
		CPPUNIT_ASSERT_EQUAL(std::string("A-z_0.9~"), MatrixTransport::encodePathSegment("A-z_0.9~"));
	}

	void testNotConfiguredWithoutTokenOrServer()
	{
		CPPUNIT_ASSERT(!MatrixTransport("", ACCESS_TOKEN).configured());
		CPPUNIT_ASSERT(!MatrixTransport("http://127.0.0.1:1", "").configured());
		CPPUNIT_ASSERT(!MatrixTransport("", ACCESS_TOKEN).send(ROOM, "x"));
	}

	void testAccessTokenNeverLogged()
	{
		FakeHTTPServer server([](const RecordedRequest&) {
			FakeReply r;
			r.status = 401;
			r.body = R"({"errcode":"M_UNKNOWN_TOKEN","error":"Invalid access token passed."})";
			return r;
		});
		Sleeps sleeps;
		LogCapture log({"Sygen.MatrixTransport"});
		MatrixTransport matrix(server.baseUrl(), ACCESS_TOKEN, sleeps.policy(2));
		CPPUNIT_ASSERT(!matrix.send(ROOM, "x", "h", "j"));
		MatrixTransport unreachable("http://127.0.0.1:1", ACCESS_TOKEN, sleeps.policy(2));
		CPPUNIT_ASSERT(!unreachable.send(ROOM, "x", "h", "j"));
		CPPUNIT_ASSERT(log.contains("M_UNKNOWN_TOKEN"));
		CPPUNIT_ASSERT_MESSAGE(log.text(), !log.contains(ACCESS_TOKEN));
		CPPUNIT_ASSERT_MESSAGE(log.text(), !log.contains("c2VjcmV0"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(MatrixTransportTest);
