//
// JobEventWriterTest.cpp
//
// Group commit of starts and results (JobEventWriter) through PostgresJobStore,
// on a real PostgreSQL.
//

#include "PostgresServer.h"
#include "TestSupport.h"
#include "jobs/PostgresJobStore.h"
#include <Poco/File.h>
#include <Poco/TemporaryFile.h>
#include <Poco/Thread.h>
#include <atomic>
#include <cppunit/extensions/HelperMacros.h>
#include <mutex>
#include <thread>
#include <vector>

using Sygen::NewJob;
using Sygen::PostgresConnection;
using Sygen::PostgresJobStore;
using Sygen::WebhookResult;
using Sygen::Test::PostgresServer;

class JobEventWriterTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(JobEventWriterTest);
	CPPUNIT_TEST(testConcurrentStartsAndResultsShareTransactions);
	CPPUNIT_TEST(testStartsWhoseClaimIsGoneFailAloneAmongConcurrentOnes);
	CPPUNIT_TEST(testAQueuedResultIsReportedOnlyOnceCommitted);
	CPPUNIT_TEST(testAResultQueuedBeforeAStartIsDurableWhenTheStartIs);
	CPPUNIT_TEST(testALoneResultIsWrittenWithoutAStartOrAFlush);
	CPPUNIT_TEST(testQueuedResultsDuringAnOutageAreKeptOnDiskAndWrittenOnRecovery);
	CPPUNIT_TEST(testFlushAndShutdownWriteEveryQueuedResult);
	CPPUNIT_TEST(testAResultTheServerRefusesDoesNotTakeOthersDown);
	CPPUNIT_TEST_SUITE_END();

public:
	void testConcurrentStartsAndResultsShareTransactions()
	{
		PostgresServer server;
		PostgresJobStore store(server.backend("a"), 1000, 3600);
		store.open();
		const int threads = 16;
		const int perThread = 8;
		acceptAndClaim(store, threads * perThread);
		std::atomic<int> failures{0};
		std::vector<std::thread> workers;
		for (int t = 0; t < threads; ++t)
		{
			workers.emplace_back([&, t]() {
				for (int i = 0; i < perThread; ++i)
				{
					std::string jobId = "j" + std::to_string(t * perThread + i);
					try
					{
						store.markStarted(jobId, t + 1, Poco::Timestamp());
						store.markFinished(result(jobId, "success"));
					}
					catch (...)
					{
						++failures;
					}
				}
			});
		}
		for (std::thread& worker: workers) worker.join();
		CPPUNIT_ASSERT_EQUAL(0, failures.load());
		PostgresConnection connection(server.dsn());
		CPPUNIT_ASSERT_EQUAL(static_cast<long long>(threads * perThread),
			connection.query("SELECT count(*) FROM sygen_jobs WHERE status = 'success'").integer(0, 0));
		// How many share depends on the machine (bench/ measures it); that some did is what counts.
		unsigned long long used = store.eventTransactions();
		CPPUNIT_ASSERT_MESSAGE(std::to_string(used) + " transactions for 256 records", used < 2ULL * threads * perThread);
	}

	void testStartsWhoseClaimIsGoneFailAloneAmongConcurrentOnes()
	{
		PostgresServer server;
		PostgresJobStore store(server.backend("a"), 1000, 3600);
		store.open();
		acceptAndClaim(store, 32);
		// Every other claim was taken (what cancelling through another node does).
		PostgresConnection connection(server.dsn());
		connection.execute("UPDATE sygen_jobs SET node_id = 'b' WHERE seq % 2 = 0");
		std::atomic<int> started{0};
		std::atomic<int> taken{0};
		std::atomic<int> other{0};
		std::vector<std::thread> workers;
		for (int t = 0; t < 32; ++t)
		{
			workers.emplace_back([&, t]() {
				try
				{
					store.markStarted("j" + std::to_string(t), 1, Poco::Timestamp());
					++started;
				}
				catch (Sygen::JobTakenException&)
				{
					++taken;
				}
				catch (...)
				{
					++other;
				}
			});
		}
		for (std::thread& worker: workers) worker.join();
		CPPUNIT_ASSERT_EQUAL(16, started.load());
		CPPUNIT_ASSERT_EQUAL(16, taken.load());
		CPPUNIT_ASSERT_EQUAL(0, other.load());
		CPPUNIT_ASSERT_EQUAL(
			16LL, connection.query("SELECT count(*) FROM sygen_jobs WHERE status = 'running' AND node_id = 'a'").integer(0, 0));
		CPPUNIT_ASSERT_EQUAL(
			0LL, connection.query("SELECT count(*) FROM sygen_jobs WHERE status = 'running' AND node_id = 'b'").integer(0, 0));
	}

	void testAQueuedResultIsReportedOnlyOnceCommitted()
	{
		PostgresServer server;
		PostgresJobStore store(server.backend("a"), 1000, 3600);
		store.open();
		acceptAndClaim(store, 20);
		std::mutex mutex;
		std::vector<std::string> seen;
		for (int i = 0; i < 20; ++i)
		{
			std::string jobId = "j" + std::to_string(i);
			store.markStarted(jobId, 1, Poco::Timestamp());
			// What the callback sees from another connection is what a GET /jobs/{id} or a
			// delivery would: the result must already be there.
			store.markFinishedThen(result(jobId, "success"), [&, jobId]() {
				PostgresConnection reader(server.dsn());
				std::string status = reader.query("SELECT status FROM sygen_jobs WHERE job_id = $1", {jobId}).text(0, 0);
				std::lock_guard<std::mutex> lock(mutex);
				seen.push_back(status);
			});
		}
		store.flushResults();
		std::lock_guard<std::mutex> lock(mutex);
		CPPUNIT_ASSERT_EQUAL(std::size_t(20), seen.size());
		for (const std::string& status: seen) CPPUNIT_ASSERT_EQUAL(std::string("success"), status);
	}

	void testAResultQueuedBeforeAStartIsDurableWhenTheStartIs()
	{
		PostgresServer server;
		PostgresJobStore store(server.backend("a"), 1000, 3600);
		store.open();
		acceptAndClaim(store, 2);
		store.markStarted("j0", 1, Poco::Timestamp());
		store.markFinishedThen(result("j0", "success"), []() {});
		// No flush: the start's commit covers the result handed over before it.
		store.markStarted("j1", 1, Poco::Timestamp());
		PostgresConnection connection(server.dsn());
		CPPUNIT_ASSERT_EQUAL(std::string("success"), connection.query("SELECT status FROM sygen_jobs WHERE job_id = 'j0'").text(0, 0));
	}

	void testALoneResultIsWrittenWithoutAStartOrAFlush()
	{
		PostgresServer server;
		PostgresJobStore store(server.backend("a"), 1000, 3600);
		store.open();
		acceptAndClaim(store, 1);
		store.markStarted("j0", 1, Poco::Timestamp());
		std::atomic<int> reported{0};
		// It lingers for a start to share a commit with; none comes, and it is written anyway.
		store.markFinishedThen(result("j0", "success"), [&]() { ++reported; });
		PostgresConnection connection(server.dsn());
		for (int i = 0; i < 500 && reported.load() == 0; ++i) Poco::Thread::sleep(20);
		CPPUNIT_ASSERT_EQUAL(1, reported.load());
		CPPUNIT_ASSERT_EQUAL(std::string("success"), connection.query("SELECT status FROM sygen_jobs WHERE job_id = 'j0'").text(0, 0));
	}

	void testQueuedResultsDuringAnOutageAreKeptOnDiskAndWrittenOnRecovery()
	{
		PostgresServer server;
		Poco::TemporaryFile folder;
		folder.createDirectories();
		std::string backlog = folder.path() + "/unwritten-results.json";
		PostgresJobStore store(server.backend("a"), 1000, 3600);
		store.setBacklogFile(backlog);
		store.open();
		acceptAndClaim(store, 3);
		for (int i = 0; i < 3; ++i) store.markStarted("j" + std::to_string(i), 1, Poco::Timestamp());
		server.stop();
		std::atomic<int> reported{0};
		for (int i = 0; i < 3; ++i) store.markFinishedThen(result("j" + std::to_string(i), "success"), [&]() { ++reported; });
		store.flushResults();
		// Kept, on disk, and reported (delivery goes on during an outage, as before).
		CPPUNIT_ASSERT_EQUAL(3, reported.load());
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), store.unwrittenResults());
		CPPUNIT_ASSERT(Poco::File(backlog).exists());
		server.start();
		for (int i = 0; i < 500 && store.unwrittenResults() > 0; ++i) Poco::Thread::sleep(20);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), store.unwrittenResults());
		PostgresConnection connection(server.dsn());
		CPPUNIT_ASSERT_EQUAL(3LL, connection.query("SELECT count(*) FROM sygen_jobs WHERE status = 'success'").integer(0, 0));
	}

	void testFlushAndShutdownWriteEveryQueuedResult()
	{
		PostgresServer server;
		std::atomic<int> reported{0};
		{
			PostgresJobStore store(server.backend("a"), 1000, 3600);
			store.open();
			acceptAndClaim(store, 40);
			for (int i = 0; i < 40; ++i) store.markStarted("j" + std::to_string(i), 1, Poco::Timestamp());
			for (int i = 0; i < 20; ++i) store.markFinishedThen(result("j" + std::to_string(i), "success"), [&]() { ++reported; });
			store.flushResults();
			CPPUNIT_ASSERT_EQUAL(20, reported.load());
			// The rest is still queued when the store goes: it is written before it is gone.
			for (int i = 20; i < 40; ++i) store.markFinishedThen(result("j" + std::to_string(i), "success"), [&]() { ++reported; });
		}
		CPPUNIT_ASSERT_EQUAL(40, reported.load());
		PostgresConnection connection(server.dsn());
		CPPUNIT_ASSERT_EQUAL(40LL, connection.query("SELECT count(*) FROM sygen_jobs WHERE status = 'success'").integer(0, 0));
	}

	void testAResultTheServerRefusesDoesNotTakeOthersDown()
	{
		PostgresServer server;
		PostgresJobStore store(server.backend("a"), 1000, 3600);
		store.open();
		acceptAndClaim(store, 2);
		store.markStarted("j0", 1, Poco::Timestamp());
		store.markStarted("j1", 1, Poco::Timestamp());
		std::atomic<int> reported{0};
		// Not UTF-8: PostgreSQL refuses that statement (not an outage).
		store.markFinishedThen(result("j0", "success"), [&]() { ++reported; });
		store.markFinishedThen(result("j1", "bad\xff"), [&]() { ++reported; });
		store.markFinishedThen(result("j1", "success"), [&]() { ++reported; });
		store.flushResults();
		// Each was reported once (the refused one logged, not kept: it would never be written).
		CPPUNIT_ASSERT_EQUAL(3, reported.load());
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), store.unwrittenResults());
		PostgresConnection connection(server.dsn());
		CPPUNIT_ASSERT_EQUAL(2LL, connection.query("SELECT count(*) FROM sygen_jobs WHERE status = 'success'").integer(0, 0));
	}

private:
	static void acceptAndClaim(PostgresJobStore& store, int count)
	{
		for (int i = 0; i < count; ++i)
		{
			NewJob job;
			job.jobId = "j" + std::to_string(i);
			job.hookId = "hook";
			job.body = "{}";
			store.accept(job);
		}
		CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(count), store.claim(static_cast<std::size_t>(count)).size());
	}

	static WebhookResult result(const std::string& jobId, const std::string& status)
	{
		WebhookResult one;
		one.jobId = jobId;
		one.hookId = "hook";
		one.status = status;
		return one;
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(JobEventWriterTest);
