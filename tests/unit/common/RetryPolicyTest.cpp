//
// RetryPolicyTest.cpp
//

#include "Sygen/Foundation/RetryPolicy.h"
#include <cppunit/extensions/HelperMacros.h>
#include <vector>

using Sygen::RetryPolicy;

namespace {

struct Recorder
{
	std::vector<Poco::Timespan> waits;
	bool cancelAfterFirst = false;

	RetryPolicy::Sleeper sleeper()
	{
		return [this](const Poco::Timespan& t) {
			waits.push_back(t);
			return !(cancelAfterFirst && waits.size() == 1);
		};
	}
};

RetryPolicy::Attempt attempt(RetryPolicy::Attempt::Result result, Poco::Timespan serverDelay = Poco::Timespan(0))
{
	RetryPolicy::Attempt a;
	a.result = result;
	a.serverDelay = serverDelay;
	a.description = "x";
	return a;
}

} // namespace

class RetryPolicyTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(RetryPolicyTest);
	CPPUNIT_TEST(testBackoffDoublesUpToTheCap);
	CPPUNIT_TEST(testRetriesUntilDelivered);
	CPPUNIT_TEST(testGivesUpAfterMaxAttempts);
	CPPUNIT_TEST(testPermanentFailureIsNotRetried);
	CPPUNIT_TEST(testServerDelayIsHonoured);
	CPPUNIT_TEST(testServerDelayOverTheLimitGivesUp);
	CPPUNIT_TEST(testCancelledWaitGivesUp);
	CPPUNIT_TEST_SUITE_END();

public:
	void testBackoffDoublesUpToTheCap()
	{
		RetryPolicy p;
		p.initialDelay = Poco::Timespan(2, 0);
		p.maxDelay = Poco::Timespan(10, 0);
		CPPUNIT_ASSERT_EQUAL(2, p.backoff(1).seconds());
		CPPUNIT_ASSERT_EQUAL(4, p.backoff(2).seconds());
		CPPUNIT_ASSERT_EQUAL(8, p.backoff(3).seconds());
		CPPUNIT_ASSERT_EQUAL(10, p.backoff(4).seconds());
		CPPUNIT_ASSERT_EQUAL(10, p.backoff(1000).totalSeconds());
	}

	void testRetriesUntilDelivered()
	{
		Recorder rec;
		RetryPolicy p;
		p.sleep = rec.sleeper();
		int calls = 0;
		std::vector<bool> finals;
		bool ok = p.run(
			[&](int n) {
				++calls;
				CPPUNIT_ASSERT_EQUAL(calls, n);
				return attempt(n < 3 ? RetryPolicy::Attempt::RETRY : RetryPolicy::Attempt::DELIVERED);
			},
			[&](const RetryPolicy::Attempt&, int, bool final) { finals.push_back(final); });
		CPPUNIT_ASSERT(ok);
		CPPUNIT_ASSERT_EQUAL(3, calls);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), rec.waits.size());
		CPPUNIT_ASSERT_EQUAL(1, rec.waits[0].seconds());
		CPPUNIT_ASSERT_EQUAL(2, rec.waits[1].seconds());
		CPPUNIT_ASSERT(!finals[0] && !finals[1]);
	}

	void testGivesUpAfterMaxAttempts()
	{
		Recorder rec;
		RetryPolicy p;
		p.maxAttempts = 3;
		p.sleep = rec.sleeper();
		int calls = 0;
		bool lastFinal = false;
		CPPUNIT_ASSERT(!p.run(
			[&](int) {
				++calls;
				return attempt(RetryPolicy::Attempt::RETRY);
			},
			[&](const RetryPolicy::Attempt&, int, bool final) { lastFinal = final; }));
		CPPUNIT_ASSERT_EQUAL(3, calls);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), rec.waits.size());
		CPPUNIT_ASSERT(lastFinal);
	}

	void testPermanentFailureIsNotRetried()
	{
		Recorder rec;
		RetryPolicy p;
		p.sleep = rec.sleeper();
		int calls = 0;
		CPPUNIT_ASSERT(!p.run(
			[&](int) {
				++calls;
				return attempt(RetryPolicy::Attempt::FAILED);
			},
			nullptr));
		CPPUNIT_ASSERT_EQUAL(1, calls);
		CPPUNIT_ASSERT(rec.waits.empty());
	}

	void testServerDelayIsHonoured()
	{
		Recorder rec;
		RetryPolicy p;
		p.sleep = rec.sleeper();
		CPPUNIT_ASSERT(p.run(
			[&](int n) {
				return n == 1 ? attempt(RetryPolicy::Attempt::RETRY, Poco::Timespan(37, 0)) : attempt(RetryPolicy::Attempt::DELIVERED);
			},
			nullptr));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), rec.waits.size());
		CPPUNIT_ASSERT_EQUAL(37, rec.waits[0].totalSeconds());
	}

	void testServerDelayOverTheLimitGivesUp()
	{
		Recorder rec;
		RetryPolicy p;
		p.maxServerDelay = Poco::Timespan(60, 0);
		p.sleep = rec.sleeper();
		std::string description;
		CPPUNIT_ASSERT(!p.run([&](int) { return attempt(RetryPolicy::Attempt::RETRY, Poco::Timespan(3600, 0)); },
			[&](const RetryPolicy::Attempt& a, int, bool final) {
				CPPUNIT_ASSERT(final);
				description = a.description;
			}));
		CPPUNIT_ASSERT(rec.waits.empty());
		CPPUNIT_ASSERT(description.find("3600 s") != std::string::npos);
	}

	void testCancelledWaitGivesUp()
	{
		Recorder rec;
		rec.cancelAfterFirst = true;
		RetryPolicy p;
		p.sleep = rec.sleeper();
		int calls = 0;
		CPPUNIT_ASSERT(!p.run(
			[&](int) {
				++calls;
				return attempt(RetryPolicy::Attempt::RETRY);
			},
			nullptr));
		CPPUNIT_ASSERT_EQUAL(1, calls);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(RetryPolicyTest);
