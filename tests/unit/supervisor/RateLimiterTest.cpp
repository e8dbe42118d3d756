//
// RateLimiterTest.cpp
//

#include "http/RateLimiter.h"
#include "Sygen/Foundation/Clock.h"
#include <Poco/Exception.h>
#include <atomic>
#include <cppunit/extensions/HelperMacros.h>
#include <thread>
#include <vector>

using Sygen::ManualClock;
using Sygen::RateLimiter;

namespace {

const Poco::Timestamp START(1700000000LL * 1000000);

} // namespace

class RateLimiterTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(RateLimiterTest);
	CPPUNIT_TEST(testAllowsUpToLimitThenDenies);
	CPPUNIT_TEST(testTimestampExactlySixtySecondsOldStillCounts);
	CPPUNIT_TEST(testSlotFreesJustAfterSixtySeconds);
	CPPUNIT_TEST(testRetryAfterIsCeilingOfTimeUntilOldestLeaves);
	CPPUNIT_TEST(testRetryAfterIsAtLeastOneSecond);
	CPPUNIT_TEST(testRejectedRequestsAreNotRecorded);
	CPPUNIT_TEST(testZeroLimitRejectsEverything);
	CPPUNIT_TEST(testNegativeLimitRejectsEverything);
	CPPUNIT_TEST(testPerIpLimitIsPerClient);
	CPPUNIT_TEST(testPerIpOffWhenZero);
	CPPUNIT_TEST(testRequestDeniedByGlobalIsNotCountedForClient);
	CPPUNIT_TEST(testRequestDeniedByClientIsNotCountedGlobally);
	CPPUNIT_TEST(testRetryAfterIsLargerOfBothWindows);
	CPPUNIT_TEST(testClientTableIsBounded);
	CPPUNIT_TEST(testEvictsLeastRecentlySeenClient);
	CPPUNIT_TEST(testExpiredClientsAreEvictedBeforeActiveOnes);
	CPPUNIT_TEST(testLoweredLimitTakesEffect);
	CPPUNIT_TEST(testRejectsZeroMaxClients);
	CPPUNIT_TEST(testConcurrentChecksNeverExceedLimit);
	CPPUNIT_TEST_SUITE_END();

public:
	void testAllowsUpToLimitThenDenies()
	{
		RateLimiter limiter(3, 0);
		for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT(limiter.check("a", START).allowed);
		RateLimiter::Decision d = limiter.check("a", START);
		CPPUNIT_ASSERT(!d.allowed);
		CPPUNIT_ASSERT_EQUAL(60, d.retryAfterSeconds);
	}

	void testTimestampExactlySixtySecondsOldStillCounts()
	{
		ManualClock clock(START);
		RateLimiter limiter(1, 0);
		CPPUNIT_ASSERT(limiter.check("a", clock.now()).allowed);
		clock.advanceSeconds(60);
		RateLimiter::Decision d = limiter.check("a", clock.now());
		CPPUNIT_ASSERT(!d.allowed);
		CPPUNIT_ASSERT_EQUAL(1, d.retryAfterSeconds);
	}

	void testSlotFreesJustAfterSixtySeconds()
	{
		ManualClock clock(START);
		RateLimiter limiter(1, 0);
		CPPUNIT_ASSERT(limiter.check("a", clock.now()).allowed);
		clock.advanceSeconds(60.000001);
		CPPUNIT_ASSERT(limiter.check("a", clock.now()).allowed);
	}

	void testRetryAfterIsCeilingOfTimeUntilOldestLeaves()
	{
		ManualClock clock(START);
		RateLimiter limiter(2, 0);
		CPPUNIT_ASSERT(limiter.check("a", clock.now()).allowed);
		clock.advanceSeconds(10);
		CPPUNIT_ASSERT(limiter.check("a", clock.now()).allowed);
		clock.advanceSeconds(15.5);
		// Oldest at 0 s leaves after 60 s: 34.5 s from now, rounded up.
		CPPUNIT_ASSERT_EQUAL(35, limiter.check("a", clock.now()).retryAfterSeconds);
		clock.advanceSeconds(0.5);
		CPPUNIT_ASSERT_EQUAL(34, limiter.check("a", clock.now()).retryAfterSeconds);
		// Waiting the advertised time (plus the boundary microsecond) frees a slot.
		clock.advanceSeconds(34.000001);
		CPPUNIT_ASSERT(limiter.check("a", clock.now()).allowed);
	}

	void testRetryAfterIsAtLeastOneSecond()
	{
		ManualClock clock(START);
		RateLimiter limiter(1, 0);
		CPPUNIT_ASSERT(limiter.check("a", clock.now()).allowed);
		clock.advanceSeconds(59.9);
		CPPUNIT_ASSERT_EQUAL(1, limiter.check("a", clock.now()).retryAfterSeconds);
	}

	void testRejectedRequestsAreNotRecorded()
	{
		ManualClock clock(START);
		RateLimiter limiter(1, 0);
		CPPUNIT_ASSERT(limiter.check("a", clock.now()).allowed);
		for (int i = 0; i < 50; ++i)
		{
			clock.advanceSeconds(1);
			CPPUNIT_ASSERT(!limiter.check("a", clock.now()).allowed);
		}
		// Only the first request counts: 60 s after it the window is free again.
		clock.set(START + 60000001);
		CPPUNIT_ASSERT(limiter.check("a", clock.now()).allowed);
	}

	void testZeroLimitRejectsEverything()
	{
		RateLimiter limiter(0, 0);
		RateLimiter::Decision d = limiter.check("a", START);
		CPPUNIT_ASSERT(!d.allowed);
		CPPUNIT_ASSERT_EQUAL(RateLimiter::WINDOW_SECONDS, d.retryAfterSeconds);
	}

	void testNegativeLimitRejectsEverything()
	{
		RateLimiter limiter(-5, 10);
		CPPUNIT_ASSERT(!limiter.check("a", START).allowed);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), limiter.clientCount());
	}

	void testPerIpLimitIsPerClient()
	{
		RateLimiter limiter(100, 2);
		CPPUNIT_ASSERT(limiter.check("10.0.0.1", START).allowed);
		CPPUNIT_ASSERT(limiter.check("10.0.0.1", START).allowed);
		CPPUNIT_ASSERT(!limiter.check("10.0.0.1", START).allowed);
		CPPUNIT_ASSERT(limiter.check("10.0.0.2", START).allowed);
		CPPUNIT_ASSERT(limiter.check("10.0.0.2", START).allowed);
		CPPUNIT_ASSERT(!limiter.check("10.0.0.2", START).allowed);
	}

	void testPerIpOffWhenZero()
	{
		RateLimiter limiter(5, 0);
		for (int i = 0; i < 5; ++i) CPPUNIT_ASSERT(limiter.check("same", START).allowed);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), limiter.clientCount());
	}

	void testRequestDeniedByGlobalIsNotCountedForClient()
	{
		ManualClock clock(START);
		RateLimiter limiter(1, 1);
		CPPUNIT_ASSERT(limiter.check("a", clock.now()).allowed);
		clock.advanceSeconds(30);
		CPPUNIT_ASSERT(!limiter.check("b", clock.now()).allowed); // global full
		clock.advanceSeconds(30.5);
		// Had b's denied request been recorded for b, it would still be in b's window.
		CPPUNIT_ASSERT(limiter.check("b", clock.now()).allowed);
	}

	void testRequestDeniedByClientIsNotCountedGlobally()
	{
		RateLimiter limiter(2, 1);
		CPPUNIT_ASSERT(limiter.check("a", START).allowed);
		for (int i = 0; i < 10; ++i) CPPUNIT_ASSERT(!limiter.check("a", START).allowed);
		CPPUNIT_ASSERT(limiter.check("b", START).allowed);
		CPPUNIT_ASSERT(!limiter.check("c", START).allowed);
	}

	void testRetryAfterIsLargerOfBothWindows()
	{
		ManualClock clock(START);
		RateLimiter limiter(2, 1);
		CPPUNIT_ASSERT(limiter.check("a", clock.now()).allowed); // t = 0
		clock.advanceSeconds(20);
		CPPUNIT_ASSERT(limiter.check("b", clock.now()).allowed); // t = 20
		clock.advanceSeconds(10);
		// b: its own window frees at 80 s (50 s from now); global frees at 60 s (30 s).
		CPPUNIT_ASSERT_EQUAL(50, limiter.check("b", clock.now()).retryAfterSeconds);
		// c: only the global window is full.
		CPPUNIT_ASSERT_EQUAL(30, limiter.check("c", clock.now()).retryAfterSeconds);
	}

	void testClientTableIsBounded()
	{
		RateLimiter limiter(1000000, 1000, 100);
		for (int i = 0; i < 10000; ++i)
		{
			CPPUNIT_ASSERT(limiter.check("198.51.100." + std::to_string(i), START).allowed);
			CPPUNIT_ASSERT(limiter.clientCount() <= 100);
		}
		CPPUNIT_ASSERT_EQUAL(std::size_t(100), limiter.clientCount());
	}

	void testEvictsLeastRecentlySeenClient()
	{
		ManualClock clock(START);
		RateLimiter limiter(100, 1, 2);
		CPPUNIT_ASSERT(limiter.check("a", clock.now()).allowed);
		CPPUNIT_ASSERT(limiter.check("b", clock.now()).allowed);
		// a is seen again (denied, but seen): b is now the least recently seen.
		CPPUNIT_ASSERT(!limiter.check("a", clock.now()).allowed);
		CPPUNIT_ASSERT(limiter.check("c", clock.now()).allowed);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), limiter.clientCount());
		CPPUNIT_ASSERT(!limiter.check("a", clock.now()).allowed); // a kept its window
		CPPUNIT_ASSERT(!limiter.check("c", clock.now()).allowed);
		CPPUNIT_ASSERT(limiter.check("b", clock.now()).allowed); // b was evicted: fresh
	}

	void testExpiredClientsAreEvictedBeforeActiveOnes()
	{
		ManualClock clock(START);
		RateLimiter limiter(100, 1, 3);
		CPPUNIT_ASSERT(limiter.check("old1", clock.now()).allowed);
		CPPUNIT_ASSERT(limiter.check("old2", clock.now()).allowed);
		clock.advanceSeconds(61);
		CPPUNIT_ASSERT(limiter.check("active", clock.now()).allowed);
		CPPUNIT_ASSERT(limiter.check("new", clock.now()).allowed);
		CPPUNIT_ASSERT(limiter.clientCount() <= 3);
		CPPUNIT_ASSERT(!limiter.check("active", clock.now()).allowed);
	}

	void testLoweredLimitTakesEffect()
	{
		ManualClock clock(START);
		RateLimiter limiter(5, 0);
		for (int i = 0; i < 4; ++i)
		{
			CPPUNIT_ASSERT(limiter.check("a", clock.now()).allowed);
			clock.advanceSeconds(10);
		}
		// Timestamps at 0, 10, 20, 30; now 40. With a limit of 2 a slot is free once
		// only one is left: the one at 20 s leaves after 80 s, 40 s from now.
		limiter.setLimits(2, 0);
		RateLimiter::Decision d = limiter.check("a", clock.now());
		CPPUNIT_ASSERT(!d.allowed);
		CPPUNIT_ASSERT_EQUAL(40, d.retryAfterSeconds);
		clock.advanceSeconds(40);
		CPPUNIT_ASSERT(!limiter.check("a", clock.now()).allowed);
		clock.advanceSeconds(0.000001);
		CPPUNIT_ASSERT(limiter.check("a", clock.now()).allowed);
	}

	void testRejectsZeroMaxClients() { CPPUNIT_ASSERT_THROW(RateLimiter(1, 1, 0), Poco::InvalidArgumentException); }

	void testConcurrentChecksNeverExceedLimit()
	{
		RateLimiter limiter(500, 0);
		std::atomic<int> allowed(0);
		std::vector<std::thread> threads;
		for (int t = 0; t < 8; ++t)
		{
			threads.emplace_back([&limiter, &allowed, t]() {
				for (int i = 0; i < 200; ++i)
				{
					if (limiter.check("c" + std::to_string(t), START).allowed) ++allowed;
				}
			});
		}
		for (auto& thread: threads) thread.join();
		CPPUNIT_ASSERT_EQUAL(500, allowed.load());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(RateLimiterTest);
