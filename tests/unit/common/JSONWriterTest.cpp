//
// JSONWriterTest.cpp
//
// Expected strings were produced with Python 3:
// json.dumps(obj, indent=2, ensure_ascii=False) and repr(float).
//

#include "Sygen/Foundation/JSONWriter.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <cmath>
#include <cppunit/extensions/HelperMacros.h>
#include <limits>

using Sygen::JSONWriter;

namespace {

Poco::Dynamic::Var parseOrdered(const std::string& text)
{
	Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
	return parser.parse(text);
}

const std::string SAMPLE = "{\"name\":\"gr\xC3\xB6\xC3\x9F"
						   "e \xE2\x9C\x93 \xE6\x97\xA5\xE6\x9C\xAC\","
						   "\"ctl\":\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0001i\\u001fj\x7f"
						   "k\","
						   "\"empty_list\":[],\"empty_obj\":{},"
						   "\"nested\":{\"list\":[1,-2,1.5,0.1,2.0,1e+100,1e-05,0.0001,1e+16,123456789012345.6,null,true,false],"
						   "\"deep\":{\"x\":[]}},\"z_first_key_order\":0}";

} // namespace

class JSONWriterTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(JSONWriterTest);
	CPPUNIT_TEST(testPrettyMatchesPythonIndent2EnsureAsciiFalse);
	CPPUNIT_TEST(testFileAddsOneTrailingNewline);
	CPPUNIT_TEST(testCompactHasNoWhitespace);
	CPPUNIT_TEST(testKeepsInsertionOrderOfOrderedObjects);
	CPPUNIT_TEST(testEmptyTopLevelContainers);
	CPPUNIT_TEST(testFormatsFloatsLikePythonRepr);
	CPPUNIT_TEST(testFormatsNonFiniteFloatsLikePython);
	CPPUNIT_TEST(testWritesEveryControlCharacterEscaped);
	CPPUNIT_TEST(testWritesProgrammaticScalarsAndNull);
	CPPUNIT_TEST(testWritesIntegerExtremes);
	CPPUNIT_TEST(testRejectsUnsupportedType);
	CPPUNIT_TEST_SUITE_END();

public:
	void testPrettyMatchesPythonIndent2EnsureAsciiFalse()
	{
		const std::string expected = "{\n"
									 "  \"name\": \"gr\xC3\xB6\xC3\x9F"
									 "e \xE2\x9C\x93 \xE6\x97\xA5\xE6\x9C\xAC\",\n"
									 "  \"ctl\": \"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0001i\\u001fj\x7f"
									 "k\",\n"
									 "  \"empty_list\": [],\n"
									 "  \"empty_obj\": {},\n"
									 "  \"nested\": {\n"
									 "    \"list\": [\n"
									 "      1,\n      -2,\n      1.5,\n      0.1,\n      2.0,\n      1e+100,\n      1e-05,\n"
									 "      0.0001,\n      1e+16,\n      123456789012345.6,\n      null,\n      true,\n      false\n"
									 "    ],\n"
									 "    \"deep\": {\n"
									 "      \"x\": []\n"
									 "    }\n"
									 "  },\n"
									 "  \"z_first_key_order\": 0\n"
									 "}";
		CPPUNIT_ASSERT_EQUAL(expected, JSONWriter::pretty(parseOrdered(SAMPLE)));
	}

	void testFileAddsOneTrailingNewline()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("{\n  \"hooks\": []\n}\n"), JSONWriter::file(parseOrdered("{\"hooks\":[]}")));
	}

	void testCompactHasNoWhitespace() { CPPUNIT_ASSERT_EQUAL(SAMPLE, JSONWriter::compact(parseOrdered(SAMPLE))); }

	void testKeepsInsertionOrderOfOrderedObjects()
	{
		Poco::JSON::Object::Ptr obj = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		obj->set("zeta", 1);
		obj->set("alpha", 2);
		obj->set("zeta", 3); // overwriting keeps the original position
		CPPUNIT_ASSERT_EQUAL(std::string("{\"zeta\":3,\"alpha\":2}"), JSONWriter::compact(obj));
	}

	void testEmptyTopLevelContainers()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("{}"), JSONWriter::pretty(Poco::JSON::Object::Ptr(new Poco::JSON::Object)));
		CPPUNIT_ASSERT_EQUAL(std::string("[]"), JSONWriter::pretty(Poco::JSON::Array::Ptr(new Poco::JSON::Array)));
		CPPUNIT_ASSERT_EQUAL(std::string("[\n  []\n]"), JSONWriter::pretty(parseOrdered("[[]]")));
	}

	void testFormatsFloatsLikePythonRepr()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("1.5"), JSONWriter::formatFloat(1.5));
		CPPUNIT_ASSERT_EQUAL(std::string("0.1"), JSONWriter::formatFloat(0.1));
		CPPUNIT_ASSERT_EQUAL(std::string("2.0"), JSONWriter::formatFloat(2.0));
		CPPUNIT_ASSERT_EQUAL(std::string("100.0"), JSONWriter::formatFloat(100.0));
		CPPUNIT_ASSERT_EQUAL(std::string("1e+100"), JSONWriter::formatFloat(1e100));
		CPPUNIT_ASSERT_EQUAL(std::string("1e-05"), JSONWriter::formatFloat(1e-5));
		CPPUNIT_ASSERT_EQUAL(std::string("0.0001"), JSONWriter::formatFloat(1e-4));
		CPPUNIT_ASSERT_EQUAL(std::string("1e+16"), JSONWriter::formatFloat(1e16));
		CPPUNIT_ASSERT_EQUAL(std::string("1000000000000000.0"), JSONWriter::formatFloat(1e15));
		CPPUNIT_ASSERT_EQUAL(std::string("123456789012345.6"), JSONWriter::formatFloat(123456789012345.6));
		CPPUNIT_ASSERT_EQUAL(std::string("-0.0"), JSONWriter::formatFloat(-0.0));
		CPPUNIT_ASSERT_EQUAL(std::string("0.0"), JSONWriter::formatFloat(0.0));
		CPPUNIT_ASSERT_EQUAL(std::string("5e-324"), JSONWriter::formatFloat(5e-324));
		CPPUNIT_ASSERT_EQUAL(std::string("1.7976931348623157e+308"), JSONWriter::formatFloat(1.7976931348623157e308));
		CPPUNIT_ASSERT_EQUAL(std::string("-1.25e-07"), JSONWriter::formatFloat(-1.25e-7));
		CPPUNIT_ASSERT_EQUAL(std::string("3.14159"), JSONWriter::formatFloat(3.14159));
	}

	void testFormatsNonFiniteFloatsLikePython()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("NaN"), JSONWriter::formatFloat(std::nan("")));
		CPPUNIT_ASSERT_EQUAL(std::string("Infinity"), JSONWriter::formatFloat(std::numeric_limits<double>::infinity()));
		CPPUNIT_ASSERT_EQUAL(std::string("-Infinity"), JSONWriter::formatFloat(-std::numeric_limits<double>::infinity()));
	}

	void testWritesEveryControlCharacterEscaped()
	{
		std::string all;
		for (int c = 0; c < 0x20; ++c) all += static_cast<char>(c);
		const std::string expected =
			"\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"
			"\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\"";
		CPPUNIT_ASSERT_EQUAL(expected, JSONWriter::quote(all));
		CPPUNIT_ASSERT_EQUAL(std::string("\"/ \xE2\x80\xA8 stays\""), JSONWriter::quote("/ \xE2\x80\xA8 stays"));
	}

	void testWritesProgrammaticScalarsAndNull()
	{
		Poco::JSON::Object::Ptr obj = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		obj->set("int", 7);
		obj->set("uint", 7u);
		obj->set("float", 2.5f);
		obj->set("double", 3.0);
		obj->set("bool", false);
		obj->set("null", Poco::Dynamic::Var());
		obj->set("nullObject", Poco::JSON::Object::Ptr());
		obj->set("text", std::string("x"));
		CPPUNIT_ASSERT_EQUAL(
			std::string(
				"{\"int\":7,\"uint\":7,\"float\":2.5,\"double\":3.0,\"bool\":false,\"null\":null,\"nullObject\":null,\"text\":\"x\"}"),
			JSONWriter::compact(obj));
	}

	void testWritesIntegerExtremes()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("[18446744073709551615,-9223372036854775808]"),
			JSONWriter::compact(parseOrdered("[18446744073709551615,-9223372036854775808]")));
	}

	void testRejectsUnsupportedType()
	{
		CPPUNIT_ASSERT_THROW(JSONWriter::compact(Poco::Dynamic::Var(Poco::Timestamp(0))), Poco::InvalidArgumentException);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(JSONWriterTest);
