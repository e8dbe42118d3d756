//
// ClusterSharedTest.cpp
//
// What the nodes of a cluster share through PostgreSQL beyond the jobs: hook
// definitions and telemetry, the global token, the rate limit, and what
// sygen-webhookctl (hooks export/import, db status) and /metrics show of it.
// Real sygen-webhookd nodes and a real PostgreSQL.
//

#include "PostgresServer.h"
#include "ServiceFixture.h"
#include "Sygen/Hooks/HookRepository.h"
#include "jobs/PostgresConnection.h"
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Thread.h>
#include <cppunit/extensions/HelperMacros.h>
#include <memory>
#include <sys/stat.h>

using Sygen::PostgresConnection;
using Sygen::Test::HTTPReply;
using Sygen::Test::PostgresServer;
using Sygen::Test::ServiceFixture;

namespace {

const char* HOOKS = R"json({"hooks": [
  {"id": "quick", "title": "Quick", "mode": "cron_task", "prompt_template": "Event {{event}}", "task_folder": "quick"},
  {"id": "second", "title": "Second", "mode": "cron_task", "prompt_template": "x", "task_folder": "quick"}
]}
)json";

bool contains(const std::string& text, const std::string& part)
{
	return text.find(part) != std::string::npos;
}

Poco::JSON::Object::Ptr parseObject(const std::string& text)
{
	return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string jobIdOf(const HTTPReply& reply)
{
	CPPUNIT_ASSERT_EQUAL_MESSAGE(reply.body, 202, reply.status);
	return reply.json()->getValue<std::string>("job_id");
}

} // namespace

class ClusterSharedTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ClusterSharedTest);
	CPPUNIT_TEST(testHookAddedThroughNodeAFiresOnNodeBWithinOneSecond);
	CPPUNIT_TEST(testFirstStartImportsWebhooksJsonOnce);
	CPPUNIT_TEST(testTelemetryOfEveryNodeAddsUpInTheDatabase);
	CPPUNIT_TEST(testExportAndImportThroughAnyNode);
	CPPUNIT_TEST(testGlobalTokenIsOneForTheClusterAndRotatesEverywhere);
	CPPUNIT_TEST(testRateLimitIsTheClusterTotal);
	CPPUNIT_TEST(testDbStatusAndMetricsShowTheWholeCluster);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override { _db.reset(new PostgresServer); }

	void tearDown() override
	{
		_nodes.clear();
		_db.reset();
	}

	void testHookAddedThroughNodeAFiresOnNodeBWithinOneSecond()
	{
		ServiceFixture& a = addNode("node-a");
		ServiceFixture& b = addNode("node-b");
		a.start();
		b.start();
		CPPUNIT_ASSERT_EQUAL(404, b.postHook("live", "{}").status);

		std::string output;
		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 0,
			a.ctl({"hooks", "add", "live", "--mode", "cron_task", "--prompt", "Live {{event}}", "--task-folder", "quick", "--global-token"},
				output));
		Poco::Timestamp added;
		HTTPReply reply;
		do reply = b.postHook("live", R"({"event": "e"})");
		while (reply.status == 404 && added.elapsed() < 1000 * 1000);
		CPPUNIT_ASSERT_MESSAGE("node-b took " + std::to_string(added.elapsed() / 1000) + " ms", added.elapsed() < 1000 * 1000);
		std::string jobId = jobIdOf(reply);
		CPPUNIT_ASSERT_EQUAL(std::string("success"), b.waitForJob(jobId)->getValue<std::string>("status"));

		// An edit and a removal through node B reach node A the same way.
		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 0, b.ctl({"hooks", "edit", "live", "--disable"}, output));
		CPPUNIT_ASSERT(a.waitFor([&a]() { return a.postHook("live", "{}").status == 403; }, Poco::Timespan(1, 0)));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 0, b.ctl({"hooks", "remove", "live"}, output));
		CPPUNIT_ASSERT(a.waitFor([&a]() { return a.postHook("live", "{}").status == 404; }, Poco::Timespan(1, 0)));
		// Nothing of it went to the nodes' webhooks.json: the database holds the hooks.
		CPPUNIT_ASSERT(!a.hookOnDisk("live"));
		CPPUNIT_ASSERT(!b.hookOnDisk("live"));
	}

	void testFirstStartImportsWebhooksJsonOnce()
	{
		ServiceFixture& a = addNode("node-a");
		a.start();
		PostgresConnection connection(_db->dsn());
		CPPUNIT_ASSERT_EQUAL(2LL, connection.query("SELECT count(*) FROM sygen_hooks").integer(0, 0));
		CPPUNIT_ASSERT(contains(a.log(), "imported 2 hooks from"));

		// Node B's own file is not imported: the cluster has its hooks already.
		ServiceFixture& b = addNode("node-b");
		b.writeHooks(R"json({"hooks": [{"id": "other", "title": "Other", "mode": "wake", "prompt_template": "x"}]})json");
		b.start();
		CPPUNIT_ASSERT_EQUAL(404, b.postHook("other", "{}").status);
		jobIdOf(b.postHook("quick", R"({"event": "e"})"));
		CPPUNIT_ASSERT(contains(b.log(), "is not read"));

		// Nor after every hook was removed: the import happens once per cluster.
		std::string output;
		for (const char* id: {"quick", "second"}) CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 0, a.ctl({"hooks", "remove", id}, output));
		a.stop();
		a.start();
		CPPUNIT_ASSERT_EQUAL(0LL, connection.query("SELECT count(*) FROM sygen_hooks").integer(0, 0));
		CPPUNIT_ASSERT_EQUAL(404, a.postHook("quick", "{}").status);
	}

	void testTelemetryOfEveryNodeAddsUpInTheDatabase()
	{
		ServiceFixture& a = addNode("node-a");
		ServiceFixture& b = addNode("node-b");
		a.start();
		b.start();
		for (ServiceFixture* node: {&a, &b})
		{
			std::string jobId = jobIdOf(node->postHook("quick", R"({"event": "e"})"));
			CPPUNIT_ASSERT_EQUAL(std::string("success"), node->waitForJob(jobId)->getValue<std::string>("status"));
		}
		PostgresConnection connection(_db->dsn());
		CPPUNIT_ASSERT(a.waitFor(
			[&]() { return connection.query("SELECT trigger_count FROM sygen_hooks WHERE hook_id = 'quick'").integer(0, 0) == 2; }));
		Sygen::PostgresResult row =
			connection.query("SELECT last_triggered_at, last_error IS NULL FROM sygen_hooks WHERE hook_id = 'quick'");
		CPPUNIT_ASSERT(!row.isNull(0, 0));
		CPPUNIT_ASSERT_EQUAL(std::string("t"), row.text(0, 1));
		// Each node shows the cluster's count, not only its own runs.
		for (ServiceFixture* node: {&a, &b})
		{
			CPPUNIT_ASSERT(node->waitFor(
				[node]() {
					std::string output;
					node->ctl({"hooks", "show", "quick", "--json"}, output);
					return parseObject(output)->getValue<int>("trigger_count") == 2;
				},
				Poco::Timespan(20, 0)));
		}
	}

	void testExportAndImportThroughAnyNode()
	{
		ServiceFixture& a = addNode("node-a");
		ServiceFixture& b = addNode("node-b");
		a.start();
		b.start();
		std::string output;
		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 0, a.ctl({"hooks", "add", "signed", "--mode", "wake", "--prompt", "p"}, output));

		const std::string file = a.home() + "/export.json";
		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 0, b.ctl({"hooks", "export", "--output", file}, output));
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "exported 3 hooks from PostgreSQL"));
		struct stat st;
		CPPUNIT_ASSERT_EQUAL(0, ::stat(file.c_str(), &st));
		CPPUNIT_ASSERT_EQUAL(0600, static_cast<int>(st.st_mode & 0777));
		std::vector<Sygen::Hook> hooks = Sygen::HookRepository::parseDocument(Sygen::Test::readFile(file));
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), hooks.size());
		CPPUNIT_ASSERT_EQUAL(std::string("signed"), hooks[2].id);
		CPPUNIT_ASSERT_EQUAL(std::size_t(43), hooks[2].token.size()); // secrets included

		// Back in through node A, changed: one replaced, one added; live on node B.
		std::string document = Sygen::Test::readFile(file);
		document.replace(document.find("\"Quick\""), 7, "\"Renamed\"");
		document.insert(document.find("[") + 1,
			R"({"id": "fresh", "title": "Fresh", "mode": "cron_task", "prompt_template": "f", "task_folder": "quick"},)");
		Sygen::Test::writeFile(file, document);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 0, a.ctl({"hooks", "import", file}, output));
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "imported 4 hooks into PostgreSQL: 1 added, 3 replaced"));
		CPPUNIT_ASSERT(b.waitFor([&b]() { return b.postHook("fresh", "{}").status == 202; }, Poco::Timespan(1, 0)));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 0, b.ctl({"hooks", "show", "quick", "--json"}, output));
		CPPUNIT_ASSERT_EQUAL(std::string("Renamed"), parseObject(output)->getValue<std::string>("title"));

		// A broken document changes nothing.
		Sygen::Test::writeFile(file, R"({"hooks": [{"id": "half"}]})");
		CPPUNIT_ASSERT_EQUAL(1, a.ctl({"hooks", "import", file}, output));
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "hook entry 0: title"));
		PostgresConnection connection(_db->dsn());
		CPPUNIT_ASSERT_EQUAL(4LL, connection.query("SELECT count(*) FROM sygen_hooks").integer(0, 0));

		// With no node running here, the files are not the hooks: a clear refusal.
		b.stop();
		CPPUNIT_ASSERT_EQUAL(69, b.ctl({"hooks", "list"}, output));
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "PostgreSQL"));
	}

	void testGlobalTokenIsOneForTheClusterAndRotatesEverywhere()
	{
		ServiceFixture& a = addNode("node-a");
		ServiceFixture& b = addNode("node-b");
		b.webhooks().set("token", std::string("node-b-token-that-loses"));
		a.start();
		b.start();
		// The first node's token is the cluster's; node B's own is not accepted.
		CPPUNIT_ASSERT_EQUAL(202, b.postHook("quick", "{}").status);
		CPPUNIT_ASSERT_EQUAL(401, b.postHook("quick", "{}", "node-b-token-that-loses").status);
		PostgresConnection connection(_db->dsn());
		CPPUNIT_ASSERT_EQUAL(
			ServiceFixture::TOKEN, connection.query("SELECT value FROM sygen_settings WHERE name = 'global_token'").text(0, 0));

		std::string output;
		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 0, b.ctl({"token", "rotate", "--json"}, output));
		const std::string fresh = parseObject(output)->getValue<std::string>("token");
		CPPUNIT_ASSERT_EQUAL(std::string("database"), parseObject(output)->getValue<std::string>("location"));
		CPPUNIT_ASSERT(a.waitFor([&]() { return a.postHook("quick", "{}", fresh).status == 202; }, Poco::Timespan(1, 0)));
		CPPUNIT_ASSERT_EQUAL(401, a.postHook("quick", "{}").status);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 0, a.ctl({"token", "show"}, output));
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "PostgreSQL"));
		CPPUNIT_ASSERT_MESSAGE(output, !contains(output, fresh));
	}

	void testRateLimitIsTheClusterTotal()
	{
		ServiceFixture& a = addNode("node-a");
		ServiceFixture& b = addNode("node-b");
		for (ServiceFixture* node: {&a, &b})
		{
			node->webhooks().set("rate_limit_per_minute", 6);
			node->start();
		}
		int accepted = 0;
		int limited = 0;
		for (int i = 0; i < 24; ++i)
		{
			HTTPReply reply = (i % 2 ? b : a).postHook("quick", R"({"event": "e"})");
			if (reply.status == 202) ++accepted;
			else
			{
				CPPUNIT_ASSERT_EQUAL_MESSAGE(reply.body, 429, reply.status);
				CPPUNIT_ASSERT(reply.headers.has("Retry-After"));
				++limited;
			}
		}
		// Each node alone would take 6. The cluster takes 6, and at most one share
		// (ceil(6 / 2)) more while the nodes have not seen each other's counts yet.
		CPPUNIT_ASSERT_MESSAGE(std::to_string(accepted), accepted >= 6 && accepted <= 9);
		CPPUNIT_ASSERT_EQUAL(24, accepted + limited);
	}

	void testDbStatusAndMetricsShowTheWholeCluster()
	{
		ServiceFixture& a = addNode("node-a");
		ServiceFixture& b = addNode("node-b");
		a.webhooks().set("workers", 0);
		b.webhooks().set("workers", 0);
		b.webhooks().set("ingress", false);
		a.start();
		b.start();
		for (int i = 0; i < 3; ++i) jobIdOf(a.postHook("quick", R"({"event": "e"})"));

		// Node B accepted nothing and runs nothing, yet sees the cluster's queue.
		HTTPReply metrics = b.request("GET", "/metrics");
		CPPUNIT_ASSERT_EQUAL(200, metrics.status);
		CPPUNIT_ASSERT_MESSAGE(metrics.body, contains(metrics.body, "sygen_webhook_node_info{node_id=\"node-b\"} 1\n"));
		CPPUNIT_ASSERT_MESSAGE(metrics.body, contains(metrics.body, "sygen_webhook_cluster_queue_depth 3\n"));

		std::string output;
		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 0, b.ctl({"db", "status", "--json"}, output));
		Poco::JSON::Object::Ptr status = parseObject(output);
		CPPUNIT_ASSERT_EQUAL(status->getValue<int>("binary_schema_version"), status->getValue<int>("schema_version"));
		CPPUNIT_ASSERT_EQUAL(3, status->getValue<int>("queued"));
		CPPUNIT_ASSERT_EQUAL(std::string("node-b"), status->getValue<std::string>("node_id"));
		CPPUNIT_ASSERT(!contains(output, "password"));
		Poco::JSON::Array::Ptr nodes = status->getArray("nodes");
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), nodes->size());
		Poco::JSON::Object::Ptr first = nodes->getObject(0);
		Poco::JSON::Object::Ptr second = nodes->getObject(1);
		CPPUNIT_ASSERT_EQUAL(std::string("node-a"), first->getValue<std::string>("node_id"));
		CPPUNIT_ASSERT(first->getValue<bool>("alive") && first->getValue<bool>("ingress"));
		CPPUNIT_ASSERT_EQUAL(std::string("node-b"), second->getValue<std::string>("node_id"));
		CPPUNIT_ASSERT(second->getValue<bool>("alive") && !second->getValue<bool>("ingress"));
		CPPUNIT_ASSERT_EQUAL(0, second->getValue<int>("workers"));

		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 0, b.ctl({"reload"}, output));
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "reloaded the hooks from PostgreSQL: 2 hooks"));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 0, b.ctl({"db", "status"}, output));
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "3 queued") && contains(output, "node-a") && contains(output, "LEASE AGE"));
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

	std::unique_ptr<PostgresServer> _db;
	std::vector<std::unique_ptr<ServiceFixture>> _nodes;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ClusterSharedTest);
