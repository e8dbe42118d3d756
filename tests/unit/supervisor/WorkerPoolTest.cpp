//
// WorkerPoolTest.cpp
//
// WorkerPool and Dispatcher with real worker processes: sygen-test-worker (the
// real WorkerApp with a scripted handler, SYGEN_TEST_WORKER) and once the real
// sygen-webhook-worker (SYGEN_WORKER).
//

#include "workers/WorkerPool.h"
#include "Sygen/Foundation/UnixSocket.h"
#include "TestSupport.h"
#include "jobs/Dispatcher.h"
#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/NumberParser.h>
#include <Poco/StringTokenizer.h>
#include <algorithm>
#include <condition_variable>
#include <cppunit/extensions/HelperMacros.h>
#include <csignal>
#include <map>
#include <mutex>
#include <sys/stat.h>
#include <thread>

using namespace Sygen;

namespace {

const Poco::Timespan DEADLINE(20, 0);

class ScriptPreparer: public JobPreparer
/// The job's hook id is the script (see TestWorker.cpp); "gone" is a deleted hook.
{
public:
	std::optional<WorkOrder> prepare(const QueuedJob& job, WebhookResult& failure) override
	{
		if (job.hookId == "gone")
		{
			failure.jobId = job.jobId;
			failure.status = "error:not_found";
			return std::nullopt;
		}
		WorkOrder order;
		order.jobId = job.jobId;
		order.spec.id = "test";
		order.spec.title = "Test";
		order.spec.mode = "cron_task";
		order.prompt = job.hookId;
		order.queuedAt = "2024-01-01T00:00:00.000000+00:00";
		return order;
	}
};

class RecordingObserver: public JobObserver
{
public:
	void jobStarted(const std::string& jobId, int workerId, Poco::Timestamp) override
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_started[jobId] = workerId;
		_changed.notify_all();
	}

	void jobFinished(const WebhookResult& result) override
	{
		std::lock_guard<std::mutex> lock(_mutex);
		CPPUNIT_ASSERT(_finished.count(result.jobId) == 0); // never twice
		_finished[result.jobId] = result;
		_changed.notify_all();
	}

	bool waitStarted(const std::string& jobId, int* workerId = nullptr)
	{
		std::unique_lock<std::mutex> lock(_mutex);
		bool ok = _changed.wait_for(lock, std::chrono::seconds(DEADLINE.totalSeconds()), [&] { return _started.count(jobId) > 0; });
		if (ok && workerId) *workerId = _started[jobId];
		return ok;
	}

	std::optional<WebhookResult> waitFinished(const std::string& jobId, Poco::Timespan timeout = DEADLINE)
	{
		std::unique_lock<std::mutex> lock(_mutex);
		if (!_changed.wait_for(lock, std::chrono::microseconds(timeout.totalMicroseconds()), [&] { return _finished.count(jobId) > 0; }))
			return std::nullopt;
		return _finished[jobId];
	}

	std::size_t finishedCount()
	{
		std::lock_guard<std::mutex> lock(_mutex);
		return _finished.size();
	}

private:
	std::mutex _mutex;
	std::condition_variable _changed;
	std::map<std::string, int> _started;
	std::map<std::string, WebhookResult> _finished;
};

struct Interval
{
	long long start = 0;
	long long end = 0;
	int pid = 0;
};

Interval intervalOf(const WebhookResult& r)
{
	Poco::StringTokenizer t(r.resultText, " ");
	CPPUNIT_ASSERT_EQUAL(std::size_t(3), t.count());
	Interval i;
	i.start = Poco::NumberParser::parse64(t[0]);
	i.end = Poco::NumberParser::parse64(t[1]);
	i.pid = Poco::NumberParser::parse(t[2]);
	return i;
}

QueuedJob job(const std::string& id, const std::string& script, const std::string& dependency = "")
{
	QueuedJob j;
	j.jobId = id;
	j.hookId = script;
	j.dependency = dependency;
	j.queuedAt = Poco::Timestamp();
	return j;
}

bool processAlive(pid_t pid)
{
	return pid > 0 && ::kill(pid, 0) == 0;
}

} // namespace

class WorkerPoolTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(WorkerPoolTest);
	CPPUNIT_TEST(testTransitionTableHasOneTargetPerStateAndEvent);
	CPPUNIT_TEST(testStartsConfiguredNumberOfWorkers);
	CPPUNIT_TEST(testSocketIsMode0600);
	CPPUNIT_TEST(testJobFlowsToWorkerAndBack);
	CPPUNIT_TEST(testKilledBusyWorkerGivesWorkerLostAndFreshWorkerWhileOtherJobCompletes);
	CPPUNIT_TEST(testGracefulRestartReplacesExactlyOnePidAfterItsJob);
	CPPUNIT_TEST(testImmediateRestartReplacesOnlyThatWorker);
	CPPUNIT_TEST(testStopKeepsWorkerStoppedAndStartBringsItBack);
	CPPUNIT_TEST(testImmediateStopOfIdleWorkerEndsItWithoutSigkill);
	CPPUNIT_TEST(testJobsOfOneDependencyNeverOverlapWhileOthersDo);
	CPPUNIT_TEST(testWorkerExiting78IsFailedAndNotRespawned);
	CPPUNIT_TEST(testMissingExecutableIsFailed);
	CPPUNIT_TEST(testSilentWorkerIsReplaced);
	CPPUNIT_TEST(testSigtermedWorkerFinishesItsJobAndIsReplaced);
	CPPUNIT_TEST(testStrangerWithWrongPidIsRejected);
	CPPUNIT_TEST(testShutdownLetsRunningJobFinish);
	CPPUNIT_TEST(testRealWorkerBinaryRunsJob);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp()
	{
		_dir.reset(new Test::TempDir);
		_observer.reset(new RecordingObserver);
		_preparer.reset(new ScriptPreparer);
		_dispatcher.reset(new Dispatcher(*_preparer, *_observer, 100));
	}

	void tearDown()
	{
		if (_pool) _pool->shutdown(Poco::Timespan(0));
		_dispatcher->setWorkers(nullptr);
		_pool.reset();
		_dispatcher.reset();
		_dir.reset();
	}

	WorkerPoolOptions options(int workers, const std::string& executable = SYGEN_TEST_WORKER)
	{
		WorkerPoolOptions o;
		o.workerExecutable = executable;
		o.workerArguments = {"--home", _dir->path(), "--log", "stderr", "--log-level", "warning"};
		o.socketPath = _dir->file("worker.sock");
		o.workers = workers;
		o.heartbeatInterval = Poco::Timespan(0, 100000);
		// Generous: on a loaded machine a heartbeat can be late by seconds, and a
		// healthy worker must not be taken for a silent one. The silence test sets
		// its own short timeout.
		o.heartbeatTimeout = Poco::Timespan(15, 0);
		o.killGrace = Poco::Timespan(1, 0);
		o.backoffInitial = Poco::Timespan(0, 100000);
		return o;
	}

	void startPool(const WorkerPoolOptions& o)
	{
		_pool.reset(new WorkerPool(o, *_dispatcher));
		_dispatcher->setWorkers(_pool.get());
		_pool->start();
	}

	bool waitIdle(std::size_t count)
	{
		return _pool->waitUntil(
			[count](const std::vector<WorkerInfo>& ws) {
				return static_cast<std::size_t>(
						   std::count_if(ws.begin(), ws.end(), [](const WorkerInfo& w) { return w.state == "idle"; })) == count;
			},
			DEADLINE);
	}

	WorkerInfo info(int id)
	{
		for (const WorkerInfo& w: _pool->list())
		{
			if (w.id == id) return w;
		}
		CPPUNIT_FAIL("no worker " + std::to_string(id));
		return WorkerInfo();
	}

	bool waitState(int id, const std::string& state, Poco::Timespan timeout = DEADLINE)
	{
		return _pool->waitUntil(
			[id, state](const std::vector<WorkerInfo>& ws) {
				for (const WorkerInfo& w: ws)
				{
					if (w.id == id) return w.state == state;
				}
				return false;
			},
			timeout);
	}

	void testTransitionTableHasOneTargetPerStateAndEvent()
	{
		for (std::size_t i = 0; i < WorkerPool::TRANSITION_COUNT; ++i)
		{
			for (std::size_t j = i + 1; j < WorkerPool::TRANSITION_COUNT; ++j)
			{
				bool duplicate = WorkerPool::TRANSITIONS[i].from == WorkerPool::TRANSITIONS[j].from &&
					WorkerPool::TRANSITIONS[i].event == WorkerPool::TRANSITIONS[j].event;
				CPPUNIT_ASSERT(!duplicate);
			}
		}
		CPPUNIT_ASSERT(WorkerPool::nextState(WorkerPool::State::IDLE, WorkerPool::Event::JOB_SENT) == WorkerPool::State::BUSY);
		CPPUNIT_ASSERT(!WorkerPool::nextState(WorkerPool::State::STOPPED, WorkerPool::Event::HELLO));
		CPPUNIT_ASSERT(WorkerPool::nextState(WorkerPool::State::BUSY, WorkerPool::Event::EXIT_FATAL) == WorkerPool::State::FAILED);
	}

	void testStartsConfiguredNumberOfWorkers()
	{
		startPool(options(3));
		CPPUNIT_ASSERT(waitIdle(3));
		std::set<pid_t> pids;
		for (const WorkerInfo& w: _pool->list())
		{
			CPPUNIT_ASSERT(processAlive(w.pid));
			CPPUNIT_ASSERT_EQUAL(std::string(SYGEN_VERSION), w.version);
			CPPUNIT_ASSERT_EQUAL(0u, w.restarts);
			pids.insert(w.pid);
		}
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), pids.size());
	}

	void testSocketIsMode0600()
	{
		startPool(options(1));
		struct stat st;
		CPPUNIT_ASSERT_EQUAL(0, ::stat(_pool->socketPath().c_str(), &st));
		CPPUNIT_ASSERT_EQUAL(0600, static_cast<int>(st.st_mode & 0777));
		_pool->shutdown(Poco::Timespan(5, 0));
		CPPUNIT_ASSERT(::stat(_dir->file("worker.sock").c_str(), &st) != 0);
	}

	void testJobFlowsToWorkerAndBack()
	{
		startPool(options(1));
		CPPUNIT_ASSERT(waitIdle(1));
		_dispatcher->submit(job("j1", "quick"));
		std::optional<WebhookResult> r = _observer->waitFinished("j1");
		CPPUNIT_ASSERT(r);
		CPPUNIT_ASSERT_EQUAL(std::string("success"), r->status);
		CPPUNIT_ASSERT_EQUAL(std::string("test"), r->hookId);
		CPPUNIT_ASSERT_EQUAL(std::string("Test"), r->hookTitle);
		CPPUNIT_ASSERT_EQUAL(info(1).pid, intervalOf(*r).pid);
		CPPUNIT_ASSERT(waitIdle(1));
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), info(1).jobsDone);
	}

	void testKilledBusyWorkerGivesWorkerLostAndFreshWorkerWhileOtherJobCompletes()
	{
		startPool(options(2));
		CPPUNIT_ASSERT(waitIdle(2));
		_dispatcher->submit(job("victim", "sleep 30000"));
		_dispatcher->submit(job("survivor", "sleep 1500"));
		int victimWorker = 0;
		int survivorWorker = 0;
		CPPUNIT_ASSERT(_observer->waitStarted("victim", &victimWorker));
		CPPUNIT_ASSERT(_observer->waitStarted("survivor", &survivorWorker));
		CPPUNIT_ASSERT(victimWorker != survivorWorker);
		CPPUNIT_ASSERT(waitState(victimWorker, "busy"));
		pid_t victimPid = info(victimWorker).pid;
		pid_t survivorPid = info(survivorWorker).pid;

		Poco::Timestamp killedAt;
		CPPUNIT_ASSERT_EQUAL(0, ::kill(victimPid, SIGKILL));

		std::optional<WebhookResult> lost = _observer->waitFinished("victim");
		CPPUNIT_ASSERT(lost);
		CPPUNIT_ASSERT_EQUAL(std::string("error:worker_lost"), lost->status);

		// A fresh worker within 2 s (generous polling, then the bound itself).
		CPPUNIT_ASSERT(_pool->waitUntil(
			[&](const std::vector<WorkerInfo>& ws) {
				for (const WorkerInfo& w: ws)
				{
					if (w.id == victimWorker) return w.state == "idle" && w.pid != victimPid && w.pid > 0;
				}
				return false;
			},
			DEADLINE));
		CPPUNIT_ASSERT(killedAt.elapsed() < 2 * Poco::Timestamp::resolution());
		CPPUNIT_ASSERT_EQUAL(1u, info(victimWorker).restarts);

		std::optional<WebhookResult> survived = _observer->waitFinished("survivor");
		CPPUNIT_ASSERT(survived);
		CPPUNIT_ASSERT_EQUAL(std::string("success"), survived->status);
		CPPUNIT_ASSERT_EQUAL(survivorPid, info(survivorWorker).pid);
	}

	void testGracefulRestartReplacesExactlyOnePidAfterItsJob()
	{
		startPool(options(2));
		CPPUNIT_ASSERT(waitIdle(2));
		_dispatcher->submit(job("long", "sleep 800"));
		int busyWorker = 0;
		CPPUNIT_ASSERT(_observer->waitStarted("long", &busyWorker));
		int otherWorker = busyWorker == 1 ? 2 : 1;
		pid_t busyPid = info(busyWorker).pid;
		pid_t otherPid = info(otherWorker).pid;

		_pool->restart(busyWorker, false);
		CPPUNIT_ASSERT_EQUAL(std::string("draining"), info(busyWorker).state);
		std::optional<WebhookResult> r = _observer->waitFinished("long");
		CPPUNIT_ASSERT(r);
		CPPUNIT_ASSERT_EQUAL(std::string("success"), r->status);
		CPPUNIT_ASSERT(_pool->waitUntil(
			[&](const std::vector<WorkerInfo>&) {
				WorkerInfo w = info(busyWorker);
				return w.state == "idle" && w.pid != busyPid;
			},
			DEADLINE));
		CPPUNIT_ASSERT_EQUAL(otherPid, info(otherWorker).pid);
		CPPUNIT_ASSERT_EQUAL(0u, info(otherWorker).restarts);
		CPPUNIT_ASSERT_EQUAL(1u, info(busyWorker).restarts);
	}

	void testImmediateRestartReplacesOnlyThatWorker()
	{
		startPool(options(2));
		CPPUNIT_ASSERT(waitIdle(2));
		_dispatcher->submit(job("a", "sleep 1000"));
		_dispatcher->submit(job("b", "sleep 1000"));
		CPPUNIT_ASSERT(_observer->waitStarted("a"));
		CPPUNIT_ASSERT(_observer->waitStarted("b"));
		CPPUNIT_ASSERT(waitState(2, "busy"));
		pid_t pid1 = info(1).pid;
		pid_t pid2 = info(2).pid;
		std::string jobOf1 = info(1).currentJob;
		std::string jobOf2 = info(2).currentJob;

		_pool->restart(2, true);
		CPPUNIT_ASSERT(_pool->waitUntil(
			[&](const std::vector<WorkerInfo>&) {
				WorkerInfo w = info(2);
				return w.state == "idle" && w.pid != pid2 && w.pid > 0;
			},
			DEADLINE));
		// Worker 1 and its job are untouched.
		std::optional<WebhookResult> r1 = _observer->waitFinished(jobOf1);
		CPPUNIT_ASSERT(r1);
		CPPUNIT_ASSERT_EQUAL(std::string("success"), r1->status);
		CPPUNIT_ASSERT_EQUAL(pid1, info(1).pid);
		// Worker 2's job either finished within the SIGTERM grace or was lost; never both.
		std::optional<WebhookResult> r2 = _observer->waitFinished(jobOf2);
		CPPUNIT_ASSERT(r2);
		CPPUNIT_ASSERT(r2->status == "success" || r2->status == "error:worker_lost");
	}

	void testStopKeepsWorkerStoppedAndStartBringsItBack()
	{
		startPool(options(2));
		CPPUNIT_ASSERT(waitIdle(2));
		pid_t pid1 = info(1).pid;
		_pool->stop(2, false);
		CPPUNIT_ASSERT(waitState(2, "stopped"));
		CPPUNIT_ASSERT_EQUAL(pid_t(0), info(2).pid);
		// Stays stopped: no respawn behind our back.
		std::this_thread::sleep_for(std::chrono::milliseconds(300));
		CPPUNIT_ASSERT_EQUAL(std::string("stopped"), info(2).state);
		CPPUNIT_ASSERT_EQUAL(pid1, info(1).pid);

		_dispatcher->submit(job("only-one", "quick"));
		CPPUNIT_ASSERT(_observer->waitFinished("only-one"));

		_pool->startWorker(2);
		CPPUNIT_ASSERT(waitIdle(2));
		CPPUNIT_ASSERT_THROW(_pool->startWorker(7), Poco::NotFoundException);
	}

	void testImmediateStopOfIdleWorkerEndsItWithoutSigkill()
	{
		// The SIGTERMed worker announces "draining" and waits for "drain"; the pool
		// answers it in "stopping" too, so the worker exits 0 at once instead of
		// waiting out its drain timeout (5 s) and the pool's SIGKILL.
		WorkerPoolOptions o = options(1);
		o.killGrace = Poco::Timespan(30, 0);
		startPool(o);
		CPPUNIT_ASSERT(waitIdle(1));
		Poco::Clock stopped;
		_pool->stop(1, true);
		CPPUNIT_ASSERT(waitState(1, "stopped"));
		CPPUNIT_ASSERT_EQUAL(std::string("exit 0"), info(1).lastExit);
		CPPUNIT_ASSERT(!stopped.isElapsed(4000000));

		_pool->startWorker(1);
		CPPUNIT_ASSERT(waitIdle(1));
		_dispatcher->submit(job("after-stop", "quick"));
		std::optional<WebhookResult> r = _observer->waitFinished("after-stop");
		CPPUNIT_ASSERT(r);
		CPPUNIT_ASSERT_EQUAL(std::string("success"), r->status);
	}

	void testJobsOfOneDependencyNeverOverlapWhileOthersDo()
	{
		startPool(options(3));
		CPPUNIT_ASSERT(waitIdle(3));
		for (int i = 0; i < 3; ++i) _dispatcher->submit(job("dep" + std::to_string(i), "sleep 300", "db"));
		_dispatcher->submit(job("free1", "sleep 600"));
		std::vector<Interval> dep;
		for (int i = 0; i < 3; ++i)
		{
			std::optional<WebhookResult> r = _observer->waitFinished("dep" + std::to_string(i));
			CPPUNIT_ASSERT(r);
			CPPUNIT_ASSERT_EQUAL(std::string("success"), r->status);
			dep.push_back(intervalOf(*r));
		}
		std::optional<WebhookResult> free1 = _observer->waitFinished("free1");
		CPPUNIT_ASSERT(free1);
		Interval f = intervalOf(*free1);
		// FIFO and no overlap within the dependency.
		CPPUNIT_ASSERT(dep[0].end <= dep[1].start);
		CPPUNIT_ASSERT(dep[1].end <= dep[2].start);
		// The job without dependency ran alongside the first one.
		CPPUNIT_ASSERT(f.start < dep[0].end && dep[0].start < f.end);
	}

	void testWorkerExiting78IsFailedAndNotRespawned()
	{
		WorkerPoolOptions o = options(1);
		o.workerArguments.push_back("--no-such-option");
		startPool(o);
		CPPUNIT_ASSERT(waitState(1, "failed"));
		CPPUNIT_ASSERT_EQUAL(std::string("exit 78"), info(1).lastExit);
		std::this_thread::sleep_for(std::chrono::milliseconds(500));
		CPPUNIT_ASSERT_EQUAL(std::string("failed"), info(1).state);
		CPPUNIT_ASSERT_EQUAL(0u, info(1).restarts);
	}

	void testMissingExecutableIsFailed()
	{
		startPool(options(1, _dir->file("no-such-worker")));
		CPPUNIT_ASSERT(waitState(1, "failed"));
		CPPUNIT_ASSERT(info(1).lastExit.find("exec") != std::string::npos);
	}

	void testSilentWorkerIsReplaced()
	{
		WorkerPoolOptions o = options(1);
		o.heartbeatTimeout = Poco::Timespan(2, 0);
		startPool(o);
		CPPUNIT_ASSERT(waitIdle(1));
		pid_t pid = info(1).pid;
		_dispatcher->submit(job("stuck", "hang"));
		std::optional<WebhookResult> r = _observer->waitFinished("stuck");
		CPPUNIT_ASSERT(r);
		CPPUNIT_ASSERT_EQUAL(std::string("error:worker_lost"), r->status);
		CPPUNIT_ASSERT(_pool->waitUntil(
			[&](const std::vector<WorkerInfo>&) {
				WorkerInfo w = info(1);
				return w.state == "idle" && w.pid != pid && w.pid > 0;
			},
			DEADLINE));
	}

	void testSigtermedWorkerFinishesItsJobAndIsReplaced()
	{
		startPool(options(1));
		CPPUNIT_ASSERT(waitIdle(1));
		_dispatcher->submit(job("j", "sleep 500"));
		CPPUNIT_ASSERT(_observer->waitStarted("j"));
		CPPUNIT_ASSERT(waitState(1, "busy"));
		pid_t pid = info(1).pid;
		::kill(pid, SIGTERM);
		std::optional<WebhookResult> r = _observer->waitFinished("j");
		CPPUNIT_ASSERT(r);
		CPPUNIT_ASSERT_EQUAL(std::string("success"), r->status);
		CPPUNIT_ASSERT(_pool->waitUntil(
			[&](const std::vector<WorkerInfo>&) {
				WorkerInfo w = info(1);
				return w.state == "idle" && w.pid != pid && w.pid > 0;
			},
			DEADLINE));
	}

	void testStrangerWithWrongPidIsRejected()
	{
		startPool(options(1));
		CPPUNIT_ASSERT(waitIdle(1));
		WorkerChannel stranger(UnixSocket::connect(_pool->socketPath()));
		Poco::JSON::Object::Ptr hello = new Poco::JSON::Object;
		hello->set("type", "hello");
		hello->set("worker_id", 1);
		hello->set("pid", 1);
		stranger.send(*hello);
		Poco::JSON::Object::Ptr answer = stranger.receive(DEADLINE);
		CPPUNIT_ASSERT(answer);
		CPPUNIT_ASSERT_EQUAL(std::string("reject"), answer->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("idle"), info(1).state);
	}

	void testShutdownLetsRunningJobFinish()
	{
		startPool(options(1));
		CPPUNIT_ASSERT(waitIdle(1));
		_dispatcher->submit(job("running", "sleep 500"));
		CPPUNIT_ASSERT(_observer->waitStarted("running"));
		_dispatcher->submit(job("unstarted", "quick"));
		_dispatcher->pause();
		_pool->shutdown(Poco::Timespan(10, 0));
		std::optional<WebhookResult> r = _observer->waitFinished("running", Poco::Timespan(0));
		CPPUNIT_ASSERT(r);
		CPPUNIT_ASSERT_EQUAL(std::string("success"), r->status);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _observer->finishedCount());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _dispatcher->queuedCount());
		for (const WorkerInfo& w: _pool->list()) CPPUNIT_ASSERT_EQUAL(pid_t(0), w.pid);
	}

	void testRealWorkerBinaryRunsJob()
	{
		// The real worker with JobRunner: a hook of an unknown mode needs no CLI.
		class UnknownModePreparer: public JobPreparer
		{
		public:
			std::optional<WorkOrder> prepare(const QueuedJob& job, WebhookResult&) override
			{
				WorkOrder order;
				order.jobId = job.jobId;
				order.spec.id = "real";
				order.spec.title = "Real";
				order.spec.mode = "telepathy";
				order.prompt = "hello";
				return order;
			}
		};
		UnknownModePreparer preparer;
		_dispatcher.reset(new Dispatcher(preparer, *_observer, 10));
		startPool(options(1, SYGEN_WORKER));
		CPPUNIT_ASSERT(waitIdle(1));
		_dispatcher->submit(job("real-job", "x"));
		std::optional<WebhookResult> r = _observer->waitFinished("real-job");
		CPPUNIT_ASSERT(r);
		CPPUNIT_ASSERT_EQUAL(std::string("error:unknown_mode_telepathy"), r->status);
		CPPUNIT_ASSERT_EQUAL(std::string("real"), r->hookId);
		_pool->shutdown(Poco::Timespan(5, 0));
		_pool.reset();
	}

private:
	std::unique_ptr<Test::TempDir> _dir;
	std::unique_ptr<RecordingObserver> _observer;
	std::unique_ptr<ScriptPreparer> _preparer;
	std::unique_ptr<Dispatcher> _dispatcher;
	std::unique_ptr<WorkerPool> _pool;
};

CPPUNIT_TEST_SUITE_REGISTRATION(WorkerPoolTest);
