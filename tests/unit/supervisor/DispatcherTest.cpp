//
// DispatcherTest.cpp
//
// The dispatcher against a fake pool: ordering, capacity and lost workers
// without any process.
//

#include "jobs/Dispatcher.h"
#include "Sygen/Foundation/Clock.h"
#include <Poco/Exception.h>
#include <atomic>
#include <chrono>
#include <cppunit/extensions/HelperMacros.h>
#include <map>
#include <set>
#include <thread>

using namespace Sygen;

namespace {

class FakeWorkers: public WorkerPort
{
public:
	std::set<int> idle;
	std::map<int, std::string> running; ///< worker → job
	std::vector<std::string> sent;      ///< job ids in send order
	std::set<int> failSends;            ///< workers whose send fails (and who vanish)

	int idleWorker() override { return idle.empty() ? 0 : *idle.begin(); }

	bool sendJob(int workerId, const WorkOrder& order) override
	{
		CPPUNIT_ASSERT(idle.count(workerId));
		idle.erase(workerId);
		if (failSends.count(workerId)) return false;
		running[workerId] = order.jobId;
		sent.push_back(order.jobId);
		return true;
	}

	int workerOf(const std::string& jobId) const
	{
		for (const auto& r: running)
		{
			if (r.second == jobId) return r.first;
		}
		return 0;
	}
};

class FakePreparer: public JobPreparer
{
public:
	std::set<std::string> missingHooks;
	std::set<std::string> throwingHooks;
	int calls = 0;

	std::optional<WorkOrder> prepare(const QueuedJob& job, WebhookResult& failure) override
	{
		++calls;
		if (throwingHooks.count(job.hookId)) throw Poco::IOException("spool unreadable");
		if (missingHooks.count(job.hookId))
		{
			failure.jobId = job.jobId;
			failure.hookId = job.hookId;
			failure.status = "error:not_found";
			return std::nullopt;
		}
		WorkOrder order;
		order.jobId = job.jobId;
		order.spec.id = job.hookId;
		order.spec.title = "Title of " + job.hookId;
		order.spec.mode = "cron_task";
		order.prompt = "prompt";
		return order;
	}
};

class FakeObserver: public JobObserver
{
public:
	std::vector<std::pair<std::string, int>> started;
	std::vector<WebhookResult> finished;

	void jobStarted(const std::string& jobId, int workerId, Poco::Timestamp) override { started.emplace_back(jobId, workerId); }

	void jobFinished(const WebhookResult& result) override { finished.push_back(result); }

	const WebhookResult* resultOf(const std::string& jobId) const
	{
		for (const WebhookResult& r: finished)
		{
			if (r.jobId == jobId) return &r;
		}
		return nullptr;
	}
};

std::string joined(const std::vector<std::string>& items)
{
	std::string text;
	for (const std::string& item: items) text += (text.empty() ? "" : ",") + item;
	return text;
}

QueuedJob job(const std::string& id, const std::string& dependency = "", const std::string& hook = "h")
{
	QueuedJob j;
	j.jobId = id;
	j.hookId = hook;
	j.dependency = dependency;
	return j;
}

WebhookResult success(const std::string& jobId)
{
	WebhookResult r;
	r.jobId = jobId;
	r.status = "success";
	return r;
}

} // namespace

class DispatcherTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(DispatcherTest);
	CPPUNIT_TEST(testDispatchesToIdleWorkerAndMarksStartedFirst);
	CPPUNIT_TEST(testKeepsJobsQueuedWithoutIdleWorkerAndInArrivalOrder);
	CPPUNIT_TEST(testSameDependencyRunsOneAtATimeInFifoOrder);
	CPPUNIT_TEST(testWaitingJobDoesNotOccupyWorker);
	CPPUNIT_TEST(testDifferentDependenciesRunInParallel);
	CPPUNIT_TEST(testMaxConcurrentLimitsOneHookAndLetsOthersPass);
	CPPUNIT_TEST(testCapacityCountsOnlyUnstartedJobs);
	CPPUNIT_TEST(testSubmitBeyondCapacityIsKept);
	CPPUNIT_TEST(testLostWorkerEndsJobAsWorkerLostAndFreesDependency);
	CPPUNIT_TEST(testLostJobIsNeverRequeued);
	CPPUNIT_TEST(testLateResultAfterLossIsIgnored);
	CPPUNIT_TEST(testCancelOfQueuedJobFinishesItUnrun);
	CPPUNIT_TEST(testCancelOfRunningJobEndsItCancelledWhenItsWorkerIsLost);
	CPPUNIT_TEST(testResultBeforeTerminationWinsOverCancel);
	CPPUNIT_TEST(testPreparerFailureFinishesJobWithoutWorker);
	CPPUNIT_TEST(testPreparerExceptionGivesErrorException);
	CPPUNIT_TEST(testFailedSendRequeuesAtHead);
	CPPUNIT_TEST(testPauseKeepsJobsQueued);
	CPPUNIT_TEST(testJobsListShowsRunningQueuedAndWaiting);
	CPPUNIT_TEST(testObserverFailureOnStartLeavesJobQueued);
	CPPUNIT_TEST(testJobIsShownQueuedWhileItsStartIsRecorded);
	CPPUNIT_TEST(testJobNotReadyWaitsAndIsRetried);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp()
	{
		_workers.reset(new FakeWorkers);
		_preparer.reset(new FakePreparer);
		_observer.reset(new FakeObserver);
		_clock.reset(new ManualClock(Poco::Timestamp(1000000000)));
		_dispatcher.reset(new Dispatcher(*_preparer, *_observer, 3, *_clock));
		_dispatcher->setWorkers(_workers.get());
	}

	void tearDown() { _dispatcher.reset(); }

	void finish(const std::string& jobId)
	{
		int w = _workers->workerOf(jobId);
		CPPUNIT_ASSERT(w != 0);
		_workers->running.erase(w);
		_workers->idle.insert(w);
		_dispatcher->jobFinished(w, success(jobId));
	}

	void testDispatchesToIdleWorkerAndMarksStartedFirst()
	{
		_workers->idle = {1};
		_dispatcher->submit(job("j1"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _workers->sent.size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _observer->started.size());
		CPPUNIT_ASSERT_EQUAL(std::string("j1"), _observer->started[0].first);
		CPPUNIT_ASSERT_EQUAL(1, _observer->started[0].second);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _dispatcher->runningCount());
		finish("j1");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _observer->finished.size());
		CPPUNIT_ASSERT_EQUAL(std::string("success"), _observer->finished[0].status);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), _dispatcher->runningCount());
	}

	void testKeepsJobsQueuedWithoutIdleWorkerAndInArrivalOrder()
	{
		_dispatcher->submit(job("a"));
		_dispatcher->submit(job("b"));
		CPPUNIT_ASSERT(_workers->sent.empty());
		CPPUNIT_ASSERT_EQUAL(0, _preparer->calls);
		_workers->idle = {1};
		_dispatcher->workerIdle(1);
		CPPUNIT_ASSERT_EQUAL(std::string("a"), joined(_workers->sent));
		finish("a");
		CPPUNIT_ASSERT_EQUAL(std::string("a,b"), joined(_workers->sent));
	}

	void testSameDependencyRunsOneAtATimeInFifoOrder()
	{
		_workers->idle = {1, 2, 3};
		_dispatcher->submit(job("d1", "db"));
		_dispatcher->submit(job("d2", "db"));
		_dispatcher->submit(job("d3", "db"));
		CPPUNIT_ASSERT_EQUAL(std::string("d1"), joined(_workers->sent));
		finish("d1");
		CPPUNIT_ASSERT_EQUAL(std::string("d1,d2"), joined(_workers->sent));
		finish("d2");
		CPPUNIT_ASSERT_EQUAL(std::string("d1,d2,d3"), joined(_workers->sent));
	}

	void testWaitingJobDoesNotOccupyWorker()
	{
		_workers->idle = {1, 2};
		_dispatcher->submit(job("d1", "db"));
		_dispatcher->submit(job("d2", "db"));
		_dispatcher->submit(job("free"));
		// d2 waits without a worker; the free job behind it takes the second one.
		CPPUNIT_ASSERT_EQUAL(std::string("d1,free"), joined(_workers->sent));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _dispatcher->queuedCount());
	}

	void testDifferentDependenciesRunInParallel()
	{
		_workers->idle = {1, 2};
		_dispatcher->submit(job("x", "dep-x"));
		_dispatcher->submit(job("y", "dep-y"));
		CPPUNIT_ASSERT_EQUAL(std::string("x,y"), joined(_workers->sent));
	}

	void testMaxConcurrentLimitsOneHookAndLetsOthersPass()
	{
		_workers->idle = {1, 2, 3, 4};
		QueuedJob a1 = job("a1", "", "a"), a2 = job("a2", "", "a"), a3 = job("a3", "", "a");
		a1.maxConcurrent = a2.maxConcurrent = a3.maxConcurrent = 2;
		_dispatcher->submit(a1);
		_dispatcher->submit(a2);
		_dispatcher->submit(a3);
		_dispatcher->submit(job("b1", "", "b"));
		// a3 waits for one of its hook's two running jobs; b1 passes it.
		CPPUNIT_ASSERT_EQUAL(std::string("a1,a2,b1"), joined(_workers->sent));
		std::vector<Sygen::DispatcherJob> jobs = _dispatcher->jobs();
		CPPUNIT_ASSERT_EQUAL(std::string("waiting"), jobs.back().state);
		finish("a1");
		CPPUNIT_ASSERT_EQUAL(std::string("a1,a2,b1,a3"), joined(_workers->sent));
	}

	void testCapacityCountsOnlyUnstartedJobs()
	{
		_workers->idle = {1};
		_dispatcher->submit(job("run"));
		CPPUNIT_ASSERT(_dispatcher->hasRoom());
		_dispatcher->submit(job("q1"));
		_dispatcher->submit(job("q2"));
		CPPUNIT_ASSERT(_dispatcher->hasRoom());
		_dispatcher->submit(job("q3"));
		CPPUNIT_ASSERT(!_dispatcher->hasRoom());
		finish("run");
		CPPUNIT_ASSERT(_dispatcher->hasRoom());
	}

	void testSubmitBeyondCapacityIsKept()
	{
		for (int i = 0; i < 5; ++i) _dispatcher->submit(job("j" + std::to_string(i)));
		CPPUNIT_ASSERT_EQUAL(std::size_t(5), _dispatcher->queuedCount());
		CPPUNIT_ASSERT(!_dispatcher->hasRoom());
	}

	void testLostWorkerEndsJobAsWorkerLostAndFreesDependency()
	{
		_workers->idle = {1, 2};
		_dispatcher->submit(job("d1", "db"));
		_dispatcher->submit(job("d2", "db"));
		_clock->advanceSeconds(2);
		_workers->running.erase(1);
		_dispatcher->jobLost(1, "d1");
		const WebhookResult* lost = _observer->resultOf("d1");
		CPPUNIT_ASSERT(lost);
		CPPUNIT_ASSERT_EQUAL(std::string("error:worker_lost"), lost->status);
		CPPUNIT_ASSERT_EQUAL(std::string("h"), lost->hookId);
		CPPUNIT_ASSERT_EQUAL(std::string("Title of h"), lost->hookTitle);
		CPPUNIT_ASSERT_EQUAL(std::string("cron_task"), lost->mode);
		CPPUNIT_ASSERT_EQUAL(2000LL, lost->durationMs);
		CPPUNIT_ASSERT(!lost->startedAt.empty());
		// The dependency is free again: d2 runs on the remaining worker.
		CPPUNIT_ASSERT_EQUAL(std::string("d1,d2"), joined(_workers->sent));
	}

	void testCancelOfQueuedJobFinishesItUnrun()
	{
		_workers->idle = {1};
		_dispatcher->submit(job("running"));
		_dispatcher->submit(job("a"));
		_dispatcher->submit(job("b"));
		Dispatcher::Cancellation c = _dispatcher->cancel("a");
		CPPUNIT_ASSERT_EQUAL(Dispatcher::Cancellation::CANCELLED, c.kind);
		const WebhookResult* cancelled = _observer->resultOf("a");
		CPPUNIT_ASSERT(cancelled);
		CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), cancelled->status);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _dispatcher->queuedCount());
		CPPUNIT_ASSERT_EQUAL(Dispatcher::Cancellation::NOT_ACTIVE, _dispatcher->cancel("a").kind);
		CPPUNIT_ASSERT_EQUAL(Dispatcher::Cancellation::NOT_ACTIVE, _dispatcher->cancel("unknown").kind);
		finish("running");
		finish("b");
		CPPUNIT_ASSERT_EQUAL(std::string("running,b"), joined(_workers->sent));
	}

	void testCancelOfRunningJobEndsItCancelledWhenItsWorkerIsLost()
	{
		_workers->idle = {1, 2};
		_dispatcher->submit(job("x", "db"));
		_dispatcher->submit(job("y", "db"));
		Dispatcher::Cancellation c = _dispatcher->cancel("x");
		CPPUNIT_ASSERT_EQUAL(Dispatcher::Cancellation::TERMINATING, c.kind);
		CPPUNIT_ASSERT_EQUAL(1, c.workerId);
		CPPUNIT_ASSERT(!_observer->resultOf("x"));
		_workers->running.erase(1);
		_dispatcher->jobLost(1, "x");
		CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), _observer->resultOf("x")->status);
		// The dependency is free again; a later loss of another job is a loss.
		CPPUNIT_ASSERT_EQUAL(std::string("x,y"), joined(_workers->sent));
		_workers->running.erase(2);
		_dispatcher->jobLost(2, "y");
		CPPUNIT_ASSERT_EQUAL(std::string("error:worker_lost"), _observer->resultOf("y")->status);
	}

	void testResultBeforeTerminationWinsOverCancel()
	{
		_workers->idle = {1};
		_dispatcher->submit(job("quick"));
		CPPUNIT_ASSERT_EQUAL(Dispatcher::Cancellation::TERMINATING, _dispatcher->cancel("quick").kind);
		finish("quick");
		_dispatcher->jobLost(1, "quick");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _observer->finished.size());
		CPPUNIT_ASSERT_EQUAL(std::string("success"), _observer->finished[0].status);
		CPPUNIT_ASSERT_EQUAL(Dispatcher::Cancellation::NOT_ACTIVE, _dispatcher->cancel("quick").kind);
	}

	void testLostJobIsNeverRequeued()
	{
		_workers->idle = {1};
		_dispatcher->submit(job("once"));
		_workers->running.clear();
		_dispatcher->jobLost(1, "once");
		_workers->idle = {2};
		_dispatcher->workerIdle(2);
		CPPUNIT_ASSERT_EQUAL(std::string("once"), joined(_workers->sent));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), _dispatcher->queuedCount());
	}

	void testLateResultAfterLossIsIgnored()
	{
		_workers->idle = {1};
		_dispatcher->submit(job("j"));
		_dispatcher->jobLost(1, "j");
		_dispatcher->jobFinished(1, success("j"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _observer->finished.size());
		CPPUNIT_ASSERT_EQUAL(std::string("error:worker_lost"), _observer->finished[0].status);
	}

	void testPreparerFailureFinishesJobWithoutWorker()
	{
		_preparer->missingHooks = {"gone"};
		_workers->idle = {1};
		_dispatcher->submit(job("j1", "", "gone"));
		CPPUNIT_ASSERT(_workers->sent.empty());
		CPPUNIT_ASSERT(_observer->started.empty());
		const WebhookResult* r = _observer->resultOf("j1");
		CPPUNIT_ASSERT(r);
		CPPUNIT_ASSERT_EQUAL(std::string("error:not_found"), r->status);
		// The worker stays available for the next job.
		_dispatcher->submit(job("j2"));
		CPPUNIT_ASSERT_EQUAL(std::string("j2"), joined(_workers->sent));
	}

	void testPreparerExceptionGivesErrorException()
	{
		_preparer->throwingHooks = {"bad"};
		_workers->idle = {1};
		_dispatcher->submit(job("j1", "dep", "bad"));
		const WebhookResult* r = _observer->resultOf("j1");
		CPPUNIT_ASSERT(r);
		CPPUNIT_ASSERT_EQUAL(std::string("error:exception"), r->status);
		CPPUNIT_ASSERT_EQUAL(std::string("bad"), r->hookId);
		_dispatcher->submit(job("j2", "dep"));
		CPPUNIT_ASSERT_EQUAL(std::string("j2"), joined(_workers->sent));
	}

	void testFailedSendRequeuesAtHead()
	{
		_workers->idle = {1};
		_workers->failSends = {1};
		_dispatcher->submit(job("first"));
		_dispatcher->submit(job("second"));
		CPPUNIT_ASSERT(_workers->sent.empty());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), _dispatcher->queuedCount());
		_workers->idle = {2};
		_dispatcher->workerIdle(2);
		CPPUNIT_ASSERT_EQUAL(std::string("first"), joined(_workers->sent));
	}

	void testPauseKeepsJobsQueued()
	{
		_dispatcher->pause();
		_workers->idle = {1};
		_dispatcher->submit(job("j"));
		CPPUNIT_ASSERT(_workers->sent.empty());
		CPPUNIT_ASSERT(_dispatcher->paused());
		_dispatcher->resume();
		CPPUNIT_ASSERT_EQUAL(std::string("j"), joined(_workers->sent));
	}

	void testJobsListShowsRunningQueuedAndWaiting()
	{
		_workers->idle = {1};
		_dispatcher->submit(job("run", "db"));
		_dispatcher->submit(job("wait", "db"));
		_dispatcher->submit(job("queue"));
		std::vector<DispatcherJob> jobs = _dispatcher->jobs();
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), jobs.size());
		CPPUNIT_ASSERT_EQUAL(std::string("run"), jobs[0].jobId);
		CPPUNIT_ASSERT_EQUAL(std::string("running"), jobs[0].state);
		CPPUNIT_ASSERT_EQUAL(1, jobs[0].workerId);
		CPPUNIT_ASSERT_EQUAL(std::string("waiting"), jobs[1].state);
		CPPUNIT_ASSERT_EQUAL(std::string("queued"), jobs[2].state);
	}

	void testObserverFailureOnStartLeavesJobQueued()
	{
		// The journal refuses the "started" record (a full disk): the job stays queued
		// and the dispatcher tries again by itself, with no new request or event.
		class FailingObserver: public FakeObserver
		{
		public:
			std::atomic<int> failuresLeft{2};
			std::atomic<int> calls{0};
			void jobStarted(const std::string& jobId, int workerId, Poco::Timestamp at) override
			{
				++calls;
				if (failuresLeft.fetch_sub(1) > 0) throw Poco::IOException("disk full");
				FakeObserver::jobStarted(jobId, workerId, at);
			}
		};
		class CountingWorkers: public FakeWorkers
		{
		public:
			std::atomic<int> sends{0};
			bool sendJob(int workerId, const WorkOrder& order) override
			{
				bool sent = FakeWorkers::sendJob(workerId, order);
				if (sent) ++sends;
				return sent;
			}
		};
		FailingObserver observer;
		CountingWorkers workers;
		Dispatcher dispatcher(*_preparer, observer, 10, *_clock);
		dispatcher.setRetryDelays(1, 5);
		dispatcher.setWorkers(&workers);
		workers.idle = {1};
		dispatcher.submit(job("j"));
		for (int i = 0; i < 500 && workers.sends.load() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
		CPPUNIT_ASSERT_EQUAL(1, workers.sends.load());
		CPPUNIT_ASSERT_EQUAL(3, observer.calls.load());
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), dispatcher.queuedCount());
		CPPUNIT_ASSERT(dispatcher.holdReason().empty());
	}

	void testJobIsShownQueuedWhileItsStartIsRecorded()
	{
		// The "started" record is written with the lock released; a `ctl jobs` in that
		// window must not see "running" for a job whose record the disk may refuse
		// (it happened in FaultInjectionTest on a full disk).
		class PeekingObserver: public FakeObserver
		{
		public:
			Dispatcher* dispatcher = nullptr;
			std::vector<std::string> seen;
			bool refuse = true;
			void jobStarted(const std::string& jobId, int workerId, Poco::Timestamp at) override
			{
				for (const DispatcherJob& j: dispatcher->jobs())
					if (j.jobId == jobId) seen.push_back(j.state + "/" + std::to_string(j.workerId));
				if (refuse) throw Poco::IOException("disk full");
				FakeObserver::jobStarted(jobId, workerId, at);
			}
		};
		PeekingObserver observer;
		Dispatcher dispatcher(*_preparer, observer, 10, *_clock);
		observer.dispatcher = &dispatcher;
		dispatcher.setRetryDelays(60000, 60000);
		_workers->idle = {1};
		dispatcher.setWorkers(_workers.get());
		dispatcher.submit(job("j", "dep"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), observer.seen.size());
		CPPUNIT_ASSERT_EQUAL(std::string("queued/0"), observer.seen[0]);
		std::vector<DispatcherJob> held = dispatcher.jobs();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), held.size());
		CPPUNIT_ASSERT_EQUAL(std::string("queued"), held[0].state);

		observer.refuse = false;
		dispatcher.workerIdle(1);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), observer.seen.size());
		CPPUNIT_ASSERT_EQUAL(std::string("queued/0"), observer.seen[1]);
		std::vector<DispatcherJob> started = dispatcher.jobs();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), started.size());
		CPPUNIT_ASSERT_EQUAL(std::string("running"), started[0].state);
		CPPUNIT_ASSERT_EQUAL(1, started[0].workerId);
		dispatcher.setWorkers(nullptr);
	}

	void testJobNotReadyWaitsAndIsRetried()
	{
		// A preparer that cannot judge the job yet (a broken hook file) never fails it.
		class HoldingPreparer: public FakePreparer
		{
		public:
			std::atomic<int> holdsLeft{2};
			std::optional<WorkOrder> prepare(const QueuedJob& job, WebhookResult& failure) override
			{
				if (holdsLeft.fetch_sub(1) > 0) throw Sygen::JobNotReadyException("hook file broken");
				return FakePreparer::prepare(job, failure);
			}
		};
		class CountingWorkers: public FakeWorkers
		{
		public:
			std::atomic<int> sends{0};
			bool sendJob(int workerId, const WorkOrder& order) override
			{
				bool sent = FakeWorkers::sendJob(workerId, order);
				if (sent) ++sends;
				return sent;
			}
		};
		HoldingPreparer preparer;
		CountingWorkers workers;
		Dispatcher dispatcher(preparer, *_observer, 10, *_clock);
		dispatcher.setRetryDelays(1, 5);
		dispatcher.setWorkers(&workers);
		workers.idle = {1};
		dispatcher.submit(job("j"));
		for (int i = 0; i < 500 && workers.sends.load() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
		CPPUNIT_ASSERT_EQUAL(1, workers.sends.load());
		CPPUNIT_ASSERT(_observer->finished.empty());
	}

private:
	std::unique_ptr<FakeWorkers> _workers;
	std::unique_ptr<FakePreparer> _preparer;
	std::unique_ptr<FakeObserver> _observer;
	std::unique_ptr<ManualClock> _clock;
	std::unique_ptr<Dispatcher> _dispatcher;
};

CPPUNIT_TEST_SUITE_REGISTRATION(DispatcherTest);
