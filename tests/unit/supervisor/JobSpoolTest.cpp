//
// JobSpoolTest.cpp
//

#include "jobs/JobSpool.h"
#include "TestSupport.h"
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <cppunit/extensions/HelperMacros.h>
#include <fstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

using Sygen::JobInfo;
using Sygen::JobSpool;
using Sygen::WebhookResult;
using Sygen::Test::TempDir;

namespace {

WebhookResult resultFor(const std::string& jobId, const std::string& status)
{
	WebhookResult r;
	r.jobId = jobId;
	r.hookId = "hook";
	r.hookTitle = "Hook";
	r.mode = "cron_task";
	r.status = status;
	r.resultText = "text of " + jobId;
	r.startedAt = "2026-01-01T00:00:00.000000+00:00";
	r.finishedAt = "2026-01-01T00:00:01.000000+00:00";
	r.durationMs = 1000;
	return r;
}

std::string accept(JobSpool& spool, const std::string& hook, const std::string& body, const std::string& dependency = "")
{
	std::string id = JobSpool::newJobId();
	spool.accept(id, hook, dependency, body, Poco::Timestamp());
	return id;
}

} // namespace

class JobSpoolTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(JobSpoolTest);
	CPPUNIT_TEST(testAcceptedJobIsQueuedWithItsBody);
	CPPUNIT_TEST(testBodyBytesSurviveExactly);
	CPPUNIT_TEST(testJournalAndFolderArePrivate);
	CPPUNIT_TEST(testReopenKeepsPendingJobsInArrivalOrder);
	CPPUNIT_TEST(testStartedJobIsInterruptedAfterReopen);
	CPPUNIT_TEST(testFinishedJobIsInHistoryAfterReopen);
	CPPUNIT_TEST(testTornTailIsCutAndEarlierRecordsKept);
	CPPUNIT_TEST(testCorruptRecordIsCutByChecksum);
	CPPUNIT_TEST(testDamagedMiddleRecordCostsItselfAlone);
	CPPUNIT_TEST(testQueuedJobNamedInDamageIsNeverRunAgain);
	CPPUNIT_TEST(testRefusedResultIsKeptInMemory);
	CPPUNIT_TEST(testHistoryIsBoundedToTheLimit);
	CPPUNIT_TEST(testStartingAnUnknownJobThrows);
	CPPUNIT_TEST(testReadingTheBodyOfAFinishedJobThrows);
	CPPUNIT_TEST(testConcurrentAcceptsAreAllDurable);
	CPPUNIT_TEST(testListShowsUnfinishedFirstThenNewestFinished);
	CPPUNIT_TEST(testCompactionKeepsLiveJobsAndHistoryAndShrinks);
	CPPUNIT_TEST(testJobIsRefusedWhenItsRecordCannotBeWritten);
	CPPUNIT_TEST(testBodyIsReadableAsSoonAsAcceptReturns);
	CPPUNIT_TEST_SUITE_END();

public:
	void testAcceptedJobIsQueuedWithItsBody()
	{
		TempDir dir;
		JobSpool spool(dir.file("spool"), 10);
		spool.open();
		std::string id = accept(spool, "h1", "{\"a\": 1}", "dep");
		std::optional<JobInfo> job = spool.find(id);
		CPPUNIT_ASSERT(job);
		CPPUNIT_ASSERT_EQUAL(std::string("queued"), job->status);
		CPPUNIT_ASSERT_EQUAL(std::string("h1"), job->hookId);
		CPPUNIT_ASSERT_EQUAL(std::string("dep"), job->dependency);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"a\": 1}"), spool.readBody(id));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), spool.pending().size());
	}

	void testBodyBytesSurviveExactly()
	{
		TempDir dir;
		std::string body("{\"k\": \"\xEF\xBB\xBF\n\r\0\xFF\"}", 14);
		std::string id;
		{
			JobSpool spool(dir.file("spool"), 10);
			spool.open();
			id = accept(spool, "h", body);
		}
		JobSpool again(dir.file("spool"), 10);
		again.open();
		CPPUNIT_ASSERT(body == again.readBody(id));
	}

	void testJournalAndFolderArePrivate()
	{
		TempDir dir;
		JobSpool spool(dir.file("spool"), 10);
		spool.open();
		struct stat st;
		CPPUNIT_ASSERT_EQUAL(0, ::stat(dir.file("spool").c_str(), &st));
		CPPUNIT_ASSERT_EQUAL(0700, static_cast<int>(st.st_mode & 0777));
		CPPUNIT_ASSERT_EQUAL(0, ::stat(dir.file("spool/journal").c_str(), &st));
		CPPUNIT_ASSERT_EQUAL(0600, static_cast<int>(st.st_mode & 0777));
	}

	void testReopenKeepsPendingJobsInArrivalOrder()
	{
		TempDir dir;
		std::vector<std::string> ids;
		{
			JobSpool spool(dir.file("spool"), 10);
			spool.open();
			for (int i = 0; i < 5; ++i) ids.push_back(accept(spool, "h", "{\"i\": " + std::to_string(i) + "}"));
		}
		JobSpool again(dir.file("spool"), 10);
		again.open();
		std::vector<JobInfo> pending = again.pending();
		CPPUNIT_ASSERT_EQUAL(std::size_t(5), pending.size());
		for (std::size_t i = 0; i < ids.size(); ++i) CPPUNIT_ASSERT_EQUAL(ids[i], pending[i].jobId);
		CPPUNIT_ASSERT(again.interrupted().empty());
	}

	void testStartedJobIsInterruptedAfterReopen()
	{
		TempDir dir;
		std::string started, waiting;
		{
			JobSpool spool(dir.file("spool"), 10);
			spool.open();
			started = accept(spool, "h", "{}");
			waiting = accept(spool, "h", "{}");
			spool.markStarted(started, 2, Poco::Timestamp());
		}
		JobSpool again(dir.file("spool"), 10);
		again.open();
		std::vector<JobInfo> interrupted = again.interrupted();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), interrupted.size());
		CPPUNIT_ASSERT_EQUAL(started, interrupted[0].jobId);
		CPPUNIT_ASSERT_EQUAL(2, interrupted[0].workerId);
		std::vector<JobInfo> pending = again.pending();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), pending.size());
		CPPUNIT_ASSERT_EQUAL(waiting, pending[0].jobId);
	}

	void testFinishedJobIsInHistoryAfterReopen()
	{
		TempDir dir;
		std::string id;
		{
			JobSpool spool(dir.file("spool"), 10);
			spool.open();
			id = accept(spool, "hook", "{}");
			spool.markStarted(id, 1, Poco::Timestamp());
			spool.markFinished(resultFor(id, "success"));
			CPPUNIT_ASSERT_EQUAL(std::size_t(0), spool.unfinishedCount());
		}
		JobSpool again(dir.file("spool"), 10);
		again.open();
		std::optional<JobInfo> job = again.find(id);
		CPPUNIT_ASSERT(job);
		CPPUNIT_ASSERT_EQUAL(std::string("success"), job->status);
		CPPUNIT_ASSERT_EQUAL(std::string("text of " + id), job->result->resultText);
		CPPUNIT_ASSERT(again.pending().empty());
		CPPUNIT_ASSERT(again.interrupted().empty());
	}

	void testTornTailIsCutAndEarlierRecordsKept()
	{
		TempDir dir;
		std::string first;
		{
			JobSpool spool(dir.file("spool"), 10);
			spool.open();
			first = accept(spool, "h", "{\"first\": true}");
		}
		std::uint64_t goodSize = Poco::File(dir.file("spool/journal")).getSize();
		{
			// A crash in the middle of the next append.
			std::ofstream out(dir.file("spool/journal"), std::ios::app | std::ios::binary);
			out << "A 40 10 deadbeef\n{\"job_id\": \"half";
		}
		JobSpool again(dir.file("spool"), 10);
		again.open();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), again.pending().size());
		CPPUNIT_ASSERT_EQUAL(first, again.pending()[0].jobId);
		CPPUNIT_ASSERT_EQUAL(goodSize, static_cast<std::uint64_t>(Poco::File(dir.file("spool/journal")).getSize()));
		// And the journal takes new records after the cut.
		std::string next = accept(again, "h", "{}");
		JobSpool third(dir.file("spool"), 10);
		third.open();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), third.pending().size());
		CPPUNIT_ASSERT_EQUAL(next, third.pending()[1].jobId);
	}

	void testCorruptRecordIsCutByChecksum()
	{
		TempDir dir;
		{
			JobSpool spool(dir.file("spool"), 10);
			spool.open();
			accept(spool, "h", "{\"a\": \"xxxxxxxx\"}");
		}
		std::string content = Sygen::Test::readFile(dir.file("spool/journal"));
		std::size_t at = content.find("xxxxxxxx");
		content[at] = 'y';
		Sygen::Test::writeFile(dir.file("spool/journal"), content);
		JobSpool again(dir.file("spool"), 10);
		again.open();
		CPPUNIT_ASSERT(again.pending().empty());
	}

	void testHistoryIsBoundedToTheLimit()
	{
		TempDir dir;
		JobSpool spool(dir.file("spool"), 3);
		spool.open();
		std::vector<std::string> ids;
		for (int i = 0; i < 5; ++i)
		{
			ids.push_back(accept(spool, "h", "{}"));
			spool.markFinished(resultFor(ids.back(), "success"));
		}
		CPPUNIT_ASSERT(!spool.find(ids[0]));
		CPPUNIT_ASSERT(!spool.find(ids[1]));
		CPPUNIT_ASSERT(spool.find(ids[2]));
		CPPUNIT_ASSERT(spool.find(ids[4]));
	}

	void testStartingAnUnknownJobThrows()
	{
		TempDir dir;
		JobSpool spool(dir.file("spool"), 3);
		spool.open();
		CPPUNIT_ASSERT_THROW(spool.markStarted("nope", 1, Poco::Timestamp()), Poco::NotFoundException);
	}

	void testReadingTheBodyOfAFinishedJobThrows()
	{
		TempDir dir;
		JobSpool spool(dir.file("spool"), 3);
		spool.open();
		std::string id = accept(spool, "h", "{}");
		spool.markFinished(resultFor(id, "success"));
		CPPUNIT_ASSERT_THROW(spool.readBody(id), Poco::NotFoundException);
	}

	void testConcurrentAcceptsAreAllDurable()
	{
		TempDir dir;
		const int threads = 8, perThread = 25;
		{
			JobSpool spool(dir.file("spool"), 10);
			spool.open();
			std::vector<std::thread> pool;
			for (int t = 0; t < threads; ++t)
			{
				pool.emplace_back([&spool, t]() {
					for (int i = 0; i < perThread; ++i) accept(spool, "h" + std::to_string(t), "{\"i\": " + std::to_string(i) + "}");
				});
			}
			for (auto& th: pool) th.join();
		}
		JobSpool again(dir.file("spool"), 10);
		again.open();
		CPPUNIT_ASSERT_EQUAL(std::size_t(threads * perThread), again.pending().size());
	}

	void testListShowsUnfinishedFirstThenNewestFinished()
	{
		TempDir dir;
		JobSpool spool(dir.file("spool"), 10);
		spool.open();
		std::string done1 = accept(spool, "h", "{}");
		std::string done2 = accept(spool, "h", "{}");
		std::string open = accept(spool, "h", "{}");
		spool.markFinished(resultFor(done1, "success"));
		spool.markFinished(resultFor(done2, "error:timeout"));
		std::vector<JobInfo> jobs = spool.list(10);
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), jobs.size());
		CPPUNIT_ASSERT_EQUAL(open, jobs[0].jobId);
		CPPUNIT_ASSERT_EQUAL(done2, jobs[1].jobId);
		CPPUNIT_ASSERT_EQUAL(done1, jobs[2].jobId);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), spool.list(2).size());
	}

	void testCompactionKeepsLiveJobsAndHistoryAndShrinks()
	{
		TempDir dir;
		std::string queued, running, kept;
		std::uint64_t peak = 0;
		{
			JobSpool spool(dir.file("spool"), 2, 4096);
			spool.open();
			queued = accept(spool, "h", "{\"queued\": true}");
			running = accept(spool, "h", "{\"running\": true}");
			spool.markStarted(running, 1, Poco::Timestamp());
			std::string big = "{\"pad\": \"" + std::string(1000, 'p') + "\"}";
			for (int i = 0; i < 40; ++i)
			{
				kept = accept(spool, "h", big);
				peak = std::max(peak, spool.journalBytes());
				spool.markFinished(resultFor(kept, "success"));
			}
			CPPUNIT_ASSERT(spool.journalBytes() < peak);
			CPPUNIT_ASSERT_EQUAL(std::string("{\"queued\": true}"), spool.readBody(queued));
		}
		JobSpool again(dir.file("spool"), 2, 4096);
		again.open();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), again.pending().size());
		CPPUNIT_ASSERT_EQUAL(queued, again.pending()[0].jobId);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"queued\": true}"), again.readBody(queued));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), again.interrupted().size());
		CPPUNIT_ASSERT_EQUAL(running, again.interrupted()[0].jobId);
		CPPUNIT_ASSERT(again.find(kept));
		CPPUNIT_ASSERT_EQUAL(std::string("success"), again.find(kept)->status);
	}

	void testDamagedMiddleRecordCostsItselfAlone()
	{
		TempDir dir;
		std::vector<std::string> ids;
		{
			JobSpool spool(dir.file("spool"), 10);
			spool.open();
			for (int i = 0; i < 5; ++i) ids.push_back(accept(spool, "h", "{\"n\": \"body-" + std::to_string(i) + "\"}"));
		}
		std::string content = Sygen::Test::readFile(dir.file("spool/journal"));
		content[content.find("body-2")] = 'B';
		Sygen::Test::writeFile(dir.file("spool/journal"), content);
		{
			JobSpool again(dir.file("spool"), 10);
			again.open();
			std::vector<JobInfo> pending = again.pending();
			CPPUNIT_ASSERT_EQUAL(std::size_t(4), pending.size());
			CPPUNIT_ASSERT_EQUAL(ids[3], pending[2].jobId);
			CPPUNIT_ASSERT_EQUAL(std::string("{\"n\": \"body-4\"}"), again.readBody(ids[4]));
			CPPUNIT_ASSERT_EQUAL(std::size_t(1), again.damage().size());
			CPPUNIT_ASSERT_EQUAL(ids[2], again.damage()[0].jobIds.at(0));
			CPPUNIT_ASSERT_EQUAL(std::size_t(1), again.lostJobs().size());
			std::string kept = Sygen::Test::readFile(again.damage()[0].quarantineFile);
			CPPUNIT_ASSERT(kept.find("Body-2") != std::string::npos);
		}
		// The journal was rewritten without the damage: nothing to report again.
		JobSpool third(dir.file("spool"), 10);
		third.open();
		CPPUNIT_ASSERT(third.damage().empty());
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), third.pending().size());
		CPPUNIT_ASSERT_EQUAL(std::string("{\"n\": \"body-4\"}"), third.readBody(ids[4]));
	}

	void testQueuedJobNamedInDamageIsNeverRunAgain()
	{
		// A damaged "started" record would make the job look queued: it may have run.
		TempDir dir;
		std::string id;
		{
			JobSpool spool(dir.file("spool"), 10);
			spool.open();
			id = accept(spool, "h", "{}");
			spool.markStarted(id, 7, Poco::Timestamp());
			accept(spool, "h", "{}");
		}
		std::string content = Sygen::Test::readFile(dir.file("spool/journal"));
		std::size_t started = content.find("\nS ");
		CPPUNIT_ASSERT(started != std::string::npos);
		content[started + 1] = 'X';
		Sygen::Test::writeFile(dir.file("spool/journal"), content);
		JobSpool again(dir.file("spool"), 10);
		again.open();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), again.interrupted().size());
		CPPUNIT_ASSERT_EQUAL(id, again.interrupted()[0].jobId);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), again.pending().size());
		CPPUNIT_ASSERT(again.pending()[0].jobId != id);
	}

	void testRefusedResultIsKeptInMemory()
	{
		TempDir dir;
		Poco::File(dir.file("spool")).createDirectories();
		CPPUNIT_ASSERT_EQUAL(0, ::symlink("/dev/full", dir.file("spool/journal").c_str()));
		JobSpool spool(dir.file("spool"), 10);
		spool.open();
		spool.setRetryDelays(5, 20);
		spool.markFinished(resultFor("job-1", "success"));
		CPPUNIT_ASSERT_EQUAL(std::string("success"), spool.find("job-1")->status);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), spool.unwrittenResults());
		CPPUNIT_ASSERT(!spool.writable());
		CPPUNIT_ASSERT(spool.writeFailures() >= 1);
		// Retried by the flusher on its own (and refused again, the disk is still full).
		std::uint64_t failures = spool.writeFailures();
		for (int i = 0; i < 200 && spool.writeFailures() == failures; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
		CPPUNIT_ASSERT(spool.writeFailures() > failures);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), spool.unwrittenResults());
	}

	void testJobIsRefusedWhenItsRecordCannotBeWritten()
	{
		// A journal on a full disk: every write fails with ENOSPC.
		TempDir dir;
		Poco::File(dir.file("spool")).createDirectories();
		CPPUNIT_ASSERT_EQUAL(0, ::symlink("/dev/full", dir.file("spool/journal").c_str()));
		JobSpool spool(dir.file("spool"), 10);
		spool.open();
		std::string first = JobSpool::newJobId();
		CPPUNIT_ASSERT_THROW(spool.accept(first, "h", "", "{}", Poco::Timestamp()), Poco::WriteFileException);
		CPPUNIT_ASSERT(!spool.find(first));
		CPPUNIT_ASSERT(spool.pending().empty());
		// The failure is not sticky in the flusher: the next caller gets its own answer.
		std::string second = JobSpool::newJobId();
		CPPUNIT_ASSERT_THROW(spool.accept(second, "h", "", "{}", Poco::Timestamp()), Poco::WriteFileException);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), spool.unfinishedCount());
	}

	void testBodyIsReadableAsSoonAsAcceptReturns()
	{
		// Records are batched in memory until the flusher writes them: accept() must
		// not return before its record is in the file.
		TempDir dir;
		JobSpool spool(dir.file("spool"), 10);
		spool.open();
		std::vector<std::thread> pool;
		std::vector<std::string> failures(4);
		for (int t = 0; t < 4; ++t)
		{
			pool.emplace_back([&spool, &failures, t]() {
				for (int i = 0; i < 50; ++i)
				{
					std::string body = "{\"t\": " + std::to_string(t) + ", \"i\": " + std::to_string(i) + "}";
					std::string id = accept(spool, "h", body);
					if (spool.readBody(id) != body) failures[t] = "body of " + id + " differs";
				}
			});
		}
		for (auto& th: pool) th.join();
		for (const std::string& failure: failures) CPPUNIT_ASSERT_EQUAL(std::string(), failure);
		CPPUNIT_ASSERT_EQUAL(std::size_t(200), spool.pending().size());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(JobSpoolTest);
