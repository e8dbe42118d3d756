//
// GenerationSignalTest.cpp
//

#include "jobs/GenerationSignal.h"
#include <atomic>
#include <chrono>
#include <cppunit/extensions/HelperMacros.h>
#include <thread>
#include <vector>

using Sygen::GenerationSignal;

class GenerationSignalTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(GenerationSignalTest);
	CPPUNIT_TEST(testCompletedGenerationsDoNotBlock);
	CPPUNIT_TEST(testEveryWaiterOfAGenerationIsReleased);
	CPPUNIT_TEST(testWaiterOfTheNextGenerationStaysAsleep);
	CPPUNIT_TEST(testCountingGoesOnPast32Bits);
	CPPUNIT_TEST_SUITE_END();

public:
	void testCompletedGenerationsDoNotBlock()
	{
		GenerationSignal signal;
		CPPUNIT_ASSERT(!signal.completed(1));
		signal.complete(1);
		signal.complete(2);
		signal.waitFor(1);
		signal.waitFor(2);
		CPPUNIT_ASSERT(signal.completed(1));
		CPPUNIT_ASSERT(signal.completed(2));
		CPPUNIT_ASSERT(!signal.completed(3));
	}

	void testEveryWaiterOfAGenerationIsReleased()
	{
		GenerationSignal signal;
		signal.complete(1);
		std::atomic<int> released{0};
		std::vector<std::thread> waiters;
		for (int i = 0; i < 16; ++i)
			waiters.emplace_back([&signal, &released]() {
				signal.waitFor(2);
				++released;
			});
		signal.complete(2);
		for (auto& t: waiters) t.join(); // hangs (and the test times out) if one is left asleep
		CPPUNIT_ASSERT_EQUAL(16, released.load());
	}

	void testWaiterOfTheNextGenerationStaysAsleep()
	{
		GenerationSignal signal;
		std::atomic<bool> released{false};
		std::thread waiter([&signal, &released]() {
			signal.waitFor(2);
			released = true;
		});
		signal.complete(1);
		std::this_thread::sleep_for(std::chrono::milliseconds(50));
		CPPUNIT_ASSERT(!released.load());
		signal.complete(2);
		waiter.join();
		CPPUNIT_ASSERT(released.load());
	}

	void testCountingGoesOnPast32Bits()
	{
		GenerationSignal signal;
		const std::uint64_t last32 = 0xFFFFFFFFull;
		signal.complete(last32 - 1);
		signal.complete(last32);
		CPPUNIT_ASSERT(signal.completed(last32));
		CPPUNIT_ASSERT(!signal.completed(last32 + 1));
		std::thread waiter([&signal, last32]() { signal.waitFor(last32 + 2); });
		signal.complete(last32 + 1);
		signal.complete(last32 + 2);
		waiter.join();
		CPPUNIT_ASSERT(signal.completed(last32 + 2));
		CPPUNIT_ASSERT(!signal.completed(last32 + 3));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(GenerationSignalTest);
