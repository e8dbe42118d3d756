//
// ClusterTest.cpp
//
// sygen-webhookd nodes on a real PostgreSQL (webhooks.backend postgres), through
// the real binaries over real HTTP.
//

#include "PostgresServer.h"
#include "ServiceFixture.h"
#include "Sygen/Foundation/IsoTime.h"
#include "Sygen/Foundation/JSONFields.h"
#include "jobs/ClusterFeeder.h"
#include "jobs/PostgresConnection.h"
#include "jobs/SchemaMigrator.h"
#include <Poco/File.h>
#include <Poco/Thread.h>
#include <algorithm>
#include <cppunit/extensions/HelperMacros.h>
#include <map>
#include <memory>

using Sygen::PostgresConnection;
using Sygen::Test::HTTPReply;
using Sygen::Test::PostgresServer;
using Sygen::Test::ServiceFixture;

namespace {

const char* HOOKS = R"json({"hooks": [
  {"id": "quick", "title": "Quick", "mode": "cron_task", "prompt_template": "Event {{event}}", "task_folder": "quick"},
  {"id": "once", "title": "Once", "mode": "cron_task", "prompt_template": "x", "task_folder": "quick", "dedupe_header": "X-Delivery"}
]}
)json";

std::string jobIdOf(const HTTPReply& reply)
{
	CPPUNIT_ASSERT_EQUAL_MESSAGE(reply.body, 202, reply.status);
	return reply.json()->getValue<std::string>("job_id");
}

} // namespace

class ClusterTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ClusterTest);
	CPPUNIT_TEST(testJobRunsEndToEndOnPostgres);
	CPPUNIT_TEST(testSameDeliveryToTwoNodesMakesOneJob);
	CPPUNIT_TEST(testAnyNodeAnswersForAnyJob);
	CPPUNIT_TEST(testDatabaseDownGives503AndRecoversWithoutRestart);
	CPPUNIT_TEST(testRestartRunsJobsLeftQueuedInTheDatabase);
	CPPUNIT_TEST(testJobsAcceptedOnOneNodeRunOnBoth);
	CPPUNIT_TEST(testKillNineOfANodeMidFloodLosesNoJobAndRunsNoneTwice);
	CPPUNIT_TEST(testMetricsShowNodeAndClusterQueue);
	CPPUNIT_TEST(testWorkerHostAndIngressOnlyNode);
	CPPUNIT_TEST(testRetryPayloadAndCancelAcrossNodes);
	CPPUNIT_TEST(testClaimedButUnstartedJobsReturnWhenTheirNodeIsKilled);
	CPPUNIT_TEST(testANodeClaimsAheadOnlyUpToItsBound);
	CPPUNIT_TEST(testDependencyFifoMaxConcurrentAndRunOnAcrossNodes);
	CPPUNIT_TEST(testWakeFollowsItsSessionAndMovesWhenItsNodeIsGone);
	CPPUNIT_TEST(testDatabaseStoppedUnderLoadLosesNoAcceptedJob);
	CPPUNIT_TEST(testFailoverToTheNextHostOfTheDSN);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override { _db.reset(new PostgresServer); }

	void tearDown() override
	{
		_nodes.clear();
		_db.reset();
	}

	void testJobRunsEndToEndOnPostgres()
	{
		ServiceFixture& node = addNode("node-a");
		node.start();
		std::string jobId = jobIdOf(node.postHook("quick", R"({"event": "push"})"));
		Poco::JSON::Object::Ptr job = node.waitForJob(jobId);
		CPPUNIT_ASSERT_EQUAL(std::string("success"), job->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("all done"), job->getValue<std::string>("result_text"));
		PostgresConnection connection(_db->dsn());
		Sygen::PostgresResult row =
			connection.query("SELECT status, node_id, result->>'result_text' FROM sygen_jobs WHERE job_id = $1", {jobId});
		CPPUNIT_ASSERT_EQUAL(1, row.rows());
		CPPUNIT_ASSERT_EQUAL(std::string("success"), row.text(0, 0));
		CPPUNIT_ASSERT_EQUAL(std::string("node-a"), row.text(0, 1));
		CPPUNIT_ASSERT_EQUAL(std::string("all done"), row.text(0, 2));
		// Nothing went to the file spool.
		CPPUNIT_ASSERT(!Poco::File(node.stateDir() + "/spool/journal").exists());
	}

	void testSameDeliveryToTwoNodesMakesOneJob()
	{
		ServiceFixture& a = addNode("node-a");
		ServiceFixture& b = addNode("node-b");
		a.start();
		b.start();
		HTTPReply first = a.request("POST", "/hooks/once", "{}", delivery("d-1"));
		std::string jobId = jobIdOf(first);
		HTTPReply second = b.request("POST", "/hooks/once", "{}", delivery("d-1"));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(second.body, 200, second.status);
		CPPUNIT_ASSERT(second.json()->getValue<bool>("duplicate"));
		CPPUNIT_ASSERT_EQUAL(jobId, second.json()->getValue<std::string>("job_id"));
		PostgresConnection connection(_db->dsn());
		CPPUNIT_ASSERT_EQUAL(1LL, connection.query("SELECT count(*) FROM sygen_jobs WHERE hook_id = 'once'").integer(0, 0));
	}

	void testAnyNodeAnswersForAnyJob()
	{
		ServiceFixture& a = addNode("node-a");
		ServiceFixture& b = addNode("node-b");
		a.start();
		b.start();
		std::string jobId = jobIdOf(a.postHook("quick", R"({"event": "x"})"));
		a.waitForJob(jobId);
		Poco::JSON::Object::Ptr seenByB = b.waitForJob(jobId);
		CPPUNIT_ASSERT_EQUAL(std::string("success"), seenByB->getValue<std::string>("status"));
	}

	void testDatabaseDownGives503AndRecoversWithoutRestart()
	{
		ServiceFixture& node = addNode("node-a");
		node.start();
		jobIdOf(node.postHook("quick", R"({"event": "before"})"));
		_db->stop();
		HTTPReply refused = node.postHook("quick", R"({"event": "during"})");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(refused.body, 503, refused.status);
		CPPUNIT_ASSERT_EQUAL(std::string("backend_unavailable"), refused.json()->getValue<std::string>("error"));
		CPPUNIT_ASSERT(refused.headers.has("Retry-After"));
		for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT_EQUAL(503, node.postHook("quick", "{}").status);
		HTTPReply health = node.request("GET", "/health");
		CPPUNIT_ASSERT_EQUAL(503, health.status);
		CPPUNIT_ASSERT_EQUAL(std::string("unavailable"), health.json()->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("postgres"), health.json()->getValue<std::string>("backend"));

		_db->start();
		CPPUNIT_ASSERT(node.waitFor([&node]() { return node.request("GET", "/health").status == 200; }));
		std::string after = jobIdOf(node.postHook("quick", R"({"event": "after"})"));
		CPPUNIT_ASSERT_EQUAL(std::string("success"), node.waitForJob(after)->getValue<std::string>("status"));
		CPPUNIT_ASSERT(node.running());
		// One line for the outage, not one per refused request.
		std::string log = node.log();
		std::size_t first = log.find("PostgreSQL unreachable");
		CPPUNIT_ASSERT(first != std::string::npos);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(log, std::string::npos, log.find("PostgreSQL unreachable", first + 1));
		CPPUNIT_ASSERT(log.find("PostgreSQL reachable again") != std::string::npos);
		std::size_t held = log.find("queued jobs wait");
		CPPUNIT_ASSERT_MESSAGE(log, held == std::string::npos || log.find("queued jobs wait", held + 1) == std::string::npos);
	}

	void testRestartRunsJobsLeftQueuedInTheDatabase()
	{
		ServiceFixture& node = addNode("node-a");
		node.taskFolder("slow", R"({"result": "slow done", "sleep": 3})");
		node.writeHooks(R"json({"hooks": [
  {"id": "serial", "title": "Serial", "mode": "cron_task", "prompt_template": "x", "task_folder": "slow", "dependency": "one"}
]})json");
		node.webhooks().set("workers", 1);
		node.start();
		std::string running = jobIdOf(node.postHook("serial", "{}"));
		std::string queued = jobIdOf(node.postHook("serial", "{}"));
		CPPUNIT_ASSERT(node.waitFor([&]() { return node.workerRunning(running) != 0; }));
		node.stop(9);
		node.start({}, false);
		// Never run twice: the job that was running ends worker_lost; the queued one runs.
		CPPUNIT_ASSERT_EQUAL(std::string("error:worker_lost"), node.waitForJob(running)->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("success"), node.waitForJob(queued)->getValue<std::string>("status"));
	}

	void testJobsAcceptedOnOneNodeRunOnBoth()
	{
		ServiceFixture& a = addNode("node-a");
		ServiceFixture& b = addNode("node-b");
		for (ServiceFixture* node: {&a, &b})
		{
			node->taskFolder("slow", R"({"result": "slow done", "sleep": 2})");
			node->writeHooks(
				R"json({"hooks": [{"id": "slow", "title": "Slow", "mode": "cron_task", "prompt_template": "x", "task_folder": "slow"}]})json");
			node->webhooks().set("workers", 1);
			node->start();
		}
		std::vector<std::string> jobs;
		for (int i = 0; i < 4; ++i) jobs.push_back(jobIdOf(a.postHook("slow", "{}")));
		for (const std::string& jobId: jobs)
			CPPUNIT_ASSERT_EQUAL(std::string("success"), a.waitForJob(jobId)->getValue<std::string>("status"));
		PostgresConnection connection(_db->dsn());
		CPPUNIT_ASSERT_EQUAL(2LL, connection.query("SELECT count(DISTINCT node_id) FROM sygen_jobs").integer(0, 0));
	}

	void testKillNineOfANodeMidFloodLosesNoJobAndRunsNoneTwice()
	{
		ServiceFixture& a = addNode("node-a", 5);
		ServiceFixture& b = addNode("node-b", 5);
		for (ServiceFixture* node: {&a, &b})
		{
			node->taskFolder("flood", R"({"result": "ok", "sleep": 0.5, "started_log": "started.log"})");
			node->writeHooks(
				R"json({"hooks": [{"id": "flood", "title": "Flood", "mode": "cron_task", "prompt_template": "Event {{event}}.", "task_folder": "flood"}]})json");
			node->start();
		}
		std::map<std::string, std::string> accepted; // job id -> event
		for (int i = 0; i < 40; ++i)
		{
			if (i == 16) a.stop(9);
			ServiceFixture& node = i >= 16 || i % 2 ? b : a;
			std::string event = "e" + std::to_string(i);
			HTTPReply reply = node.postHook("flood", "{\"event\": \"" + event + "\"}");
			if (reply.status == 202) accepted[reply.json()->getValue<std::string>("job_id")] = event;
		}
		CPPUNIT_ASSERT(accepted.size() >= 32);
		std::map<std::string, int> finals;
		for (const auto& entry: accepted)
		{
			std::string status = b.waitForJob(entry.first, Poco::Timespan(90, 0))->getValue<std::string>("status");
			++finals[status];
			CPPUNIT_ASSERT_MESSAGE(entry.first + ": " + status, status == "success" || status == "error:worker_lost");
		}
		// Each started at most once, across both nodes' CLIs; every success started.
		std::string started = readIfExists(a.home() + "/workspace/cron_tasks/flood/started.log") +
			readIfExists(b.home() + "/workspace/cron_tasks/flood/started.log");
		for (const auto& entry: accepted)
		{
			std::size_t count = 0;
			std::string needle = "Event " + entry.second + ".";
			for (std::size_t at = started.find(needle); at != std::string::npos; at = started.find(needle, at + 1)) ++count;
			CPPUNIT_ASSERT_MESSAGE(entry.second + " started " + std::to_string(count) + " times", count <= 1);
			std::string status = b.waitForJob(entry.first)->getValue<std::string>("status");
			if (status == "success") CPPUNIT_ASSERT_EQUAL_MESSAGE(entry.second, std::size_t(1), count);
		}
		CPPUNIT_ASSERT(finals["success"] > 0);
	}

	void testMetricsShowNodeAndClusterQueue()
	{
		ServiceFixture& node = addNode("node-a");
		node.taskFolder("slow", R"({"result": "slow done", "sleep": 3})");
		node.writeHooks(
			R"json({"hooks": [{"id": "slow", "title": "Slow", "mode": "cron_task", "prompt_template": "x", "task_folder": "slow"}]})json");
		node.webhooks().set("workers", 1);
		node.start();
		HTTPReply idle = node.request("GET", "/metrics");
		CPPUNIT_ASSERT_EQUAL(200, idle.status);
		CPPUNIT_ASSERT(idle.body.find("sygen_webhook_node_info{node_id=\"node-a\"} 1\n") != std::string::npos);
		CPPUNIT_ASSERT(idle.body.find("sygen_webhook_cluster_queue_depth 0\n") != std::string::npos);
		for (int i = 0; i < 3; ++i) jobIdOf(node.postHook("slow", "{}"));
		// One runs on the only worker; two wait in the cluster's queue.
		CPPUNIT_ASSERT(node.waitFor(
			[&]() { return node.request("GET", "/metrics").body.find("sygen_webhook_cluster_queue_depth 2\n") != std::string::npos; }));
	}

	void testWorkerHostAndIngressOnlyNode()
	{
		ServiceFixture& worker = addNode("worker-host");
		ServiceFixture& ingress = addNode("ingress-only");
		worker.webhooks().set("ingress", false);
		ingress.webhooks().set("workers", 0);
		worker.start();
		ingress.start();
		HTTPReply refused = worker.postHook("quick", "{}");
		CPPUNIT_ASSERT_EQUAL(404, refused.status);
		CPPUNIT_ASSERT_EQUAL(200, worker.request("GET", "/health").status);
		std::string jobId = jobIdOf(ingress.postHook("quick", R"({"event": "e"})"));
		CPPUNIT_ASSERT_EQUAL(std::string("success"), worker.waitForJob(jobId)->getValue<std::string>("status"));
		PostgresConnection connection(_db->dsn());
		CPPUNIT_ASSERT_EQUAL(
			std::string("worker-host"), connection.query("SELECT node_id FROM sygen_jobs WHERE job_id = $1", {jobId}).text(0, 0));
	}

	void testRetryPayloadAndCancelAcrossNodes()
	{
		ServiceFixture& worker = addNode("node-a");
		ServiceFixture& ingress = addNode("node-b");
		worker.taskFolder("slow", R"({"result": "slow done", "sleep": 60})");
		const char* hooks = R"json({"hooks": [
  {"id": "quick", "title": "Quick", "mode": "cron_task", "prompt_template": "Event {{event}}", "task_folder": "quick"},
  {"id": "slow", "title": "Slow", "mode": "cron_task", "prompt_template": "x", "task_folder": "slow"}
]})json";
		worker.writeHooks(hooks);
		ingress.writeHooks(hooks);
		worker.webhooks().set("workers", 1);
		ingress.webhooks().set("workers", 0);
		worker.start();
		ingress.start();

		// Retry through another node than the one that ran it; the payload comes from the database.
		const std::string payload = R"({"event": "again"})";
		std::string original = jobIdOf(ingress.postHook("quick", payload));
		CPPUNIT_ASSERT_EQUAL(std::string("success"), ingress.waitForJob(original)->getValue<std::string>("status"));
		Poco::JSON::Object::Ptr retry = ctlJSON(ingress, {"jobs", "retry", original});
		std::string retryId = retry->getValue<std::string>("job_id");
		CPPUNIT_ASSERT(retryId != original);
		CPPUNIT_ASSERT_EQUAL(original, retry->getValue<std::string>("retry_of"));
		CPPUNIT_ASSERT_EQUAL(std::string("success"), worker.waitForJob(retryId)->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(retryId, worker.waitForJob(original)->getValue<std::string>("retried_by"));
		CPPUNIT_ASSERT_EQUAL(payload, ctlJSON(worker, {"jobs", "show", original, "--payload"})->getValue<std::string>("payload"));
		CPPUNIT_ASSERT_EQUAL(payload, ctlJSON(ingress, {"jobs", "show", retryId, "--payload"})->getValue<std::string>("payload"));

		// The only worker runs one; the next waits, claimed ahead by that worker's node or
		// still in the cluster's queue: either way another node cancels it before it starts.
		std::string running = jobIdOf(ingress.postHook("slow", "{}"));
		CPPUNIT_ASSERT(worker.waitFor([&]() { return worker.workerRunning(running) != 0; }));
		std::string queued = jobIdOf(ingress.postHook("slow", "{}"));
		CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), ctlJSON(ingress, {"jobs", "cancel", queued})->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), worker.waitForJob(queued)->getValue<std::string>("status"));

		// A running job is cancelled by the node that runs it; another node says where to go.
		std::string text;
		CPPUNIT_ASSERT_EQUAL(1, ingress.ctl({"jobs", "cancel", running}, text));
		CPPUNIT_ASSERT_MESSAGE(text, text.find("on another node of the cluster") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), ctlJSON(worker, {"jobs", "cancel", running})->getValue<std::string>("status"));
		PostgresConnection connection(_db->dsn());
		CPPUNIT_ASSERT_EQUAL(
			std::string("cancelled"), connection.query("SELECT status FROM sygen_jobs WHERE job_id = $1", {queued}).text(0, 0));
		CPPUNIT_ASSERT_EQUAL(
			std::string("cancelled"), connection.query("SELECT status FROM sygen_jobs WHERE job_id = $1", {running}).text(0, 0));
	}

	void testClaimedButUnstartedJobsReturnWhenTheirNodeIsKilled()
	{
		ServiceFixture& a = addNode("node-a", 5);
		ServiceFixture& c = addNode("node-c", 5);
		// One dependency for both hooks: node a runs the slow job and holds the quick one
		// it claimed behind it (dependency FIFO), claimed and never started. The hooks
		// are the cluster's (imported from the first node's file).
		const char* hooks = R"json({"hooks": [
  {"id": "quick", "title": "Quick", "mode": "cron_task", "prompt_template": "Event {{event}}", "task_folder": "quick", "dependency": "d"},
  {"id": "slow", "title": "Slow", "mode": "cron_task", "prompt_template": "x", "task_folder": "slow", "dependency": "d"}
]})json";
		a.taskFolder("slow", R"({"result": "slow done", "sleep": 120, "started_log": "started.log"})");
		a.writeHooks(hooks);
		c.writeHooks(hooks);
		a.webhooks().set("workers", 2);
		c.webhooks().set("workers", 0);
		a.start();
		c.start();
		std::string running = jobIdOf(c.postHook("slow", "{}"));
		CPPUNIT_ASSERT(a.waitFor([&]() { return a.workerRunning(running) != 0; }));
		std::string held = jobIdOf(c.postHook("quick", R"({"event": "held"})"));
		CPPUNIT_ASSERT(a.waitFor([&]() { return row(held, "status") == "claimed" && row(held, "node_id") == "node-a"; }));

		a.stop(9);
		ServiceFixture& b = addNode("node-b", 5);
		b.writeHooks(hooks);
		b.taskFolder("slow", R"({"result": "slow done", "sleep": 120, "started_log": "started.log"})");
		b.start();
		// The running job is never run twice: it ends worker_lost. The claim returns to
		// the queue and runs on the survivor.
		CPPUNIT_ASSERT_EQUAL(
			std::string("error:worker_lost"), b.waitForJob(running, Poco::Timespan(60, 0))->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("success"), b.waitForJob(held, Poco::Timespan(60, 0))->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("node-b"), row(held, "node_id"));
		CPPUNIT_ASSERT(!Poco::File(b.home() + "/workspace/cron_tasks/slow/started.log").exists());
		// Whichever survivor noticed first (node c has no workers, but judges leases too).
		CPPUNIT_ASSERT((b.log() + c.log()).find("node node-a stopped renewing its lease") != std::string::npos);
	}

	void testANodeClaimsAheadOnlyUpToItsBound()
	{
		// One worker: it runs one job and holds at most CLAIM_AHEAD_PER_WORKER more
		// claimed ahead; the rest stay in the cluster's queue for other nodes, however
		// long the running job takes.
		const long long ahead = static_cast<long long>(Sygen::ClusterFeeder::CLAIM_AHEAD_PER_WORKER);
		const long long posted = ahead + 3;
		ServiceFixture& a = addNode("node-a", 5);
		const char* hooks = R"json({"hooks": [
  {"id": "slow", "title": "Slow", "mode": "cron_task", "prompt_template": "x", "task_folder": "slow"}
]})json";
		a.taskFolder("slow", R"({"result": "slow done", "sleep": 120})");
		a.writeHooks(hooks);
		a.webhooks().set("workers", 1);
		a.start();
		std::string running = jobIdOf(a.postHook("slow", "{}"));
		CPPUNIT_ASSERT(a.waitFor([&]() { return a.workerRunning(running) != 0; }));
		for (long long i = 0; i < posted; ++i) jobIdOf(a.postHook("slow", "{}"));
		CPPUNIT_ASSERT(a.waitFor([&]() { return countWhere("status = 'claimed'") == ahead; }));
		// Each accept and the once-a-second tick woke the feeder: it claimed no more.
		Poco::Thread::sleep(2500);
		CPPUNIT_ASSERT_EQUAL(ahead, countWhere("status = 'claimed' AND node_id = 'node-a'"));
		CPPUNIT_ASSERT_EQUAL(posted - ahead, countWhere("status = 'queued'"));
	}

	void testDependencyFifoMaxConcurrentAndRunOnAcrossNodes()
	{
		ServiceFixture& a = addNode("node-a");
		ServiceFixture& b = addNode("node-b");
		const char* hooks = R"json({"hooks": [
  {"id": "serial-a", "title": "A", "mode": "cron_task", "prompt_template": "x", "task_folder": "step", "dependency": "d", "run_on": ["node-a"]},
  {"id": "serial-b", "title": "B", "mode": "cron_task", "prompt_template": "x", "task_folder": "step", "dependency": "d", "run_on": ["node-b"]},
  {"id": "limited", "title": "L", "mode": "cron_task", "prompt_template": "x", "task_folder": "step", "max_concurrent": 1},
  {"id": "nowhere", "title": "N", "mode": "cron_task", "prompt_template": "x", "task_folder": "step", "run_on": ["node-x"]}
]})json";
		for (ServiceFixture* node: {&a, &b})
		{
			node->taskFolder("step", R"({"result": "step done", "sleep": 0.7})");
			node->writeHooks(hooks);
			node->webhooks().set("workers", 2);
			node->start();
		}
		std::string nowhere = jobIdOf(a.postHook("nowhere", "{}"));
		// The dependency chain alternates between the nodes (run_on) and is posted to both.
		std::vector<std::string> serial;
		for (int i = 0; i < 4; ++i) serial.push_back(jobIdOf((i % 2 ? b : a).postHook(i % 2 ? "serial-b" : "serial-a", "{}")));
		std::vector<std::string> limited;
		for (int i = 0; i < 4; ++i) limited.push_back(jobIdOf((i % 2 ? a : b).postHook("limited", "{}")));
		for (const std::string& jobId: serial)
			CPPUNIT_ASSERT_EQUAL(std::string("success"), a.waitForJob(jobId, Poco::Timespan(60, 0))->getValue<std::string>("status"));
		for (const std::string& jobId: limited)
			CPPUNIT_ASSERT_EQUAL(std::string("success"), a.waitForJob(jobId, Poco::Timespan(60, 0))->getValue<std::string>("status"));

		// FIFO: each link started after the previous one finished, in arrival order, on its node.
		for (std::size_t i = 0; i < serial.size(); ++i)
		{
			CPPUNIT_ASSERT_EQUAL(std::string(i % 2 ? "node-b" : "node-a"), row(serial[i], "node_id"));
			if (i > 0)
				CPPUNIT_ASSERT_MESSAGE("link " + std::to_string(i) + " overlapped",
					resultTime(serial[i], "started_at") >= resultTime(serial[i - 1], "finished_at"));
		}
		// max_concurrent 1 across both nodes: no two ran at once, though both had idle workers.
		std::vector<std::pair<Poco::Timestamp, Poco::Timestamp>> spans;
		for (const std::string& jobId: limited) spans.emplace_back(resultTime(jobId, "started_at"), resultTime(jobId, "finished_at"));
		std::sort(spans.begin(), spans.end());
		for (std::size_t i = 1; i < spans.size(); ++i)
			CPPUNIT_ASSERT_MESSAGE("limited jobs overlapped", spans[i].first >= spans[i - 1].second);
		// run_on naming no live node: nobody claims it.
		CPPUNIT_ASSERT_EQUAL(std::string("queued"), row(nowhere, "status"));
	}

	void testWakeFollowsItsSessionAndMovesWhenItsNodeIsGone()
	{
		const char* hooks = R"json({"hooks": [
  {"id": "wake", "title": "Wake", "mode": "wake", "prompt_template": "Alert {{event}}"},
  {"id": "slow", "title": "Slow", "mode": "cron_task", "prompt_template": "x", "task_folder": "slow", "run_on": ["node-a"]}
]})json";
		ServiceFixture& a = addNode("node-a", 5);
		ServiceFixture& b = addNode("node-b", 5);
		for (ServiceFixture* node: {&a, &b})
		{
			node->taskFolder("slow", R"({"result": "slow done", "sleep": 3})");
			node->writeHooks(hooks);
			node->webhooks().set("workers", 1);
		}
		a.start();
		// No chat transport here: the wake ends error:no_wake_handler, but where it ran is
		// what this checks (the session itself is WakeTest's).
		std::string first = jobIdOf(a.postHook("wake", R"({"event": "1"})"));
		a.waitForJob(first);
		CPPUNIT_ASSERT_EQUAL(std::string("node-a"), row(first, "node_id"));
		b.start();
		// Node a busy, node b idle: the next wake still waits for node a, which holds the session.
		std::string busy = jobIdOf(b.postHook("slow", "{}"));
		CPPUNIT_ASSERT(a.waitFor([&]() { return row(busy, "status") == "running"; }));
		std::string second = jobIdOf(b.postHook("wake", R"({"event": "2"})"));
		a.waitForJob(second);
		CPPUNIT_ASSERT_EQUAL(std::string("node-a"), row(second, "node_id"));
		CPPUNIT_ASSERT(resultTime(second, "started_at") >= resultTime(busy, "finished_at"));

		a.stop(9);
		std::string third = jobIdOf(b.postHook("wake", R"({"event": "3"})"));
		b.waitForJob(third, Poco::Timespan(60, 0));
		CPPUNIT_ASSERT_EQUAL(std::string("node-b"), row(third, "node_id"));
		CPPUNIT_ASSERT(
			b.log().find("session wake: was held by node node-a, which is gone: a new session starts on node node-b") != std::string::npos);
	}

	void testDatabaseStoppedUnderLoadLosesNoAcceptedJob()
	{
		ServiceFixture& a = addNode("node-a");
		ServiceFixture& b = addNode("node-b");
		for (ServiceFixture* node: {&a, &b})
		{
			node->taskFolder("step", R"({"result": "step done", "sleep": 2, "started_log": "started.log"})");
			node->writeHooks(
				R"json({"hooks": [{"id": "step", "title": "Step", "mode": "cron_task", "prompt_template": "Event {{event}}.", "task_folder": "step"}]})json");
			node->webhooks().set("workers", 2);
			node->start();
		}
		std::vector<std::string> accepted;
		int refused = 0;
		auto post = [&](int i) {
			HTTPReply reply = (i % 2 ? b : a).postHook("step", "{\"event\": \"e" + std::to_string(i) + "\"}");
			if (reply.status == 202) accepted.push_back(reply.json()->getValue<std::string>("job_id"));
			else
			{
				CPPUNIT_ASSERT_EQUAL_MESSAGE(reply.body, 503, reply.status);
				CPPUNIT_ASSERT_EQUAL(std::string("backend_unavailable"), reply.json()->getValue<std::string>("error"));
				++refused;
			}
		};
		int i = 0;
		for (; i < 8; ++i) post(i);
		// Jobs are running when the database stops: their results finish during the outage.
		CPPUNIT_ASSERT(a.waitFor([&]() { return countWhere("status = 'running'") >= 2; }));
		_db->stop();
		Poco::Timestamp down;
		bool keptOnDisk = false;
		while (down.elapsed() < 10 * Poco::Timestamp::resolution())
		{
			post(i++);
			keptOnDisk = keptOnDisk || Poco::File(a.stateDir() + "/unwritten-results.json").exists() ||
				Poco::File(b.stateDir() + "/unwritten-results.json").exists();
			Poco::Thread::sleep(100);
		}
		CPPUNIT_ASSERT_MESSAGE("no result finished during the outage was kept on disk", keptOnDisk);
		_db->start();
		for (int more = 0; more < 6; ++more)
		{
			CPPUNIT_ASSERT(a.waitFor([&]() { return (more % 2 ? b : a).request("GET", "/health").status == 200; }));
			post(i++);
		}
		CPPUNIT_ASSERT(refused > 0);
		for (const std::string& jobId: accepted)
			CPPUNIT_ASSERT_EQUAL(std::string("success"), a.waitForJob(jobId, Poco::Timespan(120, 0))->getValue<std::string>("status"));
		CPPUNIT_ASSERT(a.running() && b.running());
		CPPUNIT_ASSERT(!Poco::File(a.stateDir() + "/unwritten-results.json").exists());
		CPPUNIT_ASSERT(!Poco::File(b.stateDir() + "/unwritten-results.json").exists());
		// Every accepted job ran exactly once, and nothing the 503s refused was kept.
		CPPUNIT_ASSERT_EQUAL(static_cast<long long>(accepted.size()), countWhere("TRUE"));
		std::string started = readIfExists(a.home() + "/workspace/cron_tasks/step/started.log") +
			readIfExists(b.home() + "/workspace/cron_tasks/step/started.log");
		CPPUNIT_ASSERT_EQUAL(accepted.size(), static_cast<std::size_t>(std::count(started.begin(), started.end(), '\n')));
	}

	void testFailoverToTheNextHostOfTheDSN()
	{
		// Two servers stand for a primary and the standby promoted after it; the DSN
		// names both, as with Patroni or pg_auto_failover.
		PostgresServer standby;
		{
			PostgresConnection connection(standby.dsn());
			Sygen::SchemaMigrator::migrate(connection);
		}
		ServiceFixture& node = addNode("node-a");
		Poco::JSON::Object::Ptr backend = node.webhooks().getObject("backend");
		backend->set("dsn",
			"host=" + _db->socketDir() + "," + standby.socketDir() + " port=" + std::to_string(_db->port()) + "," +
				std::to_string(standby.port()) + " dbname=postgres user=sygen target_session_attrs=read-write");
		node.start();
		std::string before = jobIdOf(node.postHook("quick", R"({"event": "before"})"));
		CPPUNIT_ASSERT_EQUAL(std::string("success"), node.waitForJob(before)->getValue<std::string>("status"));
		_db->stop();
		// The first host is gone: the node carries on with the second, without a restart.
		CPPUNIT_ASSERT(
			node.waitFor([&]() { return node.postHook("quick", R"({"event": "after"})").status == 202; }, Poco::Timespan(30, 0)));
		PostgresConnection connection(standby.dsn());
		CPPUNIT_ASSERT(node.waitFor(
			[&]() { return connection.query("SELECT count(*) FROM sygen_jobs WHERE status = 'success'").integer(0, 0) >= 1; }));
		CPPUNIT_ASSERT(node.running());
	}

private:
	static Poco::JSON::Object::Ptr ctlJSON(ServiceFixture& node, std::vector<std::string> args)
	{
		args.insert(args.begin(), "--json");
		std::string output;
		int code = node.ctl(args, output);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 0, code);
		return Sygen::JSONFields::parseObject(output);
	}

	std::string row(const std::string& jobId, const std::string& column)
	{
		PostgresConnection connection(_db->dsn());
		Sygen::PostgresResult result = connection.query("SELECT " + column + " FROM sygen_jobs WHERE job_id = $1", {jobId});
		return result.rows() && !result.isNull(0, 0) ? result.text(0, 0) : std::string();
	}

	long long countWhere(const std::string& condition)
	{
		PostgresConnection connection(_db->dsn());
		return connection.query("SELECT count(*) FROM sygen_jobs WHERE " + condition).integer(0, 0);
	}

	Poco::Timestamp resultTime(const std::string& jobId, const std::string& field)
	{
		std::string text = row(jobId, "result->>'" + field + "'");
		CPPUNIT_ASSERT_MESSAGE(jobId + " has no " + field, !text.empty());
		return Sygen::IsoTime::parse(text);
	}

	static std::string readIfExists(const std::string& path)
	{
		return Poco::File(path).exists() ? Sygen::Test::readFile(path) : std::string();
	}

	ServiceFixture& addNode(const std::string& nodeId, int leaseSeconds = 30)
	{
		std::unique_ptr<ServiceFixture> node(new ServiceFixture);
		node->writeHooks(HOOKS);
		node->taskFolder("quick", R"({"result": "all done"})");
		Poco::JSON::Object::Ptr backend = new Poco::JSON::Object;
		backend->set("type", "postgres");
		backend->set("dsn", _db->dsn());
		backend->set("node_id", nodeId);
		backend->set("lease_seconds", leaseSeconds);
		node->webhooks().set("backend", backend);
		_nodes.push_back(std::move(node));
		return *_nodes.back();
	}

	static std::map<std::string, std::string> delivery(const std::string& id)
	{
		return {{"Authorization", "Bearer " + ServiceFixture::TOKEN}, {"Content-Type", "application/json"}, {"X-Delivery", id}};
	}

	std::unique_ptr<PostgresServer> _db;
	std::vector<std::unique_ptr<ServiceFixture>> _nodes;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ClusterTest);
