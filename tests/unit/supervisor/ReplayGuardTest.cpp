//
// ReplayGuardTest.cpp
//

#include "http/ReplayGuard.h"
#include "Sygen/Foundation/Clock.h"
#include "TestSupport.h"
#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <cppunit/extensions/HelperMacros.h>
#include <sys/stat.h>

using Sygen::ManualClock;
using Sygen::ReplayGuard;
using Sygen::Test::TempDir;

namespace {

const Poco::Timestamp START(1700000000LL * 1000000);
const long long DAY = 86400;

class NullChannel: public Poco::Channel
{
public:
	void log(const Poco::Message&) override {}
};

std::size_t countLines(const std::string& text)
{
	std::size_t n = 0;
	for (char c: text) n += c == '\n';
	return n;
}

} // namespace

class ReplayGuardTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ReplayGuardTest);
	CPPUNIT_TEST(testFirstDeliveryIsNew);
	CPPUNIT_TEST(testDuplicateWithinWindowReturnsOriginalJob);
	CPPUNIT_TEST(testKeyIsHookAndDeliveryId);
	CPPUNIT_TEST(testEntryExpiresAfterWindow);
	CPPUNIT_TEST(testEntryExactlyAtWindowStillCounts);
	CPPUNIT_TEST(testSurvivesReloadFromDisk);
	CPPUNIT_TEST(testExpiredEntriesAreDroppedOnReload);
	CPPUNIT_TEST(testReloadCompactsTheLog);
	CPPUNIT_TEST(testLogIsCompactedWhenTooLarge);
	CPPUNIT_TEST(testTornAndMalformedLinesAreSkipped);
	CPPUNIT_TEST(testLogIsPrivate);
	CPPUNIT_TEST(testLogHoldsNoRawDeliveryIds);
	CPPUNIT_TEST(testBoundEvictsOldest);
	CPPUNIT_TEST(testBoundHoldsAcrossReload);
	CPPUNIT_TEST(testReservationIsInFlightUntilConfirmed);
	CPPUNIT_TEST(testRollbackForgetsReservation);
	CPPUNIT_TEST(testRolledBackReservationIsNotPersisted);
	CPPUNIT_TEST(testAbandonedReservationIsReplaced);
	CPPUNIT_TEST(testConfirmWithoutReservationDoesNothing);
	CPPUNIT_TEST(testZeroWindowDisablesGuard);
	CPPUNIT_TEST(testUnwritableFolderThrows);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		Poco::Logger& logger = Poco::Logger::get("Sygen.ReplayGuard");
		_savedChannel = logger.getChannel();
		logger.setChannel(new NullChannel);
	}

	void tearDown() override { Poco::Logger::get("Sygen.ReplayGuard").setChannel(_savedChannel); }

	void testFirstDeliveryIsNew()
	{
		TempDir dir;
		ReplayGuard guard(dir.file("dedupe.log"), DAY, START);
		ReplayGuard::Result r = guard.checkAndRemember("gh", "d-1", "job-1", START);
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::NEW, r.outcome);
		CPPUNIT_ASSERT_EQUAL(std::string("job-1"), r.jobId);
	}

	void testDuplicateWithinWindowReturnsOriginalJob()
	{
		TempDir dir;
		ManualClock clock(START);
		ReplayGuard guard(dir.file("dedupe.log"), DAY, clock.now());
		guard.checkAndRemember("gh", "d-1", "job-1", clock.now());
		clock.advanceSeconds(3600);
		ReplayGuard::Result r = guard.checkAndRemember("gh", "d-1", "job-2", clock.now());
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::DUPLICATE, r.outcome);
		CPPUNIT_ASSERT_EQUAL(std::string("job-1"), r.jobId);
	}

	void testKeyIsHookAndDeliveryId()
	{
		TempDir dir;
		ReplayGuard guard(dir.file("dedupe.log"), DAY, START);
		guard.checkAndRemember("gh", "d-1", "job-1", START);
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::NEW, guard.checkAndRemember("other", "d-1", "job-2", START).outcome);
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::NEW, guard.checkAndRemember("gh", "d-2", "job-3", START).outcome);
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::NEW, guard.checkAndRemember("g", "hd-1", "job-4", START).outcome);
	}

	void testEntryExpiresAfterWindow()
	{
		TempDir dir;
		ManualClock clock(START);
		ReplayGuard guard(dir.file("dedupe.log"), 600, clock.now());
		guard.checkAndRemember("gh", "d-1", "job-1", clock.now());
		clock.advanceSeconds(600.000001);
		ReplayGuard::Result r = guard.checkAndRemember("gh", "d-1", "job-2", clock.now());
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::NEW, r.outcome);
		CPPUNIT_ASSERT_EQUAL(std::string("job-2"), r.jobId);
		// And the new acceptance is remembered in turn.
		CPPUNIT_ASSERT_EQUAL(std::string("job-2"), guard.checkAndRemember("gh", "d-1", "job-3", clock.now()).jobId);
	}

	void testEntryExactlyAtWindowStillCounts()
	{
		TempDir dir;
		ManualClock clock(START);
		ReplayGuard guard(dir.file("dedupe.log"), 600, clock.now());
		guard.checkAndRemember("gh", "d-1", "job-1", clock.now());
		clock.advanceSeconds(600);
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::DUPLICATE, guard.checkAndRemember("gh", "d-1", "job-2", clock.now()).outcome);
	}

	void testSurvivesReloadFromDisk()
	{
		TempDir dir;
		ManualClock clock(START);
		{
			ReplayGuard guard(dir.file("dedupe.log"), DAY, clock.now());
			guard.checkAndRemember("gh", "d-1", "job-1", clock.now());
			guard.checkAndRemember("gh", "weird \"id\"\n\\ \xFF", "job-2", clock.now());
		}
		clock.advanceSeconds(60);
		ReplayGuard reloaded(dir.file("dedupe.log"), DAY, clock.now());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), reloaded.size());
		ReplayGuard::Result r = reloaded.checkAndRemember("gh", "d-1", "job-9", clock.now());
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::DUPLICATE, r.outcome);
		CPPUNIT_ASSERT_EQUAL(std::string("job-1"), r.jobId);
		CPPUNIT_ASSERT_EQUAL(std::string("job-2"), reloaded.checkAndRemember("gh", "weird \"id\"\n\\ \xFF", "job-9", clock.now()).jobId);
	}

	void testExpiredEntriesAreDroppedOnReload()
	{
		TempDir dir;
		ManualClock clock(START);
		{
			ReplayGuard guard(dir.file("dedupe.log"), 600, clock.now());
			guard.checkAndRemember("gh", "old", "job-1", clock.now());
			clock.advanceSeconds(300);
			guard.checkAndRemember("gh", "young", "job-2", clock.now());
		}
		clock.advanceSeconds(301);
		ReplayGuard reloaded(dir.file("dedupe.log"), 600, clock.now());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), reloaded.size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), countLines(Sygen::Test::readFile(dir.file("dedupe.log"))));
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::NEW, reloaded.checkAndRemember("gh", "old", "job-3", clock.now()).outcome);
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::DUPLICATE, reloaded.checkAndRemember("gh", "young", "job-4", clock.now()).outcome);
	}

	void testReloadCompactsTheLog()
	{
		TempDir dir;
		ManualClock clock(START);
		{
			ReplayGuard guard(dir.file("dedupe.log"), 10, clock.now());
			for (int i = 0; i < 50; ++i)
			{
				guard.checkAndRemember("gh", "d-" + std::to_string(i), "job", clock.now());
				clock.advanceSeconds(1);
			}
		}
		CPPUNIT_ASSERT_EQUAL(std::size_t(50), countLines(Sygen::Test::readFile(dir.file("dedupe.log"))));
		ReplayGuard reloaded(dir.file("dedupe.log"), 10, clock.now());
		// Entries accepted at 40..49 s are within 10 s of 50 s.
		CPPUNIT_ASSERT_EQUAL(std::size_t(10), countLines(Sygen::Test::readFile(dir.file("dedupe.log"))));
		CPPUNIT_ASSERT(!Poco::File(dir.file("dedupe.log.tmp")).exists());
	}

	void testLogIsCompactedWhenTooLarge()
	{
		TempDir dir;
		ManualClock clock(START);
		ReplayGuard guard(dir.file("dedupe.log"), 1, clock.now());
		for (int i = 0; i < 1500; ++i)
		{
			guard.checkAndRemember("gh", "d-" + std::to_string(i), "job", clock.now());
			clock.advanceSeconds(2);
		}
		// Only about one entry is ever live; compaction keeps the file far below 1500 lines.
		CPPUNIT_ASSERT(countLines(Sygen::Test::readFile(dir.file("dedupe.log"))) <= 1003);
	}

	void testTornAndMalformedLinesAreSkipped()
	{
		TempDir dir;
		ManualClock clock(START);
		{
			ReplayGuard guard(dir.file("dedupe.log"), DAY, clock.now());
			guard.checkAndRemember("gh", "d-1", "job-1", clock.now());
		}
		std::string content = Sygen::Test::readFile(dir.file("dedupe.log"));
		content += "not json\n{\"k\": 1}\n[]\n{\"k\":\"abc\",\"j\":\"x\",\"t\":17";
		Sygen::Test::writeFile(dir.file("dedupe.log"), content);
		ReplayGuard reloaded(dir.file("dedupe.log"), DAY, clock.now());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), reloaded.size());
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::DUPLICATE, reloaded.checkAndRemember("gh", "d-1", "job-2", clock.now()).outcome);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), countLines(Sygen::Test::readFile(dir.file("dedupe.log"))));
	}

	void testLogIsPrivate()
	{
		TempDir dir;
		ReplayGuard guard(dir.file("dedupe.log"), DAY, START);
		guard.checkAndRemember("gh", "d-1", "job-1", START);
		struct stat st;
		CPPUNIT_ASSERT_EQUAL(0, ::stat(dir.file("dedupe.log").c_str(), &st));
		CPPUNIT_ASSERT_EQUAL(0600, static_cast<int>(st.st_mode & 0777));
	}

	void testLogHoldsNoRawDeliveryIds()
	{
		TempDir dir;
		ReplayGuard guard(dir.file("dedupe.log"), DAY, START);
		guard.checkAndRemember("gh", "delivery-secretish-1234", "job-1", START);
		const std::string content = Sygen::Test::readFile(dir.file("dedupe.log"));
		CPPUNIT_ASSERT(content.find("delivery-secretish-1234") == std::string::npos);
		CPPUNIT_ASSERT(content.find("job-1") != std::string::npos);
	}

	void testBoundEvictsOldest()
	{
		TempDir dir;
		ManualClock clock(START);
		ReplayGuard guard(dir.file("dedupe.log"), DAY, clock.now(), 3);
		for (int i = 0; i < 4; ++i)
		{
			guard.checkAndRemember("gh", "d-" + std::to_string(i), "job-" + std::to_string(i), clock.now());
			clock.advanceSeconds(1);
		}
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), guard.size());
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::DUPLICATE, guard.checkAndRemember("gh", "d-1", "x", clock.now()).outcome);
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::NEW, guard.checkAndRemember("gh", "d-0", "x", clock.now()).outcome);
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), guard.size());
	}

	void testBoundHoldsAcrossReload()
	{
		TempDir dir;
		ManualClock clock(START);
		{
			ReplayGuard guard(dir.file("dedupe.log"), DAY, clock.now(), 10);
			for (int i = 0; i < 10; ++i)
			{
				guard.checkAndRemember("gh", "d-" + std::to_string(i), "job", clock.now());
				clock.advanceSeconds(1);
			}
		}
		ReplayGuard smaller(dir.file("dedupe.log"), DAY, clock.now(), 4);
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), smaller.size());
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::DUPLICATE, smaller.checkAndRemember("gh", "d-9", "x", clock.now()).outcome);
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::NEW, smaller.checkAndRemember("gh", "d-5", "x", clock.now()).outcome);
	}

	void testReservationIsInFlightUntilConfirmed()
	{
		TempDir dir;
		ReplayGuard guard(dir.file("dedupe.log"), DAY, START);
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::NEW, guard.reserve("gh", "d-1", "job-1", START).outcome);
		ReplayGuard::Result second = guard.reserve("gh", "d-1", "job-2", START);
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::IN_FLIGHT, second.outcome);
		CPPUNIT_ASSERT_EQUAL(std::string("job-1"), second.jobId);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), countLines(Sygen::Test::readFile(dir.file("dedupe.log"))));
		guard.confirm("gh", "d-1", START);
		ReplayGuard::Result third = guard.reserve("gh", "d-1", "job-3", START);
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::DUPLICATE, third.outcome);
		CPPUNIT_ASSERT_EQUAL(std::string("job-1"), third.jobId);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), countLines(Sygen::Test::readFile(dir.file("dedupe.log"))));
	}

	void testRollbackForgetsReservation()
	{
		TempDir dir;
		ReplayGuard guard(dir.file("dedupe.log"), DAY, START);
		guard.reserve("gh", "d-1", "job-1", START);
		guard.rollback("gh", "d-1");
		ReplayGuard::Result r = guard.reserve("gh", "d-1", "job-2", START);
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::NEW, r.outcome);
		CPPUNIT_ASSERT_EQUAL(std::string("job-2"), r.jobId);
	}

	void testRolledBackReservationIsNotPersisted()
	{
		TempDir dir;
		{
			ReplayGuard guard(dir.file("dedupe.log"), DAY, START);
			guard.reserve("gh", "d-1", "job-1", START);
			guard.rollback("gh", "d-1");
			// Rollback of a confirmed entry must not forget it.
			guard.checkAndRemember("gh", "d-2", "job-2", START);
			guard.rollback("gh", "d-2");
			CPPUNIT_ASSERT_EQUAL(ReplayGuard::DUPLICATE, guard.reserve("gh", "d-2", "x", START).outcome);
		}
		ReplayGuard reloaded(dir.file("dedupe.log"), DAY, START);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), reloaded.size());
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::NEW, reloaded.reserve("gh", "d-1", "job-3", START).outcome);
	}

	void testAbandonedReservationIsReplaced()
	{
		TempDir dir;
		ManualClock clock(START);
		ReplayGuard guard(dir.file("dedupe.log"), DAY, clock.now());
		guard.reserve("gh", "d-1", "job-1", clock.now());
		clock.advanceSeconds(60);
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::IN_FLIGHT, guard.reserve("gh", "d-1", "job-2", clock.now()).outcome);
		clock.advanceSeconds(1);
		ReplayGuard::Result r = guard.reserve("gh", "d-1", "job-3", clock.now());
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::NEW, r.outcome);
		CPPUNIT_ASSERT_EQUAL(std::string("job-3"), r.jobId);
		guard.confirm("gh", "d-1", clock.now());
		CPPUNIT_ASSERT_EQUAL(std::string("job-3"), guard.reserve("gh", "d-1", "x", clock.now()).jobId);
	}

	void testConfirmWithoutReservationDoesNothing()
	{
		TempDir dir;
		ReplayGuard guard(dir.file("dedupe.log"), DAY, START);
		guard.confirm("gh", "d-1", START);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), guard.size());
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::NEW, guard.reserve("gh", "d-1", "job-1", START).outcome);
	}

	void testZeroWindowDisablesGuard()
	{
		TempDir dir;
		ReplayGuard guard(dir.file("dedupe.log"), 0, START);
		guard.checkAndRemember("gh", "d-1", "job-1", START);
		CPPUNIT_ASSERT_EQUAL(ReplayGuard::NEW, guard.checkAndRemember("gh", "d-1", "job-2", START).outcome);
		CPPUNIT_ASSERT(!Poco::File(dir.file("dedupe.log")).exists());
	}

	void testUnwritableFolderThrows()
	{
		TempDir dir;
		CPPUNIT_ASSERT_THROW(ReplayGuard(dir.file("missing/dedupe.log"), DAY, START), Poco::FileException);
	}

private:
	Poco::Channel::Ptr _savedChannel;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ReplayGuardTest);
