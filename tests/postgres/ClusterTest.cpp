//
// ClusterTest.cpp
//
// sygen-webhookd nodes on a real PostgreSQL (webhooks.backend postgres), through
// the real binaries over real HTTP.
//

#include "PostgresConnection.h"
#include "PostgresServer.h"
#include "ServiceFixture.h"
#include <Poco/Thread.h>
#include <cppunit/extensions/HelperMacros.h>
#include <Poco/File.h>
#include <map>
#include <memory>

using Sygen::PostgresConnection;
using Sygen::Test::HttpReply;
using Sygen::Test::PostgresServer;
using Sygen::Test::ServiceFixture;

namespace {

const char* HOOKS = R"json({"hooks": [
  {"id": "quick", "title": "Quick", "mode": "cron_task", "prompt_template": "Event {{event}}", "task_folder": "quick"},
  {"id": "once", "title": "Once", "mode": "cron_task", "prompt_template": "x", "task_folder": "quick", "dedupe_header": "X-Delivery"}
]}
)json";

std::string jobIdOf(const HttpReply& reply)
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
		HttpReply first = a.request("POST", "/hooks/once", "{}", delivery("d-1"));
		std::string jobId = jobIdOf(first);
		HttpReply second = b.request("POST", "/hooks/once", "{}", delivery("d-1"));
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
		HttpReply refused = node.postHook("quick", R"({"event": "during"})");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(refused.body, 503, refused.status);
		CPPUNIT_ASSERT_EQUAL(std::string("backend_unavailable"), refused.json()->getValue<std::string>("error"));
		CPPUNIT_ASSERT(refused.headers.has("Retry-After"));
		for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT_EQUAL(503, node.postHook("quick", "{}").status);
		HttpReply health = node.request("GET", "/health");
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

private:
	ServiceFixture& addNode(const std::string& nodeId)
	{
		std::unique_ptr<ServiceFixture> node(new ServiceFixture);
		node->writeHooks(HOOKS);
		node->taskFolder("quick", R"({"result": "all done"})");
		Poco::JSON::Object::Ptr backend = new Poco::JSON::Object;
		backend->set("type", "postgres");
		backend->set("dsn", _db->dsn());
		backend->set("node_id", nodeId);
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
