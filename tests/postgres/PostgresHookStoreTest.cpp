//
// PostgresHookStoreTest.cpp
//
// The cluster's hook store on a real PostgreSQL: two stores on two pools stand for
// two nodes.
//

#include "cluster/PostgresHookStore.h"
#include "PostgresServer.h"
#include "TestSupport.h"
#include "jobs/JobStore.h"
#include "jobs/SchemaMigrator.h"
#include <Poco/JSON/Parser.h>
#include <Poco/Thread.h>
#include <cppunit/extensions/HelperMacros.h>
#include <memory>

using Sygen::BackendUnavailable;
using Sygen::Hook;
using Sygen::HookRepository;
using Sygen::PostgresConnection;
using Sygen::PostgresHookStore;
using Sygen::PostgresPool;
using Sygen::Test::PostgresServer;
using Sygen::Test::TempDir;

namespace {

Hook hook(const std::string& id, const std::string& prompt = "p")
{
	Hook h;
	h.id = id;
	h.title = id;
	h.mode = "wake";
	h.promptTemplate = prompt;
	h.token = "token-of-" + id;
	return h;
}

Poco::JSON::Object::Ptr object(const std::string& json)
{
	return Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
}

} // namespace

class PostgresHookStoreTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(PostgresHookStoreTest);
	CPPUNIT_TEST(testEditsAreSharedAndDurable);
	CPPUNIT_TEST(testFirstLoadImportsTheFileOnceAndSkipsBrokenEntries);
	CPPUNIT_TEST(testPollPicksUpAChangeWhoseNotificationWasLost);
	CPPUNIT_TEST(testTelemetryAddsUpAcrossNodesAndWaitsOutAnOutage);
	CPPUNIT_TEST(testABrokenRowIsSkippedAndTheOthersLoad);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_server.reset(new PostgresServer);
		PostgresConnection connection(_server->dsn());
		Sygen::SchemaMigrator::migrate(connection);
		_home.reset(new TempDir);
		_poolA.reset(new PostgresPool(_server->dsn(), 2));
		_poolB.reset(new PostgresPool(_server->dsn(), 2));
	}

	void tearDown() override
	{
		_poolA.reset();
		_poolB.reset();
		_home.reset();
		_server.reset();
	}

	void testEditsAreSharedAndDurable()
	{
		PostgresHookStore a(*_poolA, _home->file("webhooks.json"));
		PostgresHookStore b(*_poolB, _home->file("webhooks.json"));
		a.load();
		b.load();
		CPPUNIT_ASSERT_EQUAL(std::string(), a.problem());
		CPPUNIT_ASSERT_EQUAL(std::string("PostgreSQL"), a.location());

		Hook added = a.add(hook("one"));
		CPPUNIT_ASSERT(!added.createdAt.empty());
		CPPUNIT_ASSERT(a.snapshot()->find("one")); // the answer shows it at once
		CPPUNIT_ASSERT_THROW(a.add(hook("one")), Poco::ExistsException);
		// Node B has not been told (no notifier here), but a claimed job's hook is
		// looked up on a miss.
		CPPUNIT_ASSERT(!b.snapshot()->find("one"));
		CPPUNIT_ASSERT_EQUAL(std::string("token-of-one"), b.get("one")->token);

		Hook changed = b.update("one", *object(R"({"title": "Renamed", "max_concurrent": 2})"));
		CPPUNIT_ASSERT_EQUAL(std::string("Renamed"), changed.title);
		CPPUNIT_ASSERT_THROW(b.update("one", *object(R"({"colour": "red"})")), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT_THROW(b.update("none", *object(R"({"title": "x"})")), Poco::NotFoundException);
		CPPUNIT_ASSERT(a.reload());
		CPPUNIT_ASSERT_EQUAL(std::string("Renamed"), a.get("one")->title);
		CPPUNIT_ASSERT_EQUAL(2, *a.get("one")->maxConcurrent);
		CPPUNIT_ASSERT_EQUAL(added.createdAt, a.get("one")->createdAt);

		HookRepository::ImportCount count = a.importHooks({hook("one", "imported"), hook("two")});
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), count.added);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), count.replaced);
		std::vector<Hook> exported = HookRepository::parseDocument(b.exportDocument());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), exported.size());
		CPPUNIT_ASSERT_EQUAL(std::string("one"), exported[0].id); // kept its place
		CPPUNIT_ASSERT_EQUAL(std::string("imported"), exported[0].promptTemplate);
		CPPUNIT_ASSERT_EQUAL(std::string("two"), exported[1].id);

		b.remove("one");
		CPPUNIT_ASSERT_THROW(b.remove("one"), Poco::NotFoundException);
		// A third store (a restart) reads what was committed.
		PostgresHookStore restarted(*_poolA, _home->file("webhooks.json"));
		restarted.load();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), restarted.snapshot()->size());
		CPPUNIT_ASSERT(restarted.snapshot()->find("two"));
	}

	void testFirstLoadImportsTheFileOnceAndSkipsBrokenEntries()
	{
		Sygen::Test::writeFile(_home->file("webhooks.json"), R"({"hooks": [
			{"id": "good", "title": "Good", "mode": "wake", "prompt_template": "p", "token": "t", "trigger_count": 5},
			{"id": "broken", "mode": "wake"},
			{"id": "also", "title": "Also", "mode": "cron_task", "prompt_template": "q", "task_folder": "also"}]})");
		PostgresHookStore a(*_poolA, _home->file("webhooks.json"));
		a.load();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), a.snapshot()->size());
		CPPUNIT_ASSERT_EQUAL(5LL, a.get("good")->triggerCount);
		PostgresConnection connection(_server->dsn());
		CPPUNIT_ASSERT(connection.query("SELECT value FROM sygen_settings WHERE name = 'hooks_imported'").text(0, 0).find("(2 hooks)") !=
			std::string::npos);

		// Another node's file, and a later start after every hook was removed: no import.
		TempDir other;
		Sygen::Test::writeFile(
			other.file("webhooks.json"), R"({"hooks": [{"id": "theirs", "title": "T", "mode": "wake", "prompt_template": "p"}]})");
		PostgresHookStore b(*_poolB, other.file("webhooks.json"));
		b.load();
		CPPUNIT_ASSERT(!b.snapshot()->find("theirs"));
		b.remove("good");
		b.remove("also");
		PostgresHookStore again(*_poolB, _home->file("webhooks.json"));
		again.load();
		CPPUNIT_ASSERT(again.snapshot()->empty());
	}

	void testPollPicksUpAChangeWhoseNotificationWasLost()
	{
		PostgresHookStore a(*_poolA, _home->file("webhooks.json"));
		PostgresHookStore b(*_poolB, _home->file("webhooks.json"));
		a.load();
		b.load();
		b.startPolling(Poco::Timespan(0, 100 * 1000), Poco::Timespan(0, 100 * 1000));
		a.add(hook("late"));
		Poco::Timestamp start;
		while (!b.snapshot()->find("late") && start.elapsed() < 20 * 1000 * 1000) Poco::Thread::sleep(20);
		CPPUNIT_ASSERT(b.snapshot()->find("late"));
		b.stopPolling();
	}

	void testTelemetryAddsUpAcrossNodesAndWaitsOutAnOutage()
	{
		PostgresHookStore a(*_poolA, _home->file("webhooks.json"));
		PostgresHookStore b(*_poolB, _home->file("webhooks.json"));
		a.load();
		a.add(hook("h"));
		b.load();
		Poco::Timestamp now;
		CPPUNIT_ASSERT(a.recordTrigger("h", "success", now));
		CPPUNIT_ASSERT(a.recordTrigger("h", "success", now));
		CPPUNIT_ASSERT(b.recordTrigger("h", "error:timeout", now));
		CPPUNIT_ASSERT(!b.recordTrigger("unknown", "success", now));
		CPPUNIT_ASSERT(a.flushTelemetry());
		CPPUNIT_ASSERT(b.flushTelemetry());
		CPPUNIT_ASSERT(!b.flushTelemetry()); // nothing pending
		// B flushed last: it shows the cluster's total and its own last status.
		CPPUNIT_ASSERT_EQUAL(3LL, b.snapshot()->find("h")->triggerCount);
		CPPUNIT_ASSERT_EQUAL(std::string("error:timeout"), *b.snapshot()->find("h")->lastError);

		_server->stop();
		CPPUNIT_ASSERT(a.recordTrigger("h", "error:cli", now));
		CPPUNIT_ASSERT(!a.flushTelemetry());
		CPPUNIT_ASSERT_THROW(a.add(hook("during")), BackendUnavailable);
		CPPUNIT_ASSERT(a.snapshot()->find("h")); // the hooks in memory stay in use
		CPPUNIT_ASSERT(a.recordTrigger("h", "success", now));
		_server->start();
		Poco::Timestamp start;
		while (!a.flushTelemetry() && start.elapsed() < 20 * 1000 * 1000) Poco::Thread::sleep(100);
		PostgresConnection connection(_server->dsn());
		Sygen::PostgresResult row = connection.query("SELECT trigger_count, last_error IS NULL FROM sygen_hooks WHERE hook_id = 'h'");
		CPPUNIT_ASSERT_EQUAL(5LL, row.integer(0, 0));
		CPPUNIT_ASSERT_EQUAL(std::string("t"), row.text(0, 1)); // the later run's status won
		CPPUNIT_ASSERT(!connection.query("SELECT 1 FROM sygen_hooks WHERE hook_id = 'during'").rows());
	}

	void testABrokenRowIsSkippedAndTheOthersLoad()
	{
		PostgresHookStore a(*_poolA, _home->file("webhooks.json"));
		a.load();
		a.importHooks({hook("fine"), hook("spoiled")});
		PostgresConnection connection(_server->dsn());
		connection.query("UPDATE sygen_hooks SET definition = 'not json' WHERE hook_id = 'spoiled'");
		CPPUNIT_ASSERT(a.reload());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.snapshot()->size());
		CPPUNIT_ASSERT(a.snapshot()->find("fine"));
	}

private:
	std::unique_ptr<PostgresServer> _server;
	std::unique_ptr<TempDir> _home;
	std::unique_ptr<PostgresPool> _poolA;
	std::unique_ptr<PostgresPool> _poolB;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PostgresHookStoreTest);
