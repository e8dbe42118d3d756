//
// WebhookRequestHandlerTest.cpp
//
// The request handlers against a fake IngressBackend, over real HTTP: the seam
// lets the SPEC §8 checks be tested without a spool, a hook store or workers.
//

#include "Sygen/Foundation/JSONFields.h"
#include "http/RequestHandlerFactory.h"
#include "jobs/IngressBackend.h"
#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <cppunit/extensions/HelperMacros.h>
#include <memory>
#include <mutex>
#include <vector>

using namespace Sygen;

namespace {

class FakeBackend: public IngressBackend
/// Scripted answers; records what the handler asked for.
{
public:
	RateLimiter::Decision rate;
	std::size_t maxBody = 1024;
	std::shared_ptr<const Hook> hook;
	bool authOk = true;
	EnqueueOutcome outcome;
	bool enqueueThrows = false;

	std::mutex mutex;
	int enqueued = 0;
	std::vector<std::string> dispatched;
	std::vector<int> counted;
	std::string lastBody;

	RateLimiter::Decision admit(const std::string&) override { return rate; }
	std::size_t maxBodyBytes() const override { return maxBody; }
	std::shared_ptr<const Hook> findHook(const std::string& id) const override { return hook && hook->id == id ? hook : nullptr; }
	bool authenticate(const Hook&, const Poco::Net::NameValueCollection&, const std::string&) const override { return authOk; }

	EnqueueOutcome enqueue(const Hook&, const Poco::Net::NameValueCollection&, const std::string& body) override
	{
		std::lock_guard<std::mutex> lock(mutex);
		if (enqueueThrows) throw Poco::WriteFileException("spool full disk");
		++enqueued;
		lastBody = body;
		return outcome;
	}

	void dispatch(const EnqueueOutcome& accepted) override
	{
		std::lock_guard<std::mutex> lock(mutex);
		dispatched.push_back(accepted.jobId);
	}

	std::optional<JobInfo> findJob(const std::string&) const override { return std::nullopt; }
	bool mayReadJob(const JobInfo&, const Poco::Net::NameValueCollection&) const override { return false; }
	std::string metricsText() const override { return "sygen_test 1\n"; }
	bool mayReadMetrics(const std::string&, const Poco::Net::NameValueCollection&) const override { return true; }

	void countResponse(const std::string& route, int status) override
	{
		std::lock_guard<std::mutex> lock(mutex);
		if (route == "hooks") counted.push_back(status);
	}
};

struct Reply
{
	int status = 0;
	std::string body;
	std::string retryAfter;
};

} // namespace

class WebhookRequestHandlerTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(WebhookRequestHandlerTest);
	CPPUNIT_TEST(testAcceptedIsAnsweredThenDispatched);
	CPPUNIT_TEST(testDuplicateIsNotDispatchedAgain);
	CPPUNIT_TEST(testQueueFullAndBusyCarryRetryAfter);
	CPPUNIT_TEST(testRateLimitComesFirst);
	CPPUNIT_TEST(testUnknownDisabledAndUnauthorizedHooksAreNotEnqueued);
	CPPUNIT_TEST(testBodyChecksPrecedeTheHookLookup);
	CPPUNIT_TEST(testSpoolFailureIsAnErrorNotAnAccept);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_backend = std::make_unique<FakeBackend>();
		Hook h;
		h.id = "gh";
		h.title = "GitHub";
		h.mode = "wake";
		_backend->hook = std::make_shared<const Hook>(h);
		_backend->outcome.kind = EnqueueOutcome::ACCEPTED;
		_backend->outcome.jobId = "job-1";
		Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
		_port = socket.address().port();
		_server = std::make_unique<Poco::Net::HTTPServer>(new RequestHandlerFactory(*_backend), socket, new Poco::Net::HTTPServerParams);
		_server->start();
	}

	void tearDown() override
	{
		_server->stopAll(true);
		_server.reset();
		_backend.reset();
	}

	void testAcceptedIsAnsweredThenDispatched()
	{
		Reply r = post("/hooks/gh", "{\"n\":1}");
		CPPUNIT_ASSERT_EQUAL(202, r.status);
		Poco::JSON::Object::Ptr body = JSONFields::parseObject(r.body);
		CPPUNIT_ASSERT_EQUAL(std::string("job-1"), JSONFields::string(*body, "job_id"));
		CPPUNIT_ASSERT_EQUAL(std::string("gh"), JSONFields::string(*body, "hook_id"));
		std::lock_guard<std::mutex> lock(_backend->mutex);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"n\":1}"), _backend->lastBody);
		CPPUNIT_ASSERT((_backend->dispatched == std::vector<std::string>{"job-1"}));
		CPPUNIT_ASSERT((_backend->counted == std::vector<int>{202}));
	}

	void testDuplicateIsNotDispatchedAgain()
	{
		_backend->outcome.kind = EnqueueOutcome::DUPLICATE;
		Reply r = post("/hooks/gh", "{}");
		CPPUNIT_ASSERT_EQUAL(200, r.status);
		CPPUNIT_ASSERT(JSONFields::boolean(*JSONFields::parseObject(r.body), "duplicate", false));
		std::lock_guard<std::mutex> lock(_backend->mutex);
		CPPUNIT_ASSERT(_backend->dispatched.empty());
	}

	void testQueueFullAndBusyCarryRetryAfter()
	{
		_backend->outcome.kind = EnqueueOutcome::QUEUE_FULL;
		_backend->outcome.retryAfterSeconds = 7;
		Reply full = post("/hooks/gh", "{}");
		CPPUNIT_ASSERT_EQUAL(503, full.status);
		CPPUNIT_ASSERT_EQUAL(std::string("7"), full.retryAfter);
		_backend->outcome.kind = EnqueueOutcome::BUSY;
		_backend->outcome.retryAfterSeconds = 1;
		Reply busy = post("/hooks/gh", "{}");
		CPPUNIT_ASSERT_EQUAL(409, busy.status);
		CPPUNIT_ASSERT_EQUAL(std::string("1"), busy.retryAfter);
		std::lock_guard<std::mutex> lock(_backend->mutex);
		CPPUNIT_ASSERT(_backend->dispatched.empty());
	}

	void testRateLimitComesFirst()
	{
		_backend->rate.allowed = false;
		_backend->rate.retryAfterSeconds = 3;
		_backend->hook.reset();
		Reply r = post("/hooks/gh", "not json", "text/plain");
		CPPUNIT_ASSERT_EQUAL(429, r.status);
		CPPUNIT_ASSERT_EQUAL(std::string("3"), r.retryAfter);
		std::lock_guard<std::mutex> lock(_backend->mutex);
		CPPUNIT_ASSERT_EQUAL(0, _backend->enqueued);
		CPPUNIT_ASSERT((_backend->counted == std::vector<int>{429}));
	}

	void testUnknownDisabledAndUnauthorizedHooksAreNotEnqueued()
	{
		CPPUNIT_ASSERT_EQUAL(404, post("/hooks/other", "{}").status);
		_backend->authOk = false;
		CPPUNIT_ASSERT_EQUAL(401, post("/hooks/gh", "{}").status);
		Hook disabled = *_backend->hook;
		disabled.enabled = false;
		_backend->hook = std::make_shared<const Hook>(disabled);
		CPPUNIT_ASSERT_EQUAL(403, post("/hooks/gh", "{}").status);
		std::lock_guard<std::mutex> lock(_backend->mutex);
		CPPUNIT_ASSERT_EQUAL(0, _backend->enqueued);
		CPPUNIT_ASSERT(_backend->dispatched.empty());
	}

	void testBodyChecksPrecedeTheHookLookup()
	{
		_backend->hook.reset();
		CPPUNIT_ASSERT_EQUAL(415, post("/hooks/gh", "{}", "text/plain").status);
		CPPUNIT_ASSERT_EQUAL(400, post("/hooks/gh", "{", "application/json").status);
		CPPUNIT_ASSERT_EQUAL(400, post("/hooks/gh", "[1]", "application/json").status);
		_backend->maxBody = 4;
		CPPUNIT_ASSERT_EQUAL(413, post("/hooks/gh", "{\"long\":true}", "application/json").status);
	}

	void testSpoolFailureIsAnErrorNotAnAccept()
	{
		_backend->enqueueThrows = true;
		Reply r = post("/hooks/gh", "{}");
		CPPUNIT_ASSERT(r.status >= 500);
		CPPUNIT_ASSERT(r.body.find("spool full disk") == std::string::npos);
		std::lock_guard<std::mutex> lock(_backend->mutex);
		CPPUNIT_ASSERT(_backend->dispatched.empty());
		CPPUNIT_ASSERT((_backend->counted == std::vector<int>{r.status}));
	}

private:
	Reply post(const std::string& path, const std::string& body, const std::string& contentType = "application/json")
	{
		Poco::Net::HTTPClientSession session("127.0.0.1", _port);
		Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path, Poco::Net::HTTPMessage::HTTP_1_1);
		request.setContentType(contentType);
		request.setContentLength(static_cast<std::streamsize>(body.size()));
		session.sendRequest(request) << body;
		Poco::Net::HTTPResponse response;
		std::istream& in = session.receiveResponse(response);
		Reply reply;
		reply.status = response.getStatus();
		Poco::StreamCopier::copyToString(in, reply.body);
		reply.retryAfter = response.get("Retry-After", "");
		return reply;
	}

	std::unique_ptr<FakeBackend> _backend;
	std::unique_ptr<Poco::Net::HTTPServer> _server;
	Poco::UInt16 _port = 0;
};

CPPUNIT_TEST_SUITE_REGISTRATION(WebhookRequestHandlerTest);
