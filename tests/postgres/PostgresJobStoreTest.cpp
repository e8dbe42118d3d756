//
// PostgresJobStoreTest.cpp
//

#include "jobs/PostgresJobStore.h"
#include "PostgresServer.h"
#include "TestSupport.h"
#include <Poco/File.h>
#include <Poco/TemporaryFile.h>
#include <Poco/Thread.h>
#include <atomic>
#include <cppunit/extensions/HelperMacros.h>
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
	CPPUNIT_TEST(testClaimsKeepDependencyFifoAndMaxConcurrentAcrossNodes);
	CPPUNIT_TEST(testClaimTakesAtMostTheLimitInArrivalOrder);
	CPPUNIT_TEST(testRestartReleasesClaimsAndReportsInterrupted);
	CPPUNIT_TEST(testDeadNodesRunningJobsAreLostAndClaimsReturn);
	CPPUNIT_TEST(testDatabaseDownIsUnavailableThenRecovers);
	CPPUNIT_TEST(testResultsWrittenWhileDownArriveLater);
	CPPUNIT_TEST(testHistoryIsPrunedToTheLimit);
	CPPUNIT_TEST(testStartAndResultNeedTheNodesClaim);
	CPPUNIT_TEST(testAClaimedAheadJobCanBeTakenToCancelItBeforeItStarts);
	CPPUNIT_TEST(testAClaimBringsTheBodyUntilTheJobStarts);
	CPPUNIT_TEST(testResultsKeptOnDiskSurviveARestartDuringTheOutage);
	CPPUNIT_TEST_SUITE_END();

public:
	void testJobLifeCycleRoundTrips()
	{
		PostgresServer server;
		PostgresJobStore store(server.backend("a"), 100, 3600);
		store.open();
		std::string body("{\"x\": \"\xc3\xa9\"}");
		JobAcceptance accepted = store.accept(job("j1", "hook", body));
		CPPUNIT_ASSERT(!accepted.duplicate);
		CPPUNIT_ASSERT_EQUAL(std::string("j1"), accepted.jobId);
		CPPUNIT_ASSERT_EQUAL(body, store.readBody("j1"));
		CPPUNIT_ASSERT_EQUAL(std::string("queued"), store.find("j1")->status);

		CPPUNIT_ASSERT_EQUAL(std::size_t(1), store.claim(1).size());
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
		PostgresJobStore store(server.backend("a"), 1000, 3600);
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
		CPPUNIT_ASSERT_EQUAL(
			static_cast<long long>(threads * perThread), connection.query("SELECT count(*) FROM sygen_jobs").integer(0, 0));
		// One transaction per batch, not per job: a row's xmin is the transaction that
		// inserted it, so concurrent callers must have shared some. How many share
		// depends on the machine's speed (under TSan batches are small): bench/ measures
		// that; this only proves that commits are shared at all.
		long long used = connection.query("SELECT count(DISTINCT xmin::text) FROM sygen_jobs").integer(0, 0);
		CPPUNIT_ASSERT_MESSAGE(std::to_string(used) + " transactions for 640 jobs", used < threads * perThread);
	}

	void testSameDeliveryIdMakesOneJobEvenConcurrently()
	{
		PostgresServer server;
		PostgresJobStore store(server.backend("a"), 100, 3600);
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
		PostgresJobStore nodeA(server.backend("a"), 100, 3600);
		PostgresJobStore nodeB(server.backend("b"), 100, 3600);
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

	void testClaimsKeepDependencyFifoAndMaxConcurrentAcrossNodes()
	{
		PostgresServer server;
		PostgresJobStore nodeA(server.backend("a"), 100, 3600);
		PostgresJobStore nodeB(server.backend("b"), 100, 3600);
		nodeA.open();
		nodeB.open();
		nodeA.accept(job("s1", "serial", "{}", "d"));
		nodeB.accept(job("s2", "serial", "{}", "d"));
		nodeA.accept(job("free", "hook", "{}"));
		nodeB.accept(job("m1", "limited", "{}", "", 1));
		nodeA.accept(job("m2", "limited", "{}", "", 1));
		CPPUNIT_ASSERT(nodeA.pending().empty()); // the cluster's queue, not a node's

		CPPUNIT_ASSERT_EQUAL(std::string("s1 free m1 m2"), ids(nodeA.claim(10)));
		// s2 waits for s1 (FIFO), m1/m2 hold the hook's only slot on node a.
		CPPUNIT_ASSERT_EQUAL(std::string(""), ids(nodeB.claim(10)));
		CPPUNIT_ASSERT_EQUAL(std::string("queued"), nodeB.find("s1")->status);

		nodeA.markStarted("s1", 1, Poco::Timestamp());
		finish(nodeA, "s1");
		CPPUNIT_ASSERT_EQUAL(std::string("s2"), ids(nodeB.claim(10)));
		CPPUNIT_ASSERT_EQUAL(std::string(""), ids(nodeA.claim(10)));
	}

	void testClaimTakesAtMostTheLimitInArrivalOrder()
	{
		PostgresServer server;
		PostgresJobStore store(server.backend("a"), 100, 3600);
		store.open();
		for (int i = 0; i < 5; ++i) store.accept(job("j" + std::to_string(i), "hook", "{}"));
		CPPUNIT_ASSERT_EQUAL(std::string("j0 j1"), ids(store.claim(2)));
		CPPUNIT_ASSERT_EQUAL(std::string("j2 j3 j4"), ids(store.claim(9)));
		CPPUNIT_ASSERT_EQUAL(std::string(""), ids(store.claim(9)));
	}

	void testRestartReleasesClaimsAndReportsInterrupted()
	{
		PostgresServer server;
		{
			PostgresJobStore nodeA(server.backend("a"), 100, 3600);
			nodeA.open();
			nodeA.accept(job("a1", "hook", "{}"));
			nodeA.accept(job("a2", "hook", "{}"));
			CPPUNIT_ASSERT_EQUAL(std::string("a1 a2"), ids(nodeA.claim(2)));
			nodeA.markStarted("a1", 1, Poco::Timestamp());
		}
		PostgresJobStore nodeB(server.backend("b"), 100, 3600);
		nodeB.open();
		CPPUNIT_ASSERT(nodeB.interrupted().empty());
		PostgresJobStore nodeA(server.backend("a"), 100, 3600);
		nodeA.open();
		std::vector<JobInfo> interrupted = nodeA.interrupted();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), interrupted.size());
		CPPUNIT_ASSERT_EQUAL(std::string("a1"), interrupted[0].jobId);
		CPPUNIT_ASSERT_EQUAL(std::string("a2"), ids(nodeB.claim(5)));
	}

	void testDeadNodesRunningJobsAreLostAndClaimsReturn()
	{
		PostgresServer server;
		Config::Backend shortLease = server.backend("b");
		shortLease.leaseSeconds = 5;
		std::mutex mutex;
		std::vector<std::string> lost;
		{
			PostgresJobStore nodeA(server.backend("a"), 100, 3600);
			nodeA.open();
			nodeA.accept(job("running", "hook", "{}"));
			nodeA.accept(job("claimed", "hook", "{}"));
			nodeA.claim(2);
			nodeA.markStarted("running", 1, Poco::Timestamp());
		}
		// A crash leaves what a clean stop releases: put the claim back, and the
		// heartbeat stops.
		PostgresConnection connection(server.dsn());
		connection.execute("UPDATE sygen_jobs SET status = 'claimed', node_id = 'a' WHERE job_id = 'claimed'");
		connection.execute("UPDATE sygen_nodes SET heartbeat_us = 0 WHERE node_id = 'a'");
		PostgresJobStore nodeB(shortLease, 100, 3600);
		nodeB.setLostJobListener([&](const JobInfo& job) {
			std::lock_guard<std::mutex> lock(mutex);
			lost.push_back(job.jobId);
		});
		nodeB.open();
		nodeB.startReaping();
		for (int i = 0; i < 750; ++i)
		{
			{
				std::lock_guard<std::mutex> lock(mutex);
				if (!lost.empty()) break;
			}
			Poco::Thread::sleep(20);
		}
		std::lock_guard<std::mutex> lock(mutex);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), lost.size());
		CPPUNIT_ASSERT_EQUAL(std::string("running"), lost[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("claimed"), ids(nodeB.claim(5)));
	}

	void testDatabaseDownIsUnavailableThenRecovers()
	{
		PostgresServer server;
		PostgresJobStore store(server.backend("a"), 100, 3600);
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
		PostgresJobStore store(server.backend("a"), 100, 3600);
		store.open();
		store.accept(job("j", "hook", "{}"));
		store.claim(1);
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
		PostgresJobStore store(server.backend("a"), 2, 3600);
		store.open();
		for (int i = 0; i < 5; ++i)
		{
			std::string id = "h" + std::to_string(i);
			store.accept(job(id, "hook", "{}"));
			store.claim(1);
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

	void testStartAndResultNeedTheNodesClaim()
	{
		PostgresServer server;
		PostgresJobStore nodeA(server.backend("a"), 100, 3600);
		PostgresJobStore nodeB(server.backend("b"), 100, 3600);
		nodeA.open();
		nodeB.open();
		nodeA.accept(job("taken", "hook", "{}"));
		nodeA.accept(job("lost", "hook", "{}"));
		CPPUNIT_ASSERT_EQUAL(std::string("taken lost"), ids(nodeA.claim(2)));
		nodeA.markStarted("lost", 1, Poco::Timestamp());
		// Node a presumed dead (what a survivor's reaping does): its claim goes back to
		// the queue and node b takes it; its running job is ended by node b.
		PostgresConnection connection(server.dsn());
		connection.execute("UPDATE sygen_jobs SET status = 'queued', node_id = NULL WHERE job_id = 'taken'");
		connection.execute("UPDATE sygen_jobs SET status = 'lost', node_id = 'b' WHERE job_id = 'lost'");
		CPPUNIT_ASSERT_EQUAL(std::string("taken"), ids(nodeB.claim(5)));
		CPPUNIT_ASSERT_THROW(nodeA.markStarted("taken", 1, Poco::Timestamp()), Sygen::JobTakenException);
		nodeB.markStarted("taken", 1, Poco::Timestamp());
		finish(nodeB, "taken", "success");
		finish(nodeB, "lost", "error:worker_lost");
		// Node a's late results change nothing: the first final status stands.
		finish(nodeA, "taken", "error:timeout");
		finish(nodeA, "lost", "success");
		CPPUNIT_ASSERT_EQUAL(std::string("success"), nodeA.find("taken")->status);
		CPPUNIT_ASSERT_EQUAL(std::string("error:worker_lost"), nodeA.find("lost")->status);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), nodeA.unwrittenResults());
	}

	void testAClaimedAheadJobCanBeTakenToCancelItBeforeItStarts()
	{
		PostgresServer server;
		PostgresJobStore nodeA(server.backend("a"), 100, 3600);
		PostgresJobStore nodeB(server.backend("b"), 100, 3600);
		nodeA.open();
		nodeB.open();
		nodeA.accept(job("ahead", "hook", "{}"));
		nodeA.accept(job("started", "hook", "{}"));
		CPPUNIT_ASSERT_EQUAL(std::string("ahead started"), ids(nodeA.claim(2)));
		nodeA.markStarted("started", 1, Poco::Timestamp());
		// Node b cancels what node a holds unstarted; a running job stays node a's.
		CPPUNIT_ASSERT(nodeB.claimOne("ahead"));
		CPPUNIT_ASSERT(!nodeB.claimOne("started"));
		finish(nodeB, "ahead", "cancelled");
		CPPUNIT_ASSERT_THROW(nodeA.markStarted("ahead", 1, Poco::Timestamp()), Sygen::JobTakenException);
		CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), nodeA.find("ahead")->status);
		CPPUNIT_ASSERT_EQUAL(std::string("running"), nodeA.find("started")->status);
	}

	void testAClaimBringsTheBodyUntilTheJobStarts()
	{
		PostgresServer server;
		PostgresJobStore store(server.backend("a"), 100, 3600);
		store.open();
		store.accept(job("j", "hook", R"({"event": "push"})"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), store.claim(1).size());
		// Read without a round trip: it came with the claim.
		server.stop();
		CPPUNIT_ASSERT_EQUAL(std::string(R"({"event": "push"})"), store.readBody("j"));
		// Once a start was tried it is read from the database again (the dispatcher
		// prepares a job whose start failed once more).
		CPPUNIT_ASSERT_THROW(store.markStarted("j", 1, Poco::Timestamp()), BackendUnavailable);
		CPPUNIT_ASSERT_THROW(store.readBody("j"), BackendUnavailable);
	}

	void testResultsKeptOnDiskSurviveARestartDuringTheOutage()
	{
		PostgresServer server;
		Poco::TemporaryFile folder;
		folder.createDirectories();
		std::string backlog = folder.path() + "/unwritten-results.json";
		{
			PostgresJobStore store(server.backend("a"), 100, 3600);
			store.setBacklogFile(backlog);
			store.open();
			store.accept(job("j", "hook", "{}"));
			store.claim(1);
			store.markStarted("j", 1, Poco::Timestamp());
			server.stop();
			finish(store, "j", "success");
			CPPUNIT_ASSERT_EQUAL(std::size_t(1), store.unwrittenResults());
			// On disk at once, not only in memory: the node may stop before the database is back.
			CPPUNIT_ASSERT(Poco::File(backlog).exists());
			std::string text = Sygen::Test::readFile(backlog);
			CPPUNIT_ASSERT_MESSAGE(text, text.find("\"job_id\":\"j\"") != std::string::npos);
		}
		CPPUNIT_ASSERT(Poco::File(backlog).exists());
		server.start();
		PostgresJobStore store(server.backend("a"), 100, 3600);
		store.setBacklogFile(backlog);
		store.open();
		CPPUNIT_ASSERT_EQUAL(std::string("success"), store.find("j")->status);
		CPPUNIT_ASSERT(store.interrupted().empty());
		CPPUNIT_ASSERT(!Poco::File(backlog).exists());
	}

private:
	static NewJob job(
		const std::string& id, const std::string& hook, const std::string& body, const std::string& dependency = "", int maxConcurrent = 0)
	{
		NewJob one;
		one.jobId = id;
		one.hookId = hook;
		one.body = body;
		one.dependency = dependency;
		one.maxConcurrent = maxConcurrent;
		return one;
	}

	static std::string ids(const std::vector<Sygen::QueuedJob>& jobs)
	{
		std::string text;
		for (const Sygen::QueuedJob& job: jobs) text += (text.empty() ? "" : " ") + job.jobId;
		return text;
	}

	static void finish(PostgresJobStore& store, const std::string& jobId, const std::string& status = "success")
	{
		Sygen::WebhookResult result;
		result.jobId = jobId;
		result.status = status;
		store.markFinished(result);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(PostgresJobStoreTest);
