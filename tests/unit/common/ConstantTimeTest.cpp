//
// ConstantTimeTest.cpp
//

#include "Sygen/Auth/ConstantTime.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::ConstantTime;

class ConstantTimeTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ConstantTimeTest);
	CPPUNIT_TEST(testEqualStringsAreEqual);
	CPPUNIT_TEST(testDifferenceAnywhereIsDetected);
	CPPUNIT_TEST(testDifferentLengthsAreNotEqual);
	CPPUNIT_TEST(testTrailingNulIsNotPadding);
	CPPUNIT_TEST(testHighBytesCompareAsBytes);
	CPPUNIT_TEST_SUITE_END();

public:
	void testEqualStringsAreEqual()
	{
		CPPUNIT_ASSERT(ConstantTime::equals("", ""));
		CPPUNIT_ASSERT(ConstantTime::equals("abc", "abc"));
	}

	void testDifferenceAnywhereIsDetected()
	{
		const std::string base = "0123456789abcdef";
		for (std::size_t i = 0; i < base.size(); ++i)
		{
			std::string other = base;
			other[i] = static_cast<char>(other[i] ^ 0x01);
			CPPUNIT_ASSERT(!ConstantTime::equals(base, other));
		}
	}

	void testDifferentLengthsAreNotEqual()
	{
		CPPUNIT_ASSERT(!ConstantTime::equals("abc", "abcd"));
		CPPUNIT_ASSERT(!ConstantTime::equals("abcd", "abc"));
		CPPUNIT_ASSERT(!ConstantTime::equals("", "a"));
		CPPUNIT_ASSERT(!ConstantTime::equals("a", ""));
	}

	void testTrailingNulIsNotPadding()
	{
		// The shorter input is compared as if padded with NUL; the length check must
		// still tell "abc" from "abc\0".
		CPPUNIT_ASSERT(!ConstantTime::equals("abc", std::string("abc\0", 4)));
		CPPUNIT_ASSERT(!ConstantTime::equals("", std::string("\0", 1)));
	}

	void testHighBytesCompareAsBytes()
	{
		CPPUNIT_ASSERT(ConstantTime::equals("\xFF\x80", "\xFF\x80"));
		CPPUNIT_ASSERT(!ConstantTime::equals("\xFF\x80", "\xFF\x81"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConstantTimeTest);
