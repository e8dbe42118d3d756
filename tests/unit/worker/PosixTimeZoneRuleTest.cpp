//
// PosixTimeZoneRuleTest.cpp
//

#include "PosixTimeZoneRule.h"
#include <cppunit/extensions/HelperMacros.h>
#include <date/date.h>

using Sygen::PosixTimeZoneRule;

namespace {

std::int64_t days(int y, int mo, int d)
{
	return date::sys_days(date::year(y) / mo / d).time_since_epoch().count();
}

std::int64_t utc(int y, int mo, int d, int h, int mi = 0)
{
	return days(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

} // namespace

class PosixTimeZoneRuleTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(PosixTimeZoneRuleTest);
	CPPUNIT_TEST(testFixedOffsetCountsWestAsNegative);
	CPPUNIT_TEST(testEuropeanRuleSwitchesAtOneUtc);
	CPPUNIT_TEST(testSouthernHemisphereRuleWrapsTheYear);
	CPPUNIT_TEST(testDaylightWithoutRuleUsesUsDefault);
	CPPUNIT_TEST(testJulianDayIgnoresLeapDay);
	CPPUNIT_TEST(testQuotedNamesAndMinuteOffsets);
	CPPUNIT_TEST(testRejectsMalformedRules);
	CPPUNIT_TEST(testCivilDateRoundTripsAndWeekdays);
	CPPUNIT_TEST(testRejectsFieldsOutsidePosixRanges);
	CPPUNIT_TEST(testReadsTheFooterOfATzifFile);
	CPPUNIT_TEST_SUITE_END();

public:
	void testFixedOffsetCountsWestAsNegative()
	{
		CPPUNIT_ASSERT_EQUAL(-5 * 3600, PosixTimeZoneRule::parse("EST5")->utcOffsetAt(0));
		CPPUNIT_ASSERT_EQUAL(0, PosixTimeZoneRule::parse("UTC0")->utcOffsetAt(0));
		CPPUNIT_ASSERT_EQUAL(9 * 3600, PosixTimeZoneRule::parse("JST-9")->utcOffsetAt(0));
	}

	void testEuropeanRuleSwitchesAtOneUtc()
	{
		auto rule = PosixTimeZoneRule::parse("CET-1CEST,M3.5.0,M10.5.0/3");
		CPPUNIT_ASSERT(rule.has_value());
		// 2030: last Sunday of March is the 31st, of October the 27th.
		CPPUNIT_ASSERT_EQUAL(3600, rule->utcOffsetAt(utc(2030, 3, 31, 0, 59)));
		CPPUNIT_ASSERT_EQUAL(7200, rule->utcOffsetAt(utc(2030, 3, 31, 1, 0)));
		CPPUNIT_ASSERT_EQUAL(7200, rule->utcOffsetAt(utc(2030, 10, 27, 0, 59)));
		CPPUNIT_ASSERT_EQUAL(3600, rule->utcOffsetAt(utc(2030, 10, 27, 1, 0)));
		CPPUNIT_ASSERT_EQUAL(3600, rule->utcOffsetAt(utc(2030, 1, 15, 12)));
	}

	void testSouthernHemisphereRuleWrapsTheYear()
	{
		auto rule = PosixTimeZoneRule::parse("AEST-10AEDT,M10.1.0,M4.1.0/3");
		CPPUNIT_ASSERT_EQUAL(11 * 3600, rule->utcOffsetAt(utc(2030, 1, 15, 0)));
		CPPUNIT_ASSERT_EQUAL(10 * 3600, rule->utcOffsetAt(utc(2030, 7, 15, 0)));
		CPPUNIT_ASSERT_EQUAL(11 * 3600, rule->utcOffsetAt(utc(2030, 12, 15, 0)));
	}

	void testDaylightWithoutRuleUsesUsDefault()
	{
		auto rule = PosixTimeZoneRule::parse("EST5EDT");
		CPPUNIT_ASSERT_EQUAL(-4 * 3600, rule->utcOffsetAt(utc(2030, 7, 1, 12)));
		CPPUNIT_ASSERT_EQUAL(-5 * 3600, rule->utcOffsetAt(utc(2030, 1, 1, 12)));
	}

	void testJulianDayIgnoresLeapDay()
	{
		// J60 is March 1st in every year; daylight from then to J300.
		auto rule = PosixTimeZoneRule::parse("XST0XDT,J60/0,J300/0");
		CPPUNIT_ASSERT_EQUAL(0, rule->utcOffsetAt(utc(2028, 2, 29, 23)));
		CPPUNIT_ASSERT_EQUAL(3600, rule->utcOffsetAt(utc(2028, 3, 1, 0, 30)));
	}

	void testQuotedNamesAndMinuteOffsets()
	{
		CPPUNIT_ASSERT_EQUAL(5 * 3600 + 1800, PosixTimeZoneRule::parse("<+0530>-5:30")->utcOffsetAt(0));
		CPPUNIT_ASSERT_EQUAL(-3 * 3600, PosixTimeZoneRule::parse("<-03>3")->utcOffsetAt(0));
	}

	void testRejectsMalformedRules()
	{
		CPPUNIT_ASSERT(!PosixTimeZoneRule::parse("").has_value());
		CPPUNIT_ASSERT(!PosixTimeZoneRule::parse("Europe/Berlin").has_value());
		CPPUNIT_ASSERT(!PosixTimeZoneRule::parse("CET").has_value());
		CPPUNIT_ASSERT(!PosixTimeZoneRule::parse("CET-1CEST,M13.5.0,M10.5.0").has_value());
		CPPUNIT_ASSERT(!PosixTimeZoneRule::parse("CET-1CEST,M3.5.0").has_value());
	}

	void testCivilDateRoundTripsAndWeekdays()
	{
		// The calendar arithmetic our CivilDate did, now date.h's (the rules and
		// TimeZone::localHour rely on it).
		CPPUNIT_ASSERT_EQUAL(std::int64_t(0), days(1970, 1, 1));
		CPPUNIT_ASSERT_EQUAL(4u, date::weekday(date::sys_days(date::year(1970) / 1 / 1)).c_encoding()); // Thursday
		date::year_month_day d(date::sys_days(date::year(2024) / 2 / 29));
		CPPUNIT_ASSERT_EQUAL(2024, int(d.year()));
		CPPUNIT_ASSERT_EQUAL(2u, unsigned(d.month()));
		CPPUNIT_ASSERT_EQUAL(29u, unsigned(d.day()));
		CPPUNIT_ASSERT_EQUAL(3u, date::weekday(date::sys_days(date::year(1969) / 12 / 31)).c_encoding());
		CPPUNIT_ASSERT_EQUAL(-1, int(date::floor<date::days>(date::sys_seconds(std::chrono::seconds(-1))).time_since_epoch().count()));
	}

	void testRejectsFieldsOutsidePosixRanges()
	{
		// date/tz's ptz.h parses these; POSIX does not define them.
		CPPUNIT_ASSERT(!PosixTimeZoneRule::parse("CET-1CEST,M3.6.0,M10.5.0").has_value());
		CPPUNIT_ASSERT(!PosixTimeZoneRule::parse("CET-1CEST,M3.5.7,M10.5.0").has_value());
		CPPUNIT_ASSERT(!PosixTimeZoneRule::parse("CET-1CEST,M0.5.0,M10.5.0").has_value());
		CPPUNIT_ASSERT(!PosixTimeZoneRule::parse("XST0XDT,366,300").has_value());
		CPPUNIT_ASSERT(PosixTimeZoneRule::parse("XST0XDT,365,300").has_value());
	}

	void testReadsTheFooterOfATzifFile()
	{
		auto rule = PosixTimeZoneRule::fromTZifFooter("/usr/share/zoneinfo/Europe/Berlin");
		CPPUNIT_ASSERT(rule.has_value());
		CPPUNIT_ASSERT_EQUAL(7200, rule->utcOffsetAt(utc(2090, 7, 15, 12)));
		CPPUNIT_ASSERT_EQUAL(3600, rule->utcOffsetAt(utc(2090, 12, 15, 12)));
		CPPUNIT_ASSERT(!PosixTimeZoneRule::fromTZifFooter("/nonexistent").has_value());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(PosixTimeZoneRuleTest);
