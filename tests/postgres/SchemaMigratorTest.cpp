//
// SchemaMigratorTest.cpp
//

#include "jobs/SchemaMigrator.h"
#include "PostgresServer.h"
#include "ServiceFixture.h"
#include "Sygen/Foundation/Config.h"
#include <atomic>
#include <cppunit/extensions/HelperMacros.h>
#include <thread>
#include <vector>

using Sygen::PostgresConnection;
using Sygen::SchemaMigrator;
using Sygen::Test::PostgresServer;
using Sygen::Test::ServiceFixture;

class SchemaMigratorTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SchemaMigratorTest);
	CPPUNIT_TEST(testEmptyDatabaseIsMigratedToTheCurrentVersion);
	CPPUNIT_TEST(testSecondRunFindsNothingToDo);
	CPPUNIT_TEST(testNodesStartingTogetherDoNotRace);
	CPPUNIT_TEST(testNewerSchemaIsRefusedNamingBothVersions);
	CPPUNIT_TEST(testServiceRefusesNewerSchemaWithExit78);
	CPPUNIT_TEST(testServiceMigratesAtStart);
	CPPUNIT_TEST_SUITE_END();

public:
	void testEmptyDatabaseIsMigratedToTheCurrentVersion()
	{
		PostgresServer server;
		PostgresConnection connection(server.dsn());
		CPPUNIT_ASSERT_EQUAL(0, SchemaMigrator::version(connection));
		CPPUNIT_ASSERT_EQUAL(0, SchemaMigrator::migrate(connection));
		CPPUNIT_ASSERT_EQUAL(SchemaMigrator::CURRENT_VERSION, SchemaMigrator::version(connection));
		CPPUNIT_ASSERT_EQUAL(0LL, connection.query("SELECT count(*) FROM sygen_jobs").integer(0, 0));
	}

	void testSecondRunFindsNothingToDo()
	{
		PostgresServer server;
		PostgresConnection connection(server.dsn());
		SchemaMigrator::migrate(connection);
		CPPUNIT_ASSERT_EQUAL(SchemaMigrator::CURRENT_VERSION, SchemaMigrator::migrate(connection));
		CPPUNIT_ASSERT_EQUAL(1LL, connection.query("SELECT count(*) FROM sygen_schema").integer(0, 0));
	}

	void testNodesStartingTogetherDoNotRace()
	{
		PostgresServer server;
		std::atomic<int> failures{0};
		std::atomic<int> migratedFromEmpty{0};
		std::vector<std::thread> nodes;
		for (int i = 0; i < 6; ++i)
		{
			nodes.emplace_back([&]() {
				try
				{
					PostgresConnection connection(server.dsn());
					if (SchemaMigrator::migrate(connection) == 0) ++migratedFromEmpty;
				}
				catch (...)
				{
					++failures;
				}
			});
		}
		for (std::thread& node: nodes) node.join();
		CPPUNIT_ASSERT_EQUAL(0, failures.load());
		CPPUNIT_ASSERT_EQUAL(1, migratedFromEmpty.load());
		PostgresConnection connection(server.dsn());
		CPPUNIT_ASSERT_EQUAL(SchemaMigrator::CURRENT_VERSION, SchemaMigrator::version(connection));
	}

	void testNewerSchemaIsRefusedNamingBothVersions()
	{
		PostgresServer server;
		PostgresConnection connection(server.dsn());
		SchemaMigrator::migrate(connection);
		int newer = SchemaMigrator::CURRENT_VERSION + 1;
		connection.query("UPDATE sygen_schema SET version = $1", {std::to_string(newer)});
		try
		{
			SchemaMigrator::migrate(connection);
			CPPUNIT_FAIL("a newer schema was accepted");
		}
		catch (Sygen::SchemaTooNewError& error)
		{
			CPPUNIT_ASSERT(error.message().find("version " + std::to_string(newer)) != std::string::npos);
			CPPUNIT_ASSERT(error.message().find("(version " + std::to_string(SchemaMigrator::CURRENT_VERSION) + ")") != std::string::npos);
		}
		CPPUNIT_ASSERT_EQUAL(newer, SchemaMigrator::version(connection));
	}

	void testServiceRefusesNewerSchemaWithExit78()
	{
		PostgresServer server;
		{
			PostgresConnection connection(server.dsn());
			SchemaMigrator::migrate(connection);
			connection.query("UPDATE sygen_schema SET version = $1", {std::to_string(SchemaMigrator::CURRENT_VERSION + 5)});
		}
		ServiceFixture service;
		usePostgres(service, server);
		service.writeConfig();
		std::string output;
		int code = service.run({"--home", service.home(), "--config", service.home() + "/config/config.json"}, output);
		CPPUNIT_ASSERT_EQUAL(78, code); // EX_CONFIG
		CPPUNIT_ASSERT(output.find("version " + std::to_string(SchemaMigrator::CURRENT_VERSION + 5)) != std::string::npos);
		CPPUNIT_ASSERT(output.find("(version " + std::to_string(SchemaMigrator::CURRENT_VERSION) + ")") != std::string::npos);
	}

	void testServiceMigratesAtStart()
	{
		PostgresServer server;
		ServiceFixture service;
		usePostgres(service, server);
		service.start();
		PostgresConnection connection(server.dsn());
		CPPUNIT_ASSERT_EQUAL(SchemaMigrator::CURRENT_VERSION, SchemaMigrator::version(connection));
		CPPUNIT_ASSERT_EQUAL(200, service.request("GET", "/health").status);
	}

private:
	static void usePostgres(ServiceFixture& service, const PostgresServer& server)
	{
		Poco::JSON::Object::Ptr backend = new Poco::JSON::Object;
		backend->set("type", "postgres");
		backend->set("dsn", server.dsn());
		backend->set("node_id", "node-a");
		service.webhooks().set("backend", backend);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(SchemaMigratorTest);
