//
// PostgresConnectionTest.cpp
//

#include "jobs/PostgresConnection.h"
#include "PostgresServer.h"
#include <Poco/Thread.h>
#include <cppunit/extensions/HelperMacros.h>

using Sygen::PostgresConnection;
using Sygen::PostgresError;
using Sygen::Test::PostgresServer;

namespace {

long long preparedCount(PostgresConnection& connection, const std::string& sql)
{
	Sygen::PostgresResult rows = connection.query("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", {sql});
	return rows.integer(0, 0);
}

} // namespace

class PostgresConnectionTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(PostgresConnectionTest);
	CPPUNIT_TEST(testParametersAreNeverSplicedIntoTheSQL);
	CPPUNIT_TEST(testBinaryBytesRoundTrip);
	CPPUNIT_TEST(testRejectedStatementCarriesTheSQLState);
	CPPUNIT_TEST(testUnreachableServerNamesTheMaskedDSN);
	CPPUNIT_TEST(testMultiHostDSNTriesTheNextHost);
	CPPUNIT_TEST(testTargetSessionAttrsSkipsAStandbyLikeHost);
	CPPUNIT_TEST(testNotificationsArriveOnListen);
	CPPUNIT_TEST(testStoppedServerLosesTheConnection);
	CPPUNIT_TEST(testMaskDSNHidesPasswordsInBothForms);
	CPPUNIT_TEST(testRepeatedStatementRunsPrepared);
	CPPUNIT_TEST(testLostPreparedStatementIsPreparedAgain);
	CPPUNIT_TEST_SUITE_END();

public:
	void testRepeatedStatementRunsPrepared()
	{
		PostgresServer server;
		PostgresConnection connection(server.dsn());
		const std::string sql = "SELECT $1::int + 1";
		CPPUNIT_ASSERT_EQUAL(std::string("2"), connection.query(sql, {std::string("1")}).text(0, 0));
		CPPUNIT_ASSERT_EQUAL(0LL, preparedCount(connection, sql)); // once: maybe a one-off
		CPPUNIT_ASSERT_EQUAL(std::string("3"), connection.query(sql, {std::string("2")}).text(0, 0));
		CPPUNIT_ASSERT_EQUAL(std::string("4"), connection.query(sql, {std::string("3")}).text(0, 0));
		CPPUNIT_ASSERT_EQUAL(1LL, preparedCount(connection, sql));
		CPPUNIT_ASSERT(connection.query(sql, {std::nullopt}).isNull(0, 0));
		// A many-row statement (many parameters) stays unprepared.
		std::string wide = "SELECT $1::int";
		std::vector<PostgresConnection::Param> params{std::string("7")};
		for (int i = 2; i <= 40; ++i)
		{
			wide += " + $" + std::to_string(i) + "::int";
			params.push_back(std::string("0"));
		}
		for (int run = 0; run < 3; ++run) CPPUNIT_ASSERT_EQUAL(std::string("7"), connection.query(wide, params).text(0, 0));
		CPPUNIT_ASSERT_EQUAL(0LL, preparedCount(connection, wide));
		// Binary parameters reach a prepared statement as bytes too.
		std::string bytes("a\0b", 3);
		connection.queryBinary("SELECT $1::bytea", {bytes}, {true});
		CPPUNIT_ASSERT(bytes == connection.queryBinary("SELECT $1::bytea", {bytes}, {true}).bytes(0, 0));
	}

	void testLostPreparedStatementIsPreparedAgain()
	{
		// What a pooler in transaction mode without prepared-statement support does:
		// the next statement lands on a session that never saw the PREPARE.
		PostgresServer server;
		PostgresConnection connection(server.dsn());
		const std::string sql = "SELECT $1::int * 2";
		connection.query(sql, {std::string("1")});
		connection.query(sql, {std::string("1")});
		CPPUNIT_ASSERT_EQUAL(1LL, preparedCount(connection, sql));
		connection.execute("DEALLOCATE ALL");
		// Outside a transaction the text itself runs instead.
		CPPUNIT_ASSERT_EQUAL(std::string("8"), connection.query(sql, {std::string("4")}).text(0, 0));
		connection.query(sql, {std::string("1")});
		CPPUNIT_ASSERT_EQUAL(1LL, preparedCount(connection, sql));
		// Inside one, the transaction is already lost: the caller hears of it.
		connection.execute("DEALLOCATE ALL");
		connection.execute("BEGIN");
		try
		{
			connection.query(sql, {std::string("5")});
			CPPUNIT_FAIL("a statement the session never prepared ran inside a transaction");
		}
		catch (PostgresError& e)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("26000"), e.sqlState());
		}
		connection.execute("ROLLBACK");
		connection.query(sql, {std::string("5")});
		CPPUNIT_ASSERT_EQUAL(std::string("12"), connection.query(sql, {std::string("6")}).text(0, 0));
		CPPUNIT_ASSERT_EQUAL(1LL, preparedCount(connection, sql));
	}

	void testParametersAreNeverSplicedIntoTheSQL()
	{
		PostgresServer server;
		PostgresConnection connection(server.dsn());
		connection.execute("CREATE TABLE t (v text)");
		std::string hostile = "x'); DROP TABLE t; --";
		connection.query("INSERT INTO t (v) VALUES ($1)", {hostile});
		Sygen::PostgresResult rows = connection.query("SELECT v FROM t");
		CPPUNIT_ASSERT_EQUAL(1, rows.rows());
		CPPUNIT_ASSERT_EQUAL(hostile, rows.text(0, 0));
		CPPUNIT_ASSERT(connection.query("SELECT $1::text IS NULL", {std::nullopt}).text(0, 0) == "t");
	}

	void testBinaryBytesRoundTrip()
	{
		PostgresServer server;
		PostgresConnection connection(server.dsn());
		std::string bytes("a\0b\xff\x01", 5);
		Sygen::PostgresResult row = connection.queryBinary("SELECT $1::bytea", {bytes}, {true});
		CPPUNIT_ASSERT(bytes == row.bytes(0, 0));
	}

	void testRejectedStatementCarriesTheSQLState()
	{
		PostgresServer server;
		PostgresConnection connection(server.dsn());
		connection.execute("CREATE TABLE u (k text PRIMARY KEY)");
		connection.query("INSERT INTO u VALUES ($1)", {std::string("a")});
		try
		{
			connection.query("INSERT INTO u VALUES ($1)", {std::string("a")});
			CPPUNIT_FAIL("a duplicate key was accepted");
		}
		catch (PostgresError& error)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("23505"), error.sqlState());
			CPPUNIT_ASSERT(!error.connectionLost());
			CPPUNIT_ASSERT(error.message().find("INSERT INTO u") != std::string::npos);
		}
		CPPUNIT_ASSERT(connection.ok());
	}

	void testUnreachableServerNamesTheMaskedDSN()
	{
		PostgresServer server;
		std::string dsn = "host=127.0.0.1 port=1 dbname=postgres user=sygen password=hunter2secret connect_timeout=2";
		try
		{
			PostgresConnection connection(dsn);
			CPPUNIT_FAIL("connected to a closed port");
		}
		catch (PostgresError& error)
		{
			CPPUNIT_ASSERT(error.connectionLost());
			CPPUNIT_ASSERT(error.message().find("hunter2secret") == std::string::npos);
			CPPUNIT_ASSERT(error.message().find("password=***") != std::string::npos);
			CPPUNIT_ASSERT(error.message().find("port=1") != std::string::npos);
		}
	}

	void testMultiHostDSNTriesTheNextHost()
	{
		PostgresServer server;
		PostgresConnection connection("host=127.0.0.1,127.0.0.1 port=1," + std::to_string(server.port()) + " dbname=postgres user=sygen");
		CPPUNIT_ASSERT(connection.ok());
		CPPUNIT_ASSERT_EQUAL("127.0.0.1:" + std::to_string(server.port()), connection.server());
	}

	void testTargetSessionAttrsSkipsAStandbyLikeHost()
	{
		// A read-only server stands for a standby: target_session_attrs=read-write
		// must pass it by for the next host.
		PostgresServer readOnly;
		readOnly.execute("ALTER SYSTEM SET default_transaction_read_only = on");
		readOnly.execute("SELECT pg_reload_conf()");
		PostgresServer primary;
		std::string dsn = "host=" + readOnly.socketDir() + "," + primary.socketDir() + " port=" + std::to_string(readOnly.port()) + "," +
			std::to_string(primary.port()) + " dbname=postgres user=sygen target_session_attrs=read-write";
		PostgresConnection connection(dsn);
		CPPUNIT_ASSERT(connection.server().find(":" + std::to_string(primary.port())) != std::string::npos);
		connection.execute("CREATE TABLE written (v integer)");
	}

	void testNotificationsArriveOnListen()
	{
		PostgresServer server;
		PostgresConnection listener(server.dsn());
		PostgresConnection sender(server.dsn());
		listener.execute("LISTEN sygen_jobs");
		sender.execute("NOTIFY sygen_jobs");
		std::vector<std::string> channels;
		for (int i = 0; i < 250 && channels.empty(); ++i)
		{
			channels = listener.notifications();
			if (channels.empty()) Poco::Thread::sleep(20);
		}
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), channels.size());
		CPPUNIT_ASSERT_EQUAL(std::string("sygen_jobs"), channels[0]);
	}

	void testStoppedServerLosesTheConnection()
	{
		PostgresServer server;
		PostgresConnection connection(server.dsn());
		server.stop();
		try
		{
			connection.query("SELECT 1");
			CPPUNIT_FAIL("a query succeeded on a stopped server");
		}
		catch (PostgresError& error)
		{
			CPPUNIT_ASSERT(error.connectionLost());
		}
		CPPUNIT_ASSERT(!connection.ok());
		server.start();
		PostgresConnection again(server.dsn());
		CPPUNIT_ASSERT_EQUAL(std::string("1"), again.query("SELECT 1").text(0, 0));
	}

	void testMaskDSNHidesPasswordsInBothForms()
	{
		CPPUNIT_ASSERT_EQUAL(
			std::string("host=db user=u password=*** dbname=x"), PostgresConnection::maskDSN("host=db user=u password=s3cr3t dbname=x"));
		CPPUNIT_ASSERT_EQUAL(std::string("postgresql://u:***@db1,db2/sygen?target_session_attrs=read-write"),
			PostgresConnection::maskDSN("postgresql://u:p%40ss@db1,db2/sygen?target_session_attrs=read-write"));
		CPPUNIT_ASSERT_EQUAL(std::string("host=db user=u"), PostgresConnection::maskDSN("host=db user=u"));
		CPPUNIT_ASSERT_EQUAL(std::string("s3cr3t"), PostgresConnection::passwordOf("host=db password=s3cr3t"));
		CPPUNIT_ASSERT_EQUAL(std::string("p@ss"), PostgresConnection::passwordOf("postgresql://u:p%40ss@db/x"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(PostgresConnectionTest);
