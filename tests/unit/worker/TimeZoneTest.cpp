//
// TimeZoneTest.cpp
//

#include "TimeZone.h"
#include "TestSupport.h"
#include <cppunit/extensions/HelperMacros.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

using Sygen::TimeZone;

namespace {

Poco::Timestamp at(const char* iso)
{
	int y, mo, d, h, mi;
	std::sscanf(iso, "%d-%d-%dT%d:%d", &y, &mo, &d, &h, &mi);
	struct tm t
	{
	};
	t.tm_year = y - 1900;
	t.tm_mon = mo - 1;
	t.tm_mday = d;
	t.tm_hour = h;
	t.tm_min = mi;
	return Poco::Timestamp::fromEpochTime(::timegm(&t));
}

const std::string ZONEINFO = TimeZone::DEFAULT_ZONEINFO_DIR; // constexpr: no static-init order issue

} // namespace

class TimeZoneTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(TimeZoneTest);
	CPPUNIT_TEST(testBerlinHourFollowsDaylightSaving);
	CPPUNIT_TEST(testNewYorkHistoricalAndFutureTimes);
	CPPUNIT_TEST(testHalfHourZone);
	CPPUNIT_TEST(testUnsafeOrUnknownNamesAreRefused);
	CPPUNIT_TEST(testUserTimezoneComesFirst);
	CPPUNIT_TEST(testTzVariableIsSecond);
	CPPUNIT_TEST(testTzVariableMayBeAPosixRuleOrAFile);
	CPPUNIT_TEST(testHostZoneIsThird);
	CPPUNIT_TEST(testUtcIsTheLastResort);
	CPPUNIT_TEST(testNonTzifFileIsRefused);
	CPPUNIT_TEST(testCopiedHostZoneUsesTheFileFooterRule);
	CPPUNIT_TEST(testHostZoneSymlinkIsResolvedByName);
	CPPUNIT_TEST_SUITE_END();

public:
	void testBerlinHourFollowsDaylightSaving()
	{
		TimeZone berlin = *TimeZone::load("Europe/Berlin");
		CPPUNIT_ASSERT_EQUAL(13, berlin.localHour(at("2026-01-15T12:00")));
		CPPUNIT_ASSERT_EQUAL(14, berlin.localHour(at("2026-07-15T12:00")));
		CPPUNIT_ASSERT_EQUAL(0, berlin.localHour(at("2026-07-14T22:30")));
		// Far future: beyond the file's transitions, the footer rule applies.
		CPPUNIT_ASSERT_EQUAL(14, berlin.localHour(at("2090-07-15T12:00")));
		CPPUNIT_ASSERT_EQUAL(13, berlin.localHour(at("2090-12-15T12:00")));
	}

	void testNewYorkHistoricalAndFutureTimes()
	{
		TimeZone ny = *TimeZone::load("America/New_York");
		CPPUNIT_ASSERT_EQUAL(-5 * 3600, ny.utcOffsetSeconds(at("2000-01-01T12:00")));
		CPPUNIT_ASSERT_EQUAL(-4 * 3600, ny.utcOffsetSeconds(at("2000-07-01T12:00")));
		CPPUNIT_ASSERT_EQUAL(-4 * 3600, ny.utcOffsetSeconds(at("2100-07-01T12:00")));
	}

	void testHalfHourZone()
	{
		TimeZone kolkata = *TimeZone::load("Asia/Kolkata");
		CPPUNIT_ASSERT_EQUAL(5 * 3600 + 1800, kolkata.utcOffsetSeconds(at("2026-03-01T00:00")));
		CPPUNIT_ASSERT_EQUAL(5, kolkata.localHour(at("2026-03-01T00:00")));
		CPPUNIT_ASSERT_EQUAL(6, kolkata.localHour(at("2026-03-01T00:30")));
	}

	void testUnsafeOrUnknownNamesAreRefused()
	{
		CPPUNIT_ASSERT(!TimeZone::load("../../etc/passwd").has_value());
		CPPUNIT_ASSERT(!TimeZone::load("/usr/share/zoneinfo/UTC").has_value());
		CPPUNIT_ASSERT(!TimeZone::load("Mars/Olympus_Mons").has_value());
		CPPUNIT_ASSERT(!TimeZone::load("").has_value());
	}

	void testUserTimezoneComesFirst()
	{
		TimeZone z = TimeZone::resolve("Asia/Tokyo", "Europe/Berlin", "/etc/localtime");
		CPPUNIT_ASSERT_EQUAL(std::string("Asia/Tokyo"), z.name());
		CPPUNIT_ASSERT_EQUAL(21, z.localHour(at("2026-07-15T12:00")));
	}

	void testTzVariableIsSecond()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("Europe/Berlin"), TimeZone::resolve("", "Europe/Berlin", "/etc/localtime").name());
		CPPUNIT_ASSERT_EQUAL(std::string("Europe/Berlin"), TimeZone::resolve("Not/AZone", ":Europe/Berlin", "/etc/localtime").name());
	}

	void testTzVariableMayBeAPosixRuleOrAFile()
	{
		TimeZone rule = TimeZone::resolve("", "EST5EDT,M3.2.0,M11.1.0", "/nonexistent");
		CPPUNIT_ASSERT_EQUAL(8, rule.localHour(at("2026-07-15T12:00")));
		TimeZone file = TimeZone::resolve("", ZONEINFO + "/Asia/Tokyo", "/nonexistent");
		CPPUNIT_ASSERT_EQUAL(21, file.localHour(at("2026-07-15T12:00")));
	}

	void testHostZoneIsThird()
	{
		TimeZone z = TimeZone::resolve("", "", ZONEINFO + "/Asia/Tokyo");
		CPPUNIT_ASSERT_EQUAL(std::string("localtime"), z.name());
		CPPUNIT_ASSERT_EQUAL(21, z.localHour(at("2026-07-15T12:00")));
	}

	void testUtcIsTheLastResort()
	{
		TimeZone z = TimeZone::resolve("Not/AZone", "also bad!", "/nonexistent");
		CPPUNIT_ASSERT_EQUAL(std::string("UTC"), z.name());
		CPPUNIT_ASSERT_EQUAL(12, z.localHour(at("2026-07-15T12:00")));
	}

	void testNonTzifFileIsRefused()
	{
		// Zones by name come from date/tz's database only; a file is read only as
		// a TZif given by path ($TZ, the host zone) outside the database.
		Sygen::Test::TempDir dir;
		Sygen::Test::writeFile(dir.file("Fake/Zone"), "not a zone file");
		CPPUNIT_ASSERT(!TimeZone::fromFile(dir.file("Fake/Zone"), "Fake/Zone").has_value());
		CPPUNIT_ASSERT(!TimeZone::load("Fake/Zone").has_value());
		Sygen::Test::writeFile(dir.file("Short"), "TZif2");
		CPPUNIT_ASSERT(!TimeZone::fromFile(dir.file("Short"), "Short").has_value());
	}

	void testCopiedHostZoneUsesTheFileFooterRule()
	{
		// A copied /etc/localtime names no zone of the database: its footer rule
		// (JST-9 for Tokyo, CET-1CEST,M3.5.0,M10.5.0/3 for Berlin) gives the offset.
		Sygen::Test::TempDir dir;
		for (const char* zone: {"Asia/Tokyo", "Europe/Berlin"})
		{
			std::ifstream in(ZONEINFO + "/" + zone, std::ios::binary);
			std::ostringstream copy;
			copy << in.rdbuf();
			Sygen::Test::writeFile(dir.file(zone), copy.str());
		}
		TimeZone tokyo = TimeZone::resolve("", "", dir.file("Asia/Tokyo"));
		CPPUNIT_ASSERT_EQUAL(std::string("localtime"), tokyo.name());
		CPPUNIT_ASSERT_EQUAL(21, tokyo.localHour(at("2026-07-15T12:00")));
		TimeZone berlin = TimeZone::resolve("", "", dir.file("Europe/Berlin"));
		CPPUNIT_ASSERT_EQUAL(14, berlin.localHour(at("2026-07-15T12:00")));
		CPPUNIT_ASSERT_EQUAL(13, berlin.localHour(at("2026-01-15T12:00")));
	}

	void testHostZoneSymlinkIsResolvedByName()
	{
		Sygen::Test::TempDir dir;
		std::string link = dir.file("localtime");
		CPPUNIT_ASSERT_EQUAL(0, ::symlink((ZONEINFO + "/America/New_York").c_str(), link.c_str()));
		TimeZone ny = TimeZone::resolve("", "", link);
		CPPUNIT_ASSERT_EQUAL(std::string("localtime"), ny.name());
		// Daylight time began on 2 April 2006, before the 2007 rule the file's
		// footer holds (it would say 12 March): only the database knows that.
		CPPUNIT_ASSERT_EQUAL(-5 * 3600, ny.utcOffsetSeconds(at("2006-03-20T12:00")));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(TimeZoneTest);
