//
// PostgresJobStoreTest.cpp
//

#include "PostgresJobStore.h"
#include "PostgresServer.h"
#include <Poco/Thread.h>
#include <cppunit/extensions/HelperMacros.h>
#include <atomic>
#include <set>
#include <thread>
#include <vector>

using Sygen::BackendUnavailable;
using Sygen::Config;
using Sygen::JobAcceptance;
using Sygen::JobInfo;
using Sygen::NewJob;
using Sygen::PostgresConnection;
using Sygen::PostgresJobStore;
using Sygen::Test::PostgresServer;

class PostgresJobStoreTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(PostgresJobStoreTest);
	CPPUNIT_TEST(testJobLifeCycleRoundTrips);
	CPPUNIT_TEST(testConcurrentAcceptsShareCommits);
	CPPUNIT_TEST(testSameDeliveryIdMakesOneJobEvenConcurrently);
	CPPUNIT_TEST(testDeliveryIdsAreShared);
	CPPUNIT_TEST(testPendingAndInterruptedAreThisNodesOnly);
	CPPUNIT_TEST(testDatabaseDownIsUnavailableThenRecovers);
	CPPUNIT_TEST(testResultsWrittenWhileDownArriveLater);
	CPPUNIT_TEST(testHistoryIsPrunedToTheLimit);
	CPPUNIT_TEST_SUITE_END();

public:
	void testJobLifeCycleRoundTrips()
	{
		PostgresServer server;
		PostgresJobStore store(settings(server, "a"), 100, 3600);
		store.open();
		std::string body("{\"x\": \"\xc3\xa9\"}");
		JobAcceptance accepted = store.accept(job("j1", "hook", body));
		CPPUNIT_ASSERT(!accepted.duplicate);
		CPPUNIT_ASSERT_EQUAL(std::string("j1"), accepted.jobId);
		CPPUNIT_ASSERT_EQUAL(body, store.readBody("j1"));
		CPPUNIT_ASSERT_EQUAL(std::string("queued"), store.find("j1")->status);

		store.markStarted("j1", 2, Poco::Timestamp());
		std::optional<JobInfo> running = store.find("j1");
		CPPUNIT_ASSERT_EQUAL(std::string("running"), running->status);
		CPPUNIT_ASSERT_EQUAL(2, running->workerId);
		CPPUNIT_ASSERT(running->startedAt);

		Sygen::WebhookResult result;
		result.jobId = "j1";
		result.hookId = "hook";
		result.status = "success";
		result.resultText = "done";
		result.durationMs = 12;
		store.markFinished(result);
		std::optional<JobInfo> finished = store.find("j1");
		CPPUNIT_ASSERT_EQUAL(std::string("success"), finished->status);
		CPPUNIT_ASSERT_EQUAL(std::string("done"), finished->result->resultText);
		CPPUNIT_ASSERT_EQUAL(12LL, finished->result->durationMs);
		CPPUNIT_ASSERT(!store.find("unknown"));
		CPPUNIT_ASSERT_THROW(store.readBody("j1"), Poco::NotFoundException);
	}

	void testConcurrentAcceptsShareCommits()
	{
		PostgresServer server;
		PostgresJobStore store(settings(server, "a"), 1000, 3600);
		store.open();
		const int threads = 32;
		const int perThread = 20;
		std::atomic<int> failures{0};
		std::vector<std::thread> senders;
		for (int t = 0; t < threads; ++t)
		{
			senders.emplace_back([&, t]() {
				for (int i = 0; i < perThread; ++i)
				{
					try
					{
						store.accept(job("t" + std::to_string(t) + "-" + std::to_string(i), "hook", "{}"));
					}
					catch (...)
					{
						++failures;
					}
				}
			});
		}
		for (std::thread& sender: senders) sender.join();
		CPPUNIT_ASSERT_EQUAL(0, failures.load());
		PostgresConnection connection(server.dsn());
		CPPUNIT_ASSERT_EQUAL(static_cast<long long>(threads * perThread), connection.query("SELECT count(*) FROM sygen_jobs").integer(0, 0));
		// One transaction per batch, not per job: a row's xmin is the transaction that
		// inserted it, so concurrent callers must have shared them.
		long long used = connection.query("SELECT count(DISTINCT xmin::text) FROM sygen_jobs").integer(0, 0);
		CPPUNIT_ASSERT_MESSAGE(std::to_string(used) + " transactions for 640 jobs", used < threads * perThread / 2);
	}

	void testSameDeliveryIdMakesOneJobEvenConcurrently()
	{
		PostgresServer server;
		PostgresJobStore store(settings(server, "a"), 100, 3600);
		store.open();
		std::mutex mutex;
		std::set<std::string> ids;
		std::atomic<int> accepted{0};
		std::vector<std::thread> senders;
		for (int t = 0; t < 16; ++t)
		{
			senders.emplace_back([&, t]() {
				NewJob one = job("d" + std::to_string(t), "hook", "{}");
				one.deliveryId = "delivery-1";
				JobAcceptance answer = store.accept(one);
				if (!answer.duplicate) ++accepted;
				std::lock_guard<std::mutex> lock(mutex);
				ids.insert(answer.jobId);
			});
		}
		for (std::thread& sender: senders) sender.join();
		CPPUNIT_ASSERT_EQUAL(1, accepted.load());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), ids.size());
		PostgresConnection connection(server.dsn());
		CPPUNIT_ASSERT_EQUAL(1LL, connection.query("SELECT count(*) FROM sygen_jobs").integer(0, 0));
	}

	void testDeliveryIdsAreShared()
	{
		PostgresServer server;
		PostgresJobStore nodeA(settings(server, "a"), 100, 3600);
		PostgresJobStore nodeB(settings(server, "b"), 100, 3600);
		nodeA.open();
		nodeB.open();
		NewJob first = job("first", "hook", "{}");
		first.deliveryId = "abc";
		NewJob second = job("second", "hook", "{}");
		second.deliveryId = "abc";
		NewJob otherHook = job("third", "other", "{}");
		otherHook.deliveryId = "abc";
		CPPUNIT_ASSERT(!nodeA.accept(first).duplicate);
		JobAcceptance again = nodeB.accept(second);
		CPPUNIT_ASSERT(again.duplicate);
		CPPUNIT_ASSERT_EQUAL(std::string("first"), again.jobId);
		CPPUNIT_ASSERT(!nodeB.accept(otherHook).duplicate);
	}

	void testPendingAndInterruptedAreThisNodesOnly()
	{
		PostgresServer server;
		{
			PostgresJobStore nodeA(settings(server, "a"), 100, 3600);
			nodeA.open();
			nodeA.accept(job("a1", "hook", "{}"));
			nodeA.accept(job("a2", "hook", "{}"));
			nodeA.markStarted("a1", 1, Poco::Timestamp());
		}
		PostgresJobStore nodeB(settings(server, "b"), 100, 3600);
		nodeB.open();
		nodeB.accept(job("b1", "hook", "{}"));
		PostgresJobStore nodeA(settings(server, "a"), 100, 3600);
		nodeA.open();
		std::vector<JobInfo> pending = nodeA.pending();
		std::vector<JobInfo> interrupted = nodeA.interrupted();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), pending.size());
		CPPUNIT_ASSERT_EQUAL(std::string("a2"), pending[0].jobId);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), interrupted.size());
		CPPUNIT_ASSERT_EQUAL(std::string("a1"), interrupted[0].jobId);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), nodeB.pending().size());
	}

	void testDatabaseDownIsUnavailableThenRecovers()
	{
		PostgresServer server;
		PostgresJobStore store(settings(server, "a"), 100, 3600);
		store.open();
		store.accept(job("before", "hook", "{}"));
		CPPUNIT_ASSERT(store.available());
		server.stop();
		CPPUNIT_ASSERT_THROW(store.accept(job("during", "hook", "{}")), BackendUnavailable);
		CPPUNIT_ASSERT(!store.available());
		CPPUNIT_ASSERT_THROW(store.find("before"), BackendUnavailable);
		server.start();
		// The store reconnects on its own (backoff at most 5 s), without a request.
		for (int i = 0; i < 500 && !store.available(); ++i) Poco::Thread::sleep(20);
		CPPUNIT_ASSERT(store.available());
		CPPUNIT_ASSERT(!store.accept(job("after", "hook", "{}")).duplicate);
		CPPUNIT_ASSERT(store.find("before"));
		CPPUNIT_ASSERT(!store.find("during"));
	}

	void testResultsWrittenWhileDownArriveLater()
	{
		PostgresServer server;
		PostgresJobStore store(settings(server, "a"), 100, 3600);
		store.open();
		store.accept(job("j", "hook", "{}"));
		store.markStarted("j", 1, Poco::Timestamp());
		server.stop();
		Sygen::WebhookResult result;
		result.jobId = "j";
		result.hookId = "hook";
		result.status = "success";
		store.markFinished(result);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), store.unwrittenResults());
		server.start();
		for (int i = 0; i < 500 && store.unwrittenResults() > 0; ++i) Poco::Thread::sleep(20);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), store.unwrittenResults());
		CPPUNIT_ASSERT_EQUAL(std::string("success"), store.find("j")->status);
	}

	void testHistoryIsPrunedToTheLimit()
	{
		PostgresServer server;
		PostgresJobStore store(settings(server, "a"), 2, 3600);
		store.open();
		for (int i = 0; i < 5; ++i)
		{
			std::string id = "h" + std::to_string(i);
			store.accept(job(id, "hook", "{}"));
			Sygen::WebhookResult result;
			result.jobId = id;
			result.status = "success";
			store.markFinished(result);
		}
		store.accept(job("open", "hook", "{}"));
		// Pruning runs every 10 s on the flusher thread.
		PostgresConnection connection(server.dsn());
		long long finished = 5;
		for (int i = 0; i < 750 && finished > 2; ++i)
		{
			Poco::Thread::sleep(20);
			finished = connection.query("SELECT count(*) FROM sygen_jobs WHERE finished_us IS NOT NULL").integer(0, 0);
		}
		CPPUNIT_ASSERT_EQUAL(2LL, finished);
		CPPUNIT_ASSERT(store.find("open"));
		CPPUNIT_ASSERT(store.find("h4"));
		CPPUNIT_ASSERT(!store.find("h0"));
	}

private:
	static Config::Backend settings(const PostgresServer& server, const std::string& node)
	{
		Config::Backend backend;
		backend.type = "postgres";
		backend.dsn = server.dsn();
		backend.nodeId = node;
		return backend;
	}

	static NewJob job(const std::string& id, const std::string& hook, const std::string& body)
	{
		NewJob one;
		one.jobId = id;
		one.hookId = hook;
		one.body = body;
		return one;
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(PostgresJobStoreTest);
