//
// ClusterTest.cpp
//
// sygen-webhookd nodes on a real PostgreSQL (webhooks.backend postgres), through
// the real binaries over real HTTP.
//

#include "jobs/PostgresConnection.h"
#include "PostgresServer.h"
#include "ServiceFixture.h"
#include "Sygen/Foundation/JSONFields.h"
#include <Poco/Thread.h>
#include <cppunit/extensions/HelperMacros.h>
#include <Poco/File.h>
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
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_db.reset(new PostgresServer);
	}

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
		Sygen::PostgresResult row = connection.query("SELECT status, node_id, result->>'result_text' FROM sygen_jobs WHERE job_id = $1", {jobId});
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
		CPPUNIT_ASSERT_EQUAL(std::string::npos, log.find("PostgreSQL unreachable", first + 1));
		CPPUNIT_ASSERT(log.find("PostgreSQL reachable again") != std::string::npos);
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
			node->writeHooks(R"json({"hooks": [{"id": "slow", "title": "Slow", "mode": "cron_task", "prompt_template": "x", "task_folder": "slow"}]})json");
			node->webhooks().set("workers", 1);
			node->start();
		}
		std::vector<std::string> jobs;
		for (int i = 0; i < 4; ++i) jobs.push_back(jobIdOf(a.postHook("slow", "{}")));
		for (const std::string& jobId: jobs) CPPUNIT_ASSERT_EQUAL(std::string("success"), a.waitForJob(jobId)->getValue<std::string>("status"));
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
			node->writeHooks(R"json({"hooks": [{"id": "flood", "title": "Flood", "mode": "cron_task", "prompt_template": "Event {{event}}.", "task_folder": "flood"}]})json");
			node->start();
		}
		std::map<std::string, std::string> accepted;   // job id -> event
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
		std::string started = readIfExists(a.home() + "/workspace/cron_tasks/flood/started.log")
			+ readIfExists(b.home() + "/workspace/cron_tasks/flood/started.log");
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
		node.writeHooks(R"json({"hooks": [{"id": "slow", "title": "Slow", "mode": "cron_task", "prompt_template": "x", "task_folder": "slow"}]})json");
		node.webhooks().set("workers", 1);
		node.start();
		HTTPReply idle = node.request("GET", "/metrics");
		CPPUNIT_ASSERT_EQUAL(200, idle.status);
		CPPUNIT_ASSERT(idle.body.find("sygen_webhook_node_info{node_id=\"node-a\"} 1\n") != std::string::npos);
		CPPUNIT_ASSERT(idle.body.find("sygen_webhook_cluster_queue_depth 0\n") != std::string::npos);
		for (int i = 0; i < 3; ++i) jobIdOf(node.postHook("slow", "{}"));
		// One runs on the only worker; two wait in the cluster's queue.
		CPPUNIT_ASSERT(node.waitFor([&]() {
			return node.request("GET", "/metrics").body.find("sygen_webhook_cluster_queue_depth 2\n") != std::string::npos; }));
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
		CPPUNIT_ASSERT_EQUAL(std::string("worker-host"), connection.query("SELECT node_id FROM sygen_jobs WHERE job_id = $1", {jobId}).text(0, 0));
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

		// The only worker runs one; the next waits in the cluster's queue, claimed by no node.
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
		CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), connection.query("SELECT status FROM sygen_jobs WHERE job_id = $1", {queued}).text(0, 0));
		CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), connection.query("SELECT status FROM sygen_jobs WHERE job_id = $1", {running}).text(0, 0));
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
