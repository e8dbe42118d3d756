//
// PayloadParserTest.cpp
//

#include "Sygen/Foundation/PayloadParser.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::PayloadParser;

class PayloadParserTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(PayloadParserTest);
	CPPUNIT_TEST(testObjectParses);
	CPPUNIT_TEST(testByteOrderMarkIsSkipped);
	CPPUNIT_TEST(testEmptyAndBlankAreInvalid);
	CPPUNIT_TEST(testScalarsAndArraysAreNotObjects);
	CPPUNIT_TEST(testGarbageIsInvalid);
	CPPUNIT_TEST(testDeepNestingIsRefusedWithoutRecursion);
	CPPUNIT_TEST(testBracketsInsideStringsDoNotCount);
	CPPUNIT_TEST(testCheckAndParseAgreeOnTheDepthLimit);
	CPPUNIT_TEST_SUITE_END();

public:
	void testObjectParses()
	{
		Poco::JSON::Object::Ptr payload;
		CPPUNIT_ASSERT_EQUAL(PayloadParser::OK, PayloadParser::parse("{\"a\": [1, {\"b\": null}]}", payload));
		CPPUNIT_ASSERT(payload->has("a"));
	}

	void testByteOrderMarkIsSkipped()
	{
		Poco::JSON::Object::Ptr payload;
		CPPUNIT_ASSERT_EQUAL(PayloadParser::OK, PayloadParser::parse("\xEF\xBB\xBF{\"a\": 1}", payload));
	}

	void testEmptyAndBlankAreInvalid()
	{
		Poco::JSON::Object::Ptr payload;
		CPPUNIT_ASSERT_EQUAL(PayloadParser::INVALID_JSON, PayloadParser::parse("", payload));
		CPPUNIT_ASSERT_EQUAL(PayloadParser::INVALID_JSON, PayloadParser::parse(" \r\n\t", payload));
		CPPUNIT_ASSERT_EQUAL(PayloadParser::INVALID_JSON, PayloadParser::parse("\xEF\xBB\xBF", payload));
	}

	void testScalarsAndArraysAreNotObjects()
	{
		Poco::JSON::Object::Ptr payload;
		for (const char* text: {"[]", "[1, 2]", "1", "-1.5e3", "\"s\"", "null", "true", " false "})
			CPPUNIT_ASSERT_EQUAL_MESSAGE(text, PayloadParser::NOT_AN_OBJECT, PayloadParser::parse(text, payload));
	}

	void testGarbageIsInvalid()
	{
		Poco::JSON::Object::Ptr payload;
		for (const char* text: {"{", "}", "{\"a\"}", "{\"a\": 1,}", "1, 2", "{} {}", "nul", "{'a': 1}", "\"unterminated"})
			CPPUNIT_ASSERT_EQUAL_MESSAGE(text, PayloadParser::INVALID_JSON, PayloadParser::parse(text, payload));
		std::string withNul("{\"a\": 1}\0", 9);
		CPPUNIT_ASSERT_EQUAL(PayloadParser::INVALID_JSON, PayloadParser::parse(withNul, payload));
	}

	void testDeepNestingIsRefusedWithoutRecursion()
	{
		std::string deep = "{\"a\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
		Poco::JSON::Object::Ptr payload;
		CPPUNIT_ASSERT_EQUAL(PayloadParser::INVALID_JSON, PayloadParser::parse(deep, payload));
		std::string fine = "{\"a\": " + std::string(100, '[') + std::string(100, ']') + "}";
		CPPUNIT_ASSERT_EQUAL(PayloadParser::OK, PayloadParser::parse(fine, payload));
	}

	static std::string nested(int levels, const std::string& key)
	{
		std::string text;
		for (int i = 1; i < levels; ++i) text += "{\"" + key + "\":";
		return text + "{}" + std::string(static_cast<std::size_t>(levels - 1), '}');
	}

	void testCheckAndParseAgreeOnTheDepthLimit()
	{
		// The ingress (check) and the dispatch (parse) share one limit: what passes
		// the door always parses later, ASCII (scanner) or not (full parser).
		for (const std::string& key: {std::string("a"), std::string("\xc3\xa9")})
		{
			Poco::JSON::Object::Ptr payload;
			const std::string deepest = nested(PayloadParser::MAX_DEPTH, key);
			CPPUNIT_ASSERT_EQUAL(PayloadParser::OK, PayloadParser::check(deepest));
			CPPUNIT_ASSERT_EQUAL(PayloadParser::OK, PayloadParser::parse(deepest, payload));
			const std::string tooDeep = nested(PayloadParser::MAX_DEPTH + 1, key);
			CPPUNIT_ASSERT_EQUAL(PayloadParser::INVALID_JSON, PayloadParser::check(tooDeep));
			CPPUNIT_ASSERT_EQUAL(PayloadParser::INVALID_JSON, PayloadParser::parse(tooDeep, payload));
		}
	}

	void testBracketsInsideStringsDoNotCount()
	{
		CPPUNIT_ASSERT(PayloadParser::withinDepth("{\"a\": \"[[[[[[\\\"[[[[\"}", 2));
		CPPUNIT_ASSERT(!PayloadParser::withinDepth("[[[", 2));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(PayloadParserTest);
