//
// MessageSplitterTest.cpp
//

#include "Sygen/Foundation/MessageSplitter.h"
#include <Poco/Exception.h>
#include <cppunit/extensions/HelperMacros.h>

using Sygen::MessageSplitter;

namespace {

std::string repeat(const std::string& s, std::size_t n)
{
	std::string out;
	for (std::size_t i = 0; i < n; ++i) out += s;
	return out;
}

} // namespace

class MessageSplitterTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(MessageSplitterTest);
	CPPUNIT_TEST(testEmptyTextGivesNoPart);
	CPPUNIT_TEST(testExactlyTheLimitIsOnePart);
	CPPUNIT_TEST(testOneCharacterOverTheLimitGivesTwoParts);
	CPPUNIT_TEST(testCountsCodePointsNotBytes);
	CPPUNIT_TEST(testNeverCutsInsideASequence);
	CPPUNIT_TEST(testPartsConcatenateToTheText);
	CPPUNIT_TEST(testInvalidBytesCountOneEach);
	CPPUNIT_TEST(testZeroLimitIsRejected);
	CPPUNIT_TEST(testUTF16CountsAstralCodePointsTwice);
	CPPUNIT_TEST(testUTF16NeverSplitsASurrogatePair);
	CPPUNIT_TEST(testUTF16LimitBelowTwoIsRejected);
	CPPUNIT_TEST_SUITE_END();

public:
	void testEmptyTextGivesNoPart() { CPPUNIT_ASSERT(MessageSplitter::split("", 4096).empty()); }

	void testExactlyTheLimitIsOnePart()
	{
		std::string text = repeat("a", 4096);
		std::vector<std::string> parts = MessageSplitter::split(text, 4096);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), parts.size());
		CPPUNIT_ASSERT_EQUAL(text, parts[0]);
	}

	void testOneCharacterOverTheLimitGivesTwoParts()
	{
		std::vector<std::string> parts = MessageSplitter::split(repeat("a", 4096) + "b", 4096);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), parts.size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(4096), parts[0].size());
		CPPUNIT_ASSERT_EQUAL(std::string("b"), parts[1]);
	}

	void testCountsCodePointsNotBytes()
	{
		// 4096 Cyrillic letters are 8192 bytes but one Telegram message.
		std::string text = repeat("\xD0\x96", 4096);
		CPPUNIT_ASSERT_EQUAL(std::size_t(4096), MessageSplitter::characters(text));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), MessageSplitter::split(text, 4096).size());
		// 4097 emoji (4 bytes each) are two messages: 4096 + 1.
		std::vector<std::string> parts = MessageSplitter::split(repeat("\xF0\x9F\x98\x80", 4097), 4096);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), parts.size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(4096 * 4), parts[0].size());
		CPPUNIT_ASSERT_EQUAL(std::string("\xF0\x9F\x98\x80"), parts[1]);
	}

	void testNeverCutsInsideASequence()
	{
		// ASCII then a 3-byte character straddling the byte position of the limit.
		std::string text = "ab\xE2\x82\xAC"
						   "cd";
		std::vector<std::string> parts = MessageSplitter::split(text, 3);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), parts.size());
		CPPUNIT_ASSERT_EQUAL(std::string("ab\xE2\x82\xAC"), parts[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("cd"), parts[1]);
	}

	void testPartsConcatenateToTheText()
	{
		std::string text = repeat("x\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80\n", 3000);
		std::vector<std::string> parts = MessageSplitter::split(text, 4096);
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), parts.size()); // 15000 characters
		std::string joined;
		for (const std::string& p: parts)
		{
			CPPUNIT_ASSERT(MessageSplitter::characters(p) <= 4096);
			joined += p;
		}
		CPPUNIT_ASSERT(joined == text);
		CPPUNIT_ASSERT_EQUAL(std::size_t(4096), MessageSplitter::characters(parts[0]));
		CPPUNIT_ASSERT_EQUAL(std::size_t(15000 - 3 * 4096), MessageSplitter::characters(parts[3]));
	}

	void testInvalidBytesCountOneEach()
	{
		std::string text = "\xFF\xC3"
						   "a\x80";
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), MessageSplitter::characters(text));
		std::vector<std::string> parts = MessageSplitter::split(text, 2);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), parts.size());
		CPPUNIT_ASSERT(parts[0] + parts[1] == text);
	}

	void testZeroLimitIsRejected() { CPPUNIT_ASSERT_THROW(MessageSplitter::split("a", 0), Poco::InvalidArgumentException); }

	void testUTF16CountsAstralCodePointsTwice()
	{
		const std::string emoji = "\xF0\x9F\x98\x80";
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), MessageSplitter::utf16Units(emoji));
		CPPUNIT_ASSERT_EQUAL(std::size_t(5), MessageSplitter::utf16Units("a\xC3\xA9\xE2\x82\xAC" + emoji));
		std::vector<std::string> parts = MessageSplitter::splitUTF16(emoji + emoji + "ab", 4);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), parts.size());
		CPPUNIT_ASSERT(parts[0] == emoji + emoji);
		CPPUNIT_ASSERT_EQUAL(std::string("ab"), parts[1]);
	}

	void testUTF16NeverSplitsASurrogatePair()
	{
		const std::string emoji = "\xF0\x9F\x98\x80";
		std::vector<std::string> parts = MessageSplitter::splitUTF16("a" + emoji + emoji, 2);
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), parts.size());
		CPPUNIT_ASSERT_EQUAL(std::string("a"), parts[0]);
		CPPUNIT_ASSERT(parts[1] == emoji);
		CPPUNIT_ASSERT(parts[2] == emoji);
	}

	void testUTF16LimitBelowTwoIsRejected() { CPPUNIT_ASSERT_THROW(MessageSplitter::splitUTF16("a", 1), Poco::InvalidArgumentException); }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MessageSplitterTest);
