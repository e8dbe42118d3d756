//
// PipelineTest.cpp
//
// The whole path through the real binaries: HTTP → spool → dispatcher → worker
// process → fake CLI → result → GET /jobs/{id} and telemetry; and what happens
// to jobs when workers or the supervisor die.
//

#include "ServiceFixture.h"
#include "Sygen/Foundation/JSONFields.h"
#include "TestSupport.h"
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Thread.h>
#include <cppunit/extensions/HelperMacros.h>
#include <csignal>
#include <set>

using Sygen::JSONFields;
using Sygen::Test::HTTPReply;
using Sygen::Test::ServiceFixture;

namespace {

const char* HOOKS = R"json({"hooks": [
  {"id": "quick", "title": "Quick", "mode": "cron_task", "prompt_template": "Event {{event}}", "task_folder": "quick"},
  {"id": "slow", "title": "Slow", "mode": "cron_task", "prompt_template": "x", "task_folder": "slow"},
  {"id": "serial", "title": "Serial", "mode": "cron_task", "prompt_template": "x", "task_folder": "slow", "dependency": "one-at-a-time"},
  {"id": "failing", "title": "Failing", "mode": "cron_task", "prompt_template": "x", "task_folder": "failing"},
  {"id": "limited", "title": "Limited", "mode": "cron_task", "prompt_template": "x", "task_folder": "brief", "max_concurrent": 1}
]}
)json";

std::string jobIdOf(const HTTPReply& reply)
{
	CPPUNIT_ASSERT_EQUAL_MESSAGE(reply.body, 202, reply.status);
	return reply.json()->getValue<std::string>("job_id");
}

} // namespace

class PipelineTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(PipelineTest);
	CPPUNIT_TEST(testJobRunsToSuccessWithTelemetry);
	CPPUNIT_TEST(testFailingCliIsRecordedAsLastError);
	CPPUNIT_TEST(testWorkersAreRunningAndListed);
	CPPUNIT_TEST(testKillNineOfBusyWorkerGivesWorkerLostAndAFreshWorker);
	CPPUNIT_TEST(testWorkerRestartReplacesExactlyOnePid);
	CPPUNIT_TEST(testFullQueueAnswers503WithRetryAfter);
	CPPUNIT_TEST(testKillNineOfSupervisorLosesNoAcceptedJob);
	CPPUNIT_TEST(testSigtermLetsTheRunningJobFinishAndKeepsQueuedOnes);
	CPPUNIT_TEST(testMaxConcurrentRunsAHooksJobsOneAtATime);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_service.reset(new ServiceFixture);
		_service->writeHooks(HOOKS);
		_service->taskFolder("quick", R"({"result": "all done"})");
		_service->taskFolder("slow", R"({"result": "slow done", "sleep": 3})");
		_service->taskFolder("failing", R"({"shape": "error", "result": "Not logged in"})");
		_service->taskFolder("brief", R"({"result": "brief done", "sleep": 1})");
	}

	void tearDown() override { _service.reset(); }

	void testJobRunsToSuccessWithTelemetry()
	{
		_service->start();
		std::string jobId = jobIdOf(_service->postHook("quick", R"({"event": "push"})"));
		Poco::JSON::Object::Ptr job = _service->waitForJob(jobId);
		CPPUNIT_ASSERT_EQUAL(std::string("success"), job->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("all done"), job->getValue<std::string>("result_text"));
		CPPUNIT_ASSERT(!job->isNull("started_at"));
		CPPUNIT_ASSERT(!job->isNull("finished_at"));
		CPPUNIT_ASSERT(job->getValue<Poco::Int64>("duration_ms") >= 0);
		// Telemetry reaches webhooks.json (coalesced, flushed about once a second).
		CPPUNIT_ASSERT(_service->waitFor([&]() {
			Poco::JSON::Object::Ptr hook = _service->hookOnDisk("quick");
			return hook && hook->optValue<int>("trigger_count", 0) == 1;
		}));
		Poco::JSON::Object::Ptr hook = _service->hookOnDisk("quick");
		CPPUNIT_ASSERT(hook->isNull("last_error"));
		CPPUNIT_ASSERT(!hook->isNull("last_triggered_at"));
	}

	void testFailingCliIsRecordedAsLastError()
	{
		_service->start();
		std::string jobId = jobIdOf(_service->postHook("failing", "{}"));
		Poco::JSON::Object::Ptr job = _service->waitForJob(jobId);
		CPPUNIT_ASSERT_EQUAL(std::string("error:exit_1"), job->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("Not logged in"), job->getValue<std::string>("result_text"));
		CPPUNIT_ASSERT(_service->waitFor([&]() {
			Poco::JSON::Object::Ptr hook = _service->hookOnDisk("failing");
			return hook && hook->has("last_error") && !hook->isNull("last_error");
		}));
		CPPUNIT_ASSERT_EQUAL(std::string("error:exit_1"), _service->hookOnDisk("failing")->getValue<std::string>("last_error"));
	}

	bool allIdle(int count)
	{
		Poco::JSON::Array::Ptr list = _service->workers();
		if (static_cast<int>(list->size()) != count) return false;
		for (std::size_t i = 0; i < list->size(); ++i)
		{
			if (list->getObject(static_cast<unsigned>(i))->getValue<std::string>("state") != "idle") return false;
		}
		return true;
	}

	void testWorkersAreRunningAndListed()
	{
		_service->webhooks().set("workers", 3);
		_service->start();
		CPPUNIT_ASSERT(_service->waitFor([&]() { return allIdle(3); }));
		std::set<int> pids;
		for (int id = 1; id <= 3; ++id) pids.insert(_service->workerPid(id));
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), pids.size());
		CPPUNIT_ASSERT(pids.count(0) == 0);
	}

	void testKillNineOfBusyWorkerGivesWorkerLostAndAFreshWorker()
	{
		_service->start();
		CPPUNIT_ASSERT(_service->waitFor([&]() { return allIdle(2); }));
		std::string doomed = jobIdOf(_service->postHook("slow", "{}"));
		std::string survivor = jobIdOf(_service->postHook("slow", "{}"));
		int victim = 0;
		CPPUNIT_ASSERT(_service->waitFor([&]() {
			victim = _service->workerRunning(doomed);
			return victim != 0 && _service->workerRunning(survivor) != 0;
		}));
		int oldPid = _service->workerPid(victim);
		::kill(oldPid, SIGKILL);
		Poco::JSON::Object::Ptr lost = _service->waitForJob(doomed);
		CPPUNIT_ASSERT_EQUAL(std::string("error:worker_lost"), lost->getValue<std::string>("status"));
		// A fresh worker takes the slot within 2 s (a slow machine gets a generous wait;
		// the bound itself is measured in the pool's unit test and the benchmarks).
		CPPUNIT_ASSERT(_service->waitFor(
			[&]() {
				int pid = _service->workerPid(victim);
				return pid != 0 && pid != oldPid;
			},
			Poco::Timespan(10, 0)));
		Poco::JSON::Object::Ptr other = _service->waitForJob(survivor);
		CPPUNIT_ASSERT_EQUAL(std::string("success"), other->getValue<std::string>("status"));
	}

	void testWorkerRestartReplacesExactlyOnePid()
	{
		_service->start();
		CPPUNIT_ASSERT(_service->waitFor([&]() { return allIdle(2); }));
		int pid1 = _service->workerPid(1), pid2 = _service->workerPid(2);
		std::string output;
		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 0, _service->ctl({"workers", "restart", "2"}, output));
		CPPUNIT_ASSERT(_service->waitFor([&]() {
			int pid = _service->workerPid(2);
			return pid != 0 && pid != pid2 && allIdle(2);
		}));
		CPPUNIT_ASSERT_EQUAL(pid1, _service->workerPid(1));
	}

	void testFullQueueAnswers503WithRetryAfter()
	{
		_service->webhooks().set("workers", 1);
		_service->webhooks().set("queue_capacity", 1);
		_service->start();
		CPPUNIT_ASSERT(_service->waitFor([&]() { return allIdle(1); }));
		std::string running = jobIdOf(_service->postHook("slow", "{}"));
		CPPUNIT_ASSERT(_service->waitFor([&]() { return _service->workerRunning(running) != 0; }));
		std::string waiting = jobIdOf(_service->postHook("slow", "{}"));
		HTTPReply full = _service->postHook("slow", "{}");
		CPPUNIT_ASSERT_EQUAL(503, full.status);
		CPPUNIT_ASSERT_EQUAL(std::string("queue_full"), full.json()->getValue<std::string>("error"));
		CPPUNIT_ASSERT(std::stoi(full.headers.get("Retry-After")) >= 1);
		// Nothing accepted is lost: both accepted jobs finish.
		CPPUNIT_ASSERT_EQUAL(std::string("success"), _service->waitForJob(running)->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("success"), _service->waitForJob(waiting)->getValue<std::string>("status"));
	}

	void testKillNineOfSupervisorLosesNoAcceptedJob()
	{
		_service->start();
		CPPUNIT_ASSERT(_service->waitFor([&]() { return allIdle(2); }));
		// One runs, the others wait for the dependency.
		std::vector<std::string> jobs;
		for (int i = 0; i < 4; ++i) jobs.push_back(jobIdOf(_service->postHook("serial", "{}")));
		CPPUNIT_ASSERT(_service->waitFor([&]() { return _service->workerRunning(jobs[0]) != 0; }));
		::kill(_service->pid(), SIGKILL);
		_service->stop(SIGKILL);
		_service->start({}, false);
		std::map<std::string, std::string> statuses;
		for (const std::string& id: jobs) statuses[id] = _service->waitForJob(id, Poco::Timespan(60, 0))->getValue<std::string>("status");
		CPPUNIT_ASSERT_EQUAL(std::string("error:worker_lost"), statuses[jobs[0]]);
		for (std::size_t i = 1; i < jobs.size(); ++i) CPPUNIT_ASSERT_EQUAL(std::string("success"), statuses[jobs[i]]);
	}

	void testSigtermLetsTheRunningJobFinishAndKeepsQueuedOnes()
	{
		_service->start();
		CPPUNIT_ASSERT(_service->waitFor([&]() { return allIdle(2); }));
		std::string running = jobIdOf(_service->postHook("serial", "{}"));
		std::string queued = jobIdOf(_service->postHook("serial", "{}"));
		CPPUNIT_ASSERT(_service->waitFor([&]() { return _service->workerRunning(running) != 0; }));
		_service->stop(SIGTERM);
		CPPUNIT_ASSERT_EQUAL(0, _service->exitCode());
		_service->start({}, false);
		CPPUNIT_ASSERT_EQUAL(std::string("success"), _service->waitForJob(running)->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("success"), _service->waitForJob(queued)->getValue<std::string>("status"));
	}

	void testMaxConcurrentRunsAHooksJobsOneAtATime()
	{
		_service->webhooks().set("workers", 3);
		_service->start();
		CPPUNIT_ASSERT(_service->waitFor([&]() { return allIdle(3); }));
		std::string first = jobIdOf(_service->postHook("limited", "{}"));
		std::string second = jobIdOf(_service->postHook("limited", "{}"));
		Poco::JSON::Object::Ptr a = _service->waitForJob(first);
		Poco::JSON::Object::Ptr b = _service->waitForJob(second);
		CPPUNIT_ASSERT_EQUAL(std::string("success"), a->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("success"), b->getValue<std::string>("status"));
		// Idle workers were there, yet the second started only after the first finished
		// (ISO timestamps in one format compare as text).
		CPPUNIT_ASSERT_MESSAGE(a->getValue<std::string>("finished_at") + " vs " + b->getValue<std::string>("started_at"),
			b->getValue<std::string>("started_at") >= a->getValue<std::string>("finished_at"));
	}

private:
	std::unique_ptr<ServiceFixture> _service;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PipelineTest);
