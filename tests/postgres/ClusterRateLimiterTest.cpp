//
// ClusterRateLimiterTest.cpp
//
// The rate limit as the cluster's total, on a real PostgreSQL: limiters of two
// nodes, synchronised by explicit sync() calls so every interleaving is exact.
//

#include "cluster/ClusterRateLimiter.h"
#include "PostgresServer.h"
#include "jobs/SchemaMigrator.h"
#include <Poco/Thread.h>
#include <cppunit/extensions/HelperMacros.h>
#include <memory>

using Sygen::ClusterRateLimiter;
using Sygen::PostgresConnection;
using Sygen::PostgresPool;
using Sygen::RateLimiter;
using Sygen::Test::PostgresServer;

namespace {

const int LEASE_SECONDS = 30;

RateLimiter::Decision allow()
{
	return RateLimiter::Decision{true, 0};
}

int admitAll(ClusterRateLimiter& limiter, const std::string& client, int attempts = 100)
/// Requests until the first refusal; how many were admitted.
{
	int admitted = 0;
	while (admitted < attempts && limiter.admit(client, allow).allowed) ++admitted;
	return admitted;
}

} // namespace

class ClusterRateLimiterTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ClusterRateLimiterTest);
	CPPUNIT_TEST(testTwoNodesShareTheLimit);
	CPPUNIT_TEST(testOvershootStaysWithinTheDocumentedBound);
	CPPUNIT_TEST(testPerClientLimitIsSharedToo);
	CPPUNIT_TEST(testTheNodesOwnWindowStillApplies);
	CPPUNIT_TEST(testCountsWaitForTheDatabase);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_server.reset(new PostgresServer);
		PostgresConnection connection(_server->dsn());
		Sygen::SchemaMigrator::migrate(connection);
		std::string now = std::to_string(Poco::Timestamp().epochMicroseconds());
		for (const char* node: {"a", "b"})
			connection.query("INSERT INTO sygen_nodes (node_id, started_us, heartbeat_us) VALUES ($1, $2, $2)", {node, now});
		_pool.reset(new PostgresPool(_server->dsn(), 2));
	}

	void tearDown() override
	{
		_pool.reset();
		_server.reset();
	}

	void testTwoNodesShareTheLimit()
	{
		ClusterRateLimiter a(*_pool, "a", 10, 0, LEASE_SECONDS);
		ClusterRateLimiter b(*_pool, "b", 10, 0, LEASE_SECONDS);
		CPPUNIT_ASSERT(a.sync() && b.sync());
		// Two live nodes: half of the room each until they have synchronised.
		CPPUNIT_ASSERT_EQUAL(5, admitAll(a, "1.1.1.1"));
		CPPUNIT_ASSERT_EQUAL(5, admitAll(b, "2.2.2.2"));
		// A once more after B wrote: both see the whole cluster now.
		CPPUNIT_ASSERT(a.sync() && b.sync() && a.sync());
		RateLimiter::Decision refused = a.admit("1.1.1.1", allow);
		CPPUNIT_ASSERT(!refused.allowed);
		// The window is full: the oldest second leaves it in about a minute.
		CPPUNIT_ASSERT(refused.retryAfterSeconds >= 58 && refused.retryAfterSeconds <= 60);
		CPPUNIT_ASSERT(!b.admit("2.2.2.2", allow).allowed);
		PostgresConnection connection(_server->dsn());
		CPPUNIT_ASSERT_EQUAL(10LL, connection.query("SELECT sum(count) FROM sygen_rate WHERE client = ''").integer(0, 0));
	}

	void testOvershootStaysWithinTheDocumentedBound()
	{
		// Worst case: each node spends its share and synchronises before the other
		// has written anything; ceil(room / 2) at every step.
		const int limit = 10;
		ClusterRateLimiter a(*_pool, "a", limit, 0, LEASE_SECONDS);
		ClusterRateLimiter b(*_pool, "b", limit, 0, LEASE_SECONDS);
		CPPUNIT_ASSERT(a.sync() && b.sync());
		int total = 0;
		for (int round = 0; round < 6; ++round)
		{
			total += admitAll(a, "x");
			CPPUNIT_ASSERT(a.sync());
			total += admitAll(b, "y");
			CPPUNIT_ASSERT(b.sync());
		}
		const int bound = limit + (2 - 1) * ((limit + 1) / 2);
		CPPUNIT_ASSERT_MESSAGE(std::to_string(total), total >= limit && total <= bound);
		// Once both have seen everything, nothing more.
		CPPUNIT_ASSERT(a.sync() && b.sync());
		CPPUNIT_ASSERT_EQUAL(0, admitAll(a, "x") + admitAll(b, "y"));
	}

	void testPerClientLimitIsSharedToo()
	{
		ClusterRateLimiter a(*_pool, "a", 100, 4, LEASE_SECONDS);
		ClusterRateLimiter b(*_pool, "b", 100, 4, LEASE_SECONDS);
		CPPUNIT_ASSERT(a.sync() && b.sync());
		CPPUNIT_ASSERT_EQUAL(2, admitAll(a, "9.9.9.9"));
		CPPUNIT_ASSERT_EQUAL(2, admitAll(b, "9.9.9.9"));
		CPPUNIT_ASSERT(a.sync() && b.sync() && a.sync());
		CPPUNIT_ASSERT(!a.admit("9.9.9.9", allow).allowed);
		CPPUNIT_ASSERT(!b.admit("9.9.9.9", allow).allowed);
		// Another client has its own window.
		CPPUNIT_ASSERT(a.admit("8.8.8.8", allow).allowed);
	}

	void testTheNodesOwnWindowStillApplies()
	{
		ClusterRateLimiter a(*_pool, "a", 10, 0, LEASE_SECONDS);
		CPPUNIT_ASSERT(a.sync());
		RateLimiter::Decision refused = a.admit("1.1.1.1", []() { return RateLimiter::Decision{false, 17}; });
		CPPUNIT_ASSERT(!refused.allowed);
		CPPUNIT_ASSERT_EQUAL(17, refused.retryAfterSeconds);
		CPPUNIT_ASSERT(a.sync());
		PostgresConnection connection(_server->dsn());
		// A refused request is counted nowhere.
		CPPUNIT_ASSERT_EQUAL(0LL, connection.query("SELECT count(*) FROM sygen_rate").integer(0, 0));
		// rate_limit_per_minute 0: the node's own limiter decides (it refuses everything).
		ClusterRateLimiter off(*_pool, "a", 0, 0, LEASE_SECONDS);
		CPPUNIT_ASSERT_EQUAL(60, off.admit("1.1.1.1", []() { return RateLimiter::Decision{false, 60}; }).retryAfterSeconds);
	}

	void testCountsWaitForTheDatabase()
	{
		ClusterRateLimiter a(*_pool, "a", 10, 0, LEASE_SECONDS);
		CPPUNIT_ASSERT(a.sync());
		CPPUNIT_ASSERT(a.admit("1.1.1.1", allow).allowed);
		_server->stop();
		CPPUNIT_ASSERT(!a.sync());
		// The last view stays in force: the share not yet spent is still there.
		CPPUNIT_ASSERT(a.admit("1.1.1.1", allow).allowed);
		_server->start();
		Poco::Timestamp start;
		while (!a.sync() && start.elapsed() < 20 * 1000 * 1000) Poco::Thread::sleep(100);
		PostgresConnection connection(_server->dsn());
		CPPUNIT_ASSERT_EQUAL(2LL, connection.query("SELECT sum(count) FROM sygen_rate WHERE client = ''").integer(0, 0));
	}

private:
	std::unique_ptr<PostgresServer> _server;
	std::unique_ptr<PostgresPool> _pool;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ClusterRateLimiterTest);
