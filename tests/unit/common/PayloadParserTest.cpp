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

	void testBracketsInsideStringsDoNotCount()
	{
		CPPUNIT_ASSERT(PayloadParser::withinDepth("{\"a\": \"[[[[[[\\\"[[[[\"}", 2));
		CPPUNIT_ASSERT(!PayloadParser::withinDepth("[[[", 2));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(PayloadParserTest);
