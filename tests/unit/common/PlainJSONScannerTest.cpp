//
// PlainJSONScannerTest.cpp
//

#include "Sygen/Foundation/PlainJSONScanner.h"
#include "Sygen/Foundation/PayloadParser.h"
#include <cppunit/extensions/HelperMacros.h>
#include <string>
#include <vector>

using Sygen::PayloadParser;
using Sygen::PlainJSONScanner;

namespace {

bool plain(const std::string& text)
{
	return PlainJSONScanner::isPlainObject(text, PayloadParser::MAX_DEPTH);
}

PayloadParser::Outcome fullParse(const std::string& text)
{
	Poco::JSON::Object::Ptr payload;
	return PayloadParser::parse(text, payload);
}

} // namespace

class PlainJSONScannerTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(PlainJSONScannerTest);
	CPPUNIT_TEST(testPlainObjectsAreRecognised);
	CPPUNIT_TEST(testBrokenSyntaxIsNotPlain);
	CPPUNIT_TEST(testWhatAParserMayTreatDifferentlyIsLeftToIt);
	CPPUNIT_TEST(testOnlyObjectsAtTheTopAreRecognised);
	CPPUNIT_TEST(testDepthLimitIsKept);
	CPPUNIT_TEST(testCheckAgreesWithTheFullParser);
	CPPUNIT_TEST_SUITE_END();

public:
	void testPlainObjectsAreRecognised()
	{
		CPPUNIT_ASSERT(plain("{}"));
		CPPUNIT_ASSERT(plain(" \t\r\n{ } \n"));
		CPPUNIT_ASSERT(plain("{\"a\":1,\"b\":[1,-2,0.5,true,false,null,\"x\"],\"c\":{\"d\":{}}}"));
		CPPUNIT_ASSERT(plain("{\"esc\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"}"));
		CPPUNIT_ASSERT(plain("{\"a\":1,\"a\":2}")); // duplicate names are valid JSON
		CPPUNIT_ASSERT(plain("{\"n\":123456789012345}"));
		CPPUNIT_ASSERT(plain("{\"e\":[], \"o\":{}, \"z\":-0}"));
	}

	void testBrokenSyntaxIsNotPlain()
	{
		const std::vector<std::string> broken = {"", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,}", "{\"a\":1 \"b\":2}", "{a:1}",
			"{'a':1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":+1}", "{\"a\":tru}", "{\"a\":nulll}", "{\"a\":[1,]}",
			"{\"a\":[1 2]}", "{\"a\":\"x}", "{\"a\":\"\\x\"}", "{\"a\":1}}", "{\"a\":1} x", "{\"a\":1}{}", "{\"a\":\"tab\there\"}",
			"{\"a\":[}", "{\"a\":{]}", std::string("{\"a\":\"\0\"}", 8), "{\"a\":1}\v"};
		for (const std::string& text: broken) CPPUNIT_ASSERT_MESSAGE(text, !plain(text));
	}

	void testWhatAParserMayTreatDifferentlyIsLeftToIt()
	{
		CPPUNIT_ASSERT(!plain("{\"a\":\"\\u00e9\"}"));      // escapes, surrogates
		CPPUNIT_ASSERT(!plain("{\"a\":\"caf\xC3\xA9\"}"));  // non-ASCII (UTF-8 validity)
		CPPUNIT_ASSERT(!plain("{\"a\":1e3}"));              // exponents
		CPPUNIT_ASSERT(!plain("{\"a\":1234567890123456}")); // 16 characters
		CPPUNIT_ASSERT(!plain("\xEF\xBB\xBF{}"));           // byte order mark
	}

	void testOnlyObjectsAtTheTopAreRecognised()
	{
		CPPUNIT_ASSERT(!plain("[]"));
		CPPUNIT_ASSERT(!plain("[{}]"));
		CPPUNIT_ASSERT(!plain("\"{}\""));
		CPPUNIT_ASSERT(!plain("1"));
		CPPUNIT_ASSERT(!plain("null"));
	}

	void testDepthLimitIsKept()
	{
		std::string ok = "{\"a\":" + std::string(PayloadParser::MAX_DEPTH - 1, '[') + std::string(PayloadParser::MAX_DEPTH - 1, ']') + "}";
		std::string deep = "{\"a\":" + std::string(PayloadParser::MAX_DEPTH, '[') + std::string(PayloadParser::MAX_DEPTH, ']') + "}";
		CPPUNIT_ASSERT(plain(ok));
		CPPUNIT_ASSERT(!plain(deep));
		CPPUNIT_ASSERT(!PlainJSONScanner::isPlainObject("{\"a\":{}}", 1));
		CPPUNIT_ASSERT(PlainJSONScanner::isPlainObject("{\"a\":{}}", 2));
	}

	void testCheckAgreesWithTheFullParser()
	{
		// Everything above, plus what only the full parser can decide: check() must give
		// parse()'s verdict on all of it.
		const std::vector<std::string> bodies = {"{}", "{\"a\":1,\"b\":[1,-2,0.5,true,false,null,\"x\"]}", "{\"a\":1,}", "{a:1}", "[]", "1",
			"null", "\"s\"", "", "   ", "{\"a\":\"\\u00e9\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"caf\xC3\xA9\"}", "{\"a\":\"\xFF\"}",
			"{\"a\":1e3}", "{\"a\":1e400}", "{\"a\":123456789012345678901234567890}", "\xEF\xBB\xBF{\"a\":1}", "{\"a\":01}", "{\"a\":[1,]}",
			"{\"a\":1} x", "{\"a\":1}{}", "{\"a\":" + std::string(600, '[') + std::string(600, ']') + "}"};
		for (const std::string& body: bodies) CPPUNIT_ASSERT_EQUAL_MESSAGE(body, fullParse(body), PayloadParser::check(body));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(PlainJSONScannerTest);
