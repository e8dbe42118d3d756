//
// PosixTimeZoneRuleTest.cpp
//

#include "PosixTimeZoneRule.h"
#include "CivilDate.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::CivilDate;
using Sygen::PosixTimeZoneRule;

namespace {

std::int64_t utc(int y, int mo, int d, int h, int mi = 0)
{
	return CivilDate::toDays(y, mo, d) * 86400 + h * 3600 + mi * 60;
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
		CPPUNIT_ASSERT_EQUAL(std::int64_t(0), CivilDate::toDays(1970, 1, 1));
		CPPUNIT_ASSERT_EQUAL(4, CivilDate::weekday(0)); // Thursday
		CivilDate d = CivilDate::fromDays(CivilDate::toDays(2024, 2, 29));
		CPPUNIT_ASSERT_EQUAL(2024, d.year);
		CPPUNIT_ASSERT_EQUAL(2, d.month);
		CPPUNIT_ASSERT_EQUAL(29, d.day);
		CPPUNIT_ASSERT_EQUAL(3, CivilDate::weekday(CivilDate::toDays(1969, 12, 31)));
		CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), CivilDate::floorDiv(-1, 86400));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(PosixTimeZoneRuleTest);
