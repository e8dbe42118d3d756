//
// PollingThreadTest.cpp
//

#include "Sygen/Foundation/PollingThread.h"
#include <Poco/Exception.h>
#include <atomic>
#include <chrono>
#include <cppunit/extensions/HelperMacros.h>
#include <mutex>
#include <string>
#include <thread>

using Sygen::PollingThread;

namespace {

// Waits up to ten seconds for a condition the thread under test makes true: a
// deadline for a stuck thread, not a timing assertion.
template <typename Condition>
bool eventually(Condition condition)
{
	for (int i = 0; i < 1000 && !condition(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
	return condition();
}

struct Counts
{
	std::atomic<int> often{0};
	std::atomic<int> occasionally{0};
	std::atomic<int> failed{0};
	std::mutex mutex;
	std::string lastFailure;

	PollingThread::Steps steps()
	{
		PollingThread::Steps s;
		s.often = [this] { ++often; };
		s.occasionally = [this] { ++occasionally; };
		s.failed = [this](const std::exception& e) {
			std::lock_guard<std::mutex> lock(mutex);
			lastFailure = e.what();
			++failed;
		};
		return s;
	}
};

} // namespace

class PollingThreadTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(PollingThreadTest);
	CPPUNIT_TEST(testRunsBothStepsTheOccasionalOneLessOften);
	CPPUNIT_TEST(testAFailingStepIsReportedAndPollingGoesOn);
	CPPUNIT_TEST(testStopReturnsWithoutWaitingForTheInterval);
	CPPUNIT_TEST(testStartTwiceKeepsOneThreadAndStartAfterStopRuns);
	CPPUNIT_TEST(testTheOccasionalStepMayBeLeftOut);
	CPPUNIT_TEST_SUITE_END();

public:
	void testRunsBothStepsTheOccasionalOneLessOften()
	{
		Counts counts;
		PollingThread thread;
		thread.start(Poco::Timespan(0, 1000), Poco::Timespan(0, 50000), counts.steps());
		CPPUNIT_ASSERT(eventually([&] { return counts.occasionally >= 2; }));
		thread.stop();
		// The often step runs on every tick, the occasional one on every 50th at most.
		CPPUNIT_ASSERT(counts.often > counts.occasionally);
		CPPUNIT_ASSERT_EQUAL(0, counts.failed.load());
	}

	void testAFailingStepIsReportedAndPollingGoesOn()
	{
		Counts counts;
		PollingThread::Steps steps = counts.steps();
		std::atomic<int> calls{0};
		steps.often = [&] {
			if (++calls == 1) throw Poco::IOException("disk gone");
			++counts.often;
		};
		PollingThread thread;
		thread.start(Poco::Timespan(0, 1000), Poco::Timespan(0, 1000), steps);
		CPPUNIT_ASSERT(eventually([&] { return counts.often >= 3; }));
		thread.stop();
		CPPUNIT_ASSERT_EQUAL(1, counts.failed.load());
		std::lock_guard<std::mutex> lock(counts.mutex);
		CPPUNIT_ASSERT(counts.lastFailure.find("I/O error") != std::string::npos);
	}

	void testStopReturnsWithoutWaitingForTheInterval()
	{
		Counts counts;
		PollingThread thread;
		// An hour between ticks: stop() must wake the thread, or this test hangs.
		thread.start(Poco::Timespan(3600, 0), Poco::Timespan(3600, 0), counts.steps());
		thread.stop();
		CPPUNIT_ASSERT_EQUAL(0, counts.often.load());
		CPPUNIT_ASSERT_EQUAL(0, counts.occasionally.load());
	}

	void testStartTwiceKeepsOneThreadAndStartAfterStopRuns()
	{
		Counts first;
		Counts second;
		PollingThread thread;
		thread.start(Poco::Timespan(0, 1000), Poco::Timespan(0, 1000), first.steps());
		thread.start(Poco::Timespan(0, 1000), Poco::Timespan(0, 1000), second.steps());
		CPPUNIT_ASSERT(eventually([&] { return first.often >= 2; }));
		CPPUNIT_ASSERT_EQUAL(0, second.often.load());
		thread.stop();
		thread.start(Poco::Timespan(0, 1000), Poco::Timespan(0, 1000), second.steps());
		CPPUNIT_ASSERT(eventually([&] { return second.often >= 2; }));
		CPPUNIT_ASSERT(thread.stop());
		CPPUNIT_ASSERT(!thread.stop());
	}

	void testTheOccasionalStepMayBeLeftOut()
	{
		Counts counts;
		PollingThread::Steps steps = counts.steps();
		steps.occasionally = nullptr;
		PollingThread thread;
		thread.start(Poco::Timespan(0, 1000), Poco::Timespan(0, 1000), steps);
		CPPUNIT_ASSERT(eventually([&] { return counts.often >= 3; }));
		thread.stop();
		CPPUNIT_ASSERT_EQUAL(0, counts.failed.load());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(PollingThreadTest);
