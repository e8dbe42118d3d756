//
// QuietHoursTest.cpp
//

#include "QuietHours.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::QuietHours;
using Sygen::TimeZone;

class QuietHoursTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(QuietHoursTest);
	CPPUNIT_TEST(testNeverQuietWhenBothBoundsAreNull);
	CPPUNIT_TEST(testNeverQuietWhenStartEqualsEnd);
	CPPUNIT_TEST(testDaytimeWindowIncludesStartExcludesEnd);
	CPPUNIT_TEST(testWindowWrapsPastMidnight);
	CPPUNIT_TEST(testMissingBoundCountsAsZero);
	CPPUNIT_TEST(testUsesTheWallClockHourOfTheZone);
	CPPUNIT_TEST(testCanBeQuietOnlyWithANonEmptyWindow);
	CPPUNIT_TEST_SUITE_END();

public:
	void testNeverQuietWhenBothBoundsAreNull()
	{
		QuietHours q(std::nullopt, std::nullopt);
		for (int h = 0; h < 24; ++h) CPPUNIT_ASSERT(!q.isQuietAtHour(h));
	}

	void testNeverQuietWhenStartEqualsEnd()
	{
		QuietHours q(5, 5);
		for (int h = 0; h < 24; ++h) CPPUNIT_ASSERT(!q.isQuietAtHour(h));
	}

	void testDaytimeWindowIncludesStartExcludesEnd()
	{
		QuietHours q(9, 17);
		CPPUNIT_ASSERT(!q.isQuietAtHour(8));
		CPPUNIT_ASSERT(q.isQuietAtHour(9));
		CPPUNIT_ASSERT(q.isQuietAtHour(16));
		CPPUNIT_ASSERT(!q.isQuietAtHour(17));
	}

	void testWindowWrapsPastMidnight()
	{
		QuietHours q(22, 7);
		CPPUNIT_ASSERT(q.isQuietAtHour(22));
		CPPUNIT_ASSERT(q.isQuietAtHour(23));
		CPPUNIT_ASSERT(q.isQuietAtHour(0));
		CPPUNIT_ASSERT(q.isQuietAtHour(6));
		CPPUNIT_ASSERT(!q.isQuietAtHour(7));
		CPPUNIT_ASSERT(!q.isQuietAtHour(21));
	}

	void testMissingBoundCountsAsZero()
	{
		QuietHours onlyEnd(std::nullopt, 6); // 0 <= h < 6
		CPPUNIT_ASSERT(onlyEnd.isQuietAtHour(0));
		CPPUNIT_ASSERT(onlyEnd.isQuietAtHour(5));
		CPPUNIT_ASSERT(!onlyEnd.isQuietAtHour(6));
		QuietHours onlyStart(20, std::nullopt); // h >= 20 or h < 0
		CPPUNIT_ASSERT(onlyStart.isQuietAtHour(20));
		CPPUNIT_ASSERT(onlyStart.isQuietAtHour(23));
		CPPUNIT_ASSERT(!onlyStart.isQuietAtHour(0));
		QuietHours zero(0, std::nullopt); // 0 == 0: never
		CPPUNIT_ASSERT(!zero.isQuietAtHour(0));
	}

	void testUsesTheWallClockHourOfTheZone()
	{
		// 2026-07-15 21:30 UTC is 23:30 in Berlin and 06:30 next day in Tokyo.
		Poco::Timestamp t = Poco::Timestamp::fromEpochTime(1784151000);
		QuietHours q(22, 7);
		CPPUNIT_ASSERT(q.isQuiet(t, *TimeZone::load("Europe/Berlin")));
		CPPUNIT_ASSERT(q.isQuiet(t, *TimeZone::load("Asia/Tokyo")));
		CPPUNIT_ASSERT(!q.isQuiet(t, *TimeZone::load("America/New_York"))); // 17:30
		CPPUNIT_ASSERT(q.isQuiet(t, TimeZone::utc()) == false);             // 21:30
	}

	void testCanBeQuietOnlyWithANonEmptyWindow()
	{
		// The worker skips resolving the time zone when this is false.
		CPPUNIT_ASSERT(!QuietHours(std::nullopt, std::nullopt).canBeQuiet());
		CPPUNIT_ASSERT(!QuietHours(5, 5).canBeQuiet());
		CPPUNIT_ASSERT(!QuietHours(0, std::nullopt).canBeQuiet());
		CPPUNIT_ASSERT(QuietHours(22, 7).canBeQuiet());
		CPPUNIT_ASSERT(QuietHours(std::nullopt, 6).canBeQuiet());
		for (int start = 0; start < 24; ++start)
		{
			for (int end = 0; end < 24; ++end)
			{
				QuietHours q(start, end);
				bool anyHour = false;
				for (int h = 0; h < 24; ++h) anyHour = anyHour || q.isQuietAtHour(h);
				CPPUNIT_ASSERT_EQUAL(anyHour, q.canBeQuiet());
			}
		}
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(QuietHoursTest);
