//
// PayloadParserTest.cpp
//

#include "Sygen/Foundation/PayloadParser.h"
#include "Sygen/Foundation/JSONInteger.h"
#include "Sygen/Foundation/JSONWriter.h"
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
	CPPUNIT_TEST(testBigIntegersKeepTheirText);
	CPPUNIT_TEST(testMachineIntegersStayIntegers);
	CPPUNIT_TEST(testDigitsInStringsAndKeysAreNotTouched);
	CPPUNIT_TEST(testInvalidNumbersStayInvalid);
	CPPUNIT_TEST(testBigIntegerScalarIsNotAnObject);
	CPPUNIT_TEST(testBigIntegerIsNeverAMemberName);
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

	void testBigIntegersKeepTheirText()
	{
		const std::string body = "{\"x\": 18446744073709551616, \"y\": [-99999999999999999999, "
								 "123456789012345678901234567890], \"z\": {\"w\": 9223372036854775808000}}";
		Poco::JSON::Object::Ptr payload;
		CPPUNIT_ASSERT_EQUAL(PayloadParser::OK, PayloadParser::parse(body, payload));
		CPPUNIT_ASSERT(payload->get("x").type() == typeid(Sygen::JSONInteger));
		CPPUNIT_ASSERT_EQUAL(std::string("18446744073709551616"), payload->get("x").extract<Sygen::JSONInteger>().text());
		CPPUNIT_ASSERT_EQUAL(std::string("{\"x\":18446744073709551616,\"y\":[-99999999999999999999,"
										 "123456789012345678901234567890],\"z\":{\"w\":9223372036854775808000}}"),
			Sygen::JSONWriter::compact(payload));
		CPPUNIT_ASSERT_EQUAL(PayloadParser::OK, PayloadParser::check(body));
	}

	void testMachineIntegersStayIntegers()
	{
		Poco::JSON::Object::Ptr payload;
		CPPUNIT_ASSERT_EQUAL(
			PayloadParser::OK, PayloadParser::parse("{\"a\": 18446744073709551615, \"b\": -9223372036854775808, \"c\": 7}", payload));
		CPPUNIT_ASSERT(payload->get("a").isInteger());
		CPPUNIT_ASSERT(payload->get("b").isInteger());
		CPPUNIT_ASSERT_EQUAL(
			std::string("{\"a\":18446744073709551615,\"b\":-9223372036854775808,\"c\":7}"), Sygen::JSONWriter::compact(payload));
	}

	void testDigitsInStringsAndKeysAreNotTouched()
	{
		Poco::JSON::Object::Ptr payload;
		CPPUNIT_ASSERT_EQUAL(PayloadParser::OK,
			PayloadParser::parse(
				"{\"123456789012345678901\": \"99999999999999999999999\", \"e\\\"\": 99999999999999999999999, \"s\": \"x\"}", payload));
		CPPUNIT_ASSERT(payload->get("123456789012345678901").isString());
		CPPUNIT_ASSERT(payload->get("e\"").type() == typeid(Sygen::JSONInteger));
		CPPUNIT_ASSERT_EQUAL(std::string("x"), payload->getValue<std::string>("s"));
	}

	void testInvalidNumbersStayInvalid()
	{
		Poco::JSON::Object::Ptr payload;
		CPPUNIT_ASSERT_EQUAL(PayloadParser::INVALID_JSON, PayloadParser::parse("{\"a\": 0123456789012345678901}", payload));
		CPPUNIT_ASSERT_EQUAL(PayloadParser::INVALID_JSON, PayloadParser::parse("{\"a\": 123456789012345678901x}", payload));
		CPPUNIT_ASSERT_EQUAL(PayloadParser::INVALID_JSON, PayloadParser::parse("{\"a\" 123456789012345678901}", payload));
		CPPUNIT_ASSERT_EQUAL(PayloadParser::INVALID_JSON, PayloadParser::parse("{\"a\": --123456789012345678901}", payload));
	}

	void testBigIntegerScalarIsNotAnObject()
	{
		Poco::JSON::Object::Ptr payload;
		CPPUNIT_ASSERT_EQUAL(PayloadParser::NOT_AN_OBJECT, PayloadParser::parse("123456789012345678901234", payload));
	}

	void testBigIntegerIsNeverAMemberName()
	{
		// Python's json refuses these; quoting the number must not make them valid keys.
		Poco::JSON::Object::Ptr payload;
		for (const char* text:
			{"{18446744073709551616: 1}", "{\"a\": 1, 18446744073709551616 : 2}", "{123456789012345678901234567890:\n1}"})
		{
			CPPUNIT_ASSERT_EQUAL_MESSAGE(text, PayloadParser::INVALID_JSON, PayloadParser::parse(text, payload));
			CPPUNIT_ASSERT_EQUAL_MESSAGE(text, PayloadParser::INVALID_JSON, PayloadParser::check(text));
		}
		CPPUNIT_ASSERT_EQUAL(PayloadParser::OK, PayloadParser::parse("{\"a\": 18446744073709551616 , \"b\": 1}", payload));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(PayloadParserTest);
