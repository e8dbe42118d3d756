//
// ClockTest.cpp
//

#include "Sygen/Foundation/Clock.h"
#include "Sygen/Foundation/IsoTime.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::IsoTime;
using Sygen::ManualClock;

class ClockTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ClockTest);
	CPPUNIT_TEST(testManualClockAdvances);
	CPPUNIT_TEST(testSystemClockIsNearNow);
	CPPUNIT_TEST(testIsoFormatHasMicrosecondsAndUtcOffset);
	CPPUNIT_TEST(testIsoParseHonoursOffset);
	CPPUNIT_TEST_SUITE_END();

public:
	void testManualClockAdvances()
	{
		ManualClock clock(Poco::Timestamp(1000000));
		clock.advanceSeconds(2.5);
		CPPUNIT_ASSERT_EQUAL(Poco::Timestamp::TimeVal(3500000), clock.now().epochMicroseconds());
		clock.advanceSeconds(-1);
		CPPUNIT_ASSERT_EQUAL(Poco::Timestamp::TimeVal(2500000), clock.now().epochMicroseconds());
	}

	void testSystemClockIsNearNow()
	{
		Poco::Timestamp before;
		Poco::Timestamp t = Sygen::Clock::system().now();
		CPPUNIT_ASSERT(t >= before);
		CPPUNIT_ASSERT(t - before < 60 * Poco::Timestamp::resolution());
	}

	void testIsoFormatHasMicrosecondsAndUtcOffset()
	{
		Poco::Timestamp t(Poco::Timestamp::TimeVal(1700000000123456LL));
		CPPUNIT_ASSERT_EQUAL(std::string("2023-11-14T22:13:20.123456+00:00"), IsoTime::format(t));
	}

	void testIsoParseHonoursOffset()
	{
		Poco::Timestamp utc = IsoTime::parse("2023-11-14T22:13:20Z");
		Poco::Timestamp plusOne = IsoTime::parse("2023-11-14T23:13:20+01:00");
		CPPUNIT_ASSERT(utc == plusOne);
		CPPUNIT_ASSERT_EQUAL(std::string("2023-11-14T22:13:20.000000+00:00"), IsoTime::format(utc));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ClockTest);
