//
// HookTest.cpp
//

#include "Sygen/Hooks/Hook.h"
#include "Sygen/Foundation/JSONWriter.h"
#include <Poco/Exception.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <cppunit/extensions/HelperMacros.h>

using Sygen::Hook;
using Sygen::JSONWriter;

namespace {

Poco::JSON::Object::Ptr parse(const std::string& text)
{
	Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
	return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

const std::string MINIMAL = "{\"id\":\"gh\",\"title\":\"GitHub\",\"mode\":\"wake\",\"prompt_template\":\"{{x}}\"";

std::string failureOf(const std::string& json)
{
	try
	{
		Hook::fromJSON(*parse(json));
	}
	catch (Poco::DataFormatException& e)
	{
		return e.message();
	}
	return "no exception";
}

} // namespace

class HookTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(HookTest);
	CPPUNIT_TEST(testMinimalEntryGetsSpecDefaults);
	CPPUNIT_TEST(testNullMeansDefault);
	CPPUNIT_TEST(testReadsEveryField);
	CPPUNIT_TEST(testMissingRequiredFieldNamesIt);
	CPPUNIT_TEST(testWrongTypeNamesField);
	CPPUNIT_TEST(testToJSONWritesReferenceFieldsInSpecOrderWithNulls);
	CPPUNIT_TEST(testBeyondFieldsWrittenOnlyWhenSet);
	CPPUNIT_TEST(testUnknownKeysRoundTripInOrderAfterKnownFields);
	CPPUNIT_TEST(testExtraCannotOverrideKnownField);
	CPPUNIT_TEST(testIsFieldKnowsReferenceAndBeyondFields);
	CPPUNIT_TEST_SUITE_END();

public:
	void testMinimalEntryGetsSpecDefaults()
	{
		Hook h = Hook::fromJSON(*parse(MINIMAL + "}"));
		CPPUNIT_ASSERT_EQUAL(std::string("gh"), h.id);
		CPPUNIT_ASSERT_EQUAL(std::string(""), h.description);
		CPPUNIT_ASSERT(h.enabled);
		CPPUNIT_ASSERT(!h.taskFolder);
		CPPUNIT_ASSERT_EQUAL(std::string("bearer"), h.authMode);
		CPPUNIT_ASSERT_EQUAL(std::string("sha256"), h.hmacAlgorithm);
		CPPUNIT_ASSERT_EQUAL(std::string("hex"), h.hmacEncoding);
		CPPUNIT_ASSERT_EQUAL(std::string("sha256="), h.hmacSigPrefix);
		CPPUNIT_ASSERT_EQUAL(0LL, h.triggerCount);
		CPPUNIT_ASSERT(!h.lastTriggeredAt && !h.lastError && !h.provider && !h.quietStart && !h.dependency);
		CPPUNIT_ASSERT(h.cliParameters.empty());
		CPPUNIT_ASSERT(!h.hmacToleranceSeconds && !h.dedupeHeader && !h.maxConcurrent);
		CPPUNIT_ASSERT(!h.extra);
	}

	void testNullMeansDefault()
	{
		Hook h = Hook::fromJSON(*parse(MINIMAL +
			",\"enabled\":null,\"auth_mode\":null,\"hmac_sig_prefix\":null,"
			"\"trigger_count\":null,\"cli_parameters\":null,\"quiet_start\":null,\"max_concurrent\":null}"));
		CPPUNIT_ASSERT(h.enabled);
		CPPUNIT_ASSERT_EQUAL(std::string("bearer"), h.authMode);
		CPPUNIT_ASSERT_EQUAL(std::string("sha256="), h.hmacSigPrefix);
		CPPUNIT_ASSERT_EQUAL(0LL, h.triggerCount);
		CPPUNIT_ASSERT(h.cliParameters.empty());
		CPPUNIT_ASSERT(!h.quietStart);
		CPPUNIT_ASSERT(!h.maxConcurrent);
	}

	void testReadsEveryField()
	{
		Hook h = Hook::fromJSON(
			*parse("{\"id\":\"a\",\"title\":\"T\",\"description\":\"D\",\"mode\":\"cron_task\","
				   "\"prompt_template\":\"P\",\"enabled\":false,\"task_folder\":\"f\",\"auth_mode\":\"hmac\",\"token\":\"tk\","
				   "\"hmac_secret\":\"s\",\"hmac_header\":\"X-Sig\",\"hmac_algorithm\":\"sha1\",\"hmac_encoding\":\"base64\","
				   "\"hmac_sig_prefix\":\"\",\"hmac_sig_regex\":\"v1=(.*)\",\"hmac_payload_prefix_regex\":\"t=(\\\\d+)\","
				   "\"created_at\":\"2024-01-01T00:00:00+00:00\",\"trigger_count\":5,\"last_triggered_at\":\"L\","
				   "\"last_error\":\"error:timeout\",\"provider\":\"codex\",\"model\":\"m\",\"reasoning_effort\":\"high\","
				   "\"cli_parameters\":[\"--x\",\"y\"],\"quiet_start\":22,\"quiet_end\":7,\"dependency\":\"db\","
				   "\"hmac_tolerance_seconds\":300,\"dedupe_header\":\"X-GitHub-Delivery\",\"max_concurrent\":2}"));
		CPPUNIT_ASSERT_EQUAL(std::string("D"), h.description);
		CPPUNIT_ASSERT(!h.enabled);
		CPPUNIT_ASSERT_EQUAL(std::string("f"), *h.taskFolder);
		CPPUNIT_ASSERT_EQUAL(std::string("hmac"), h.authMode);
		CPPUNIT_ASSERT_EQUAL(std::string("tk"), h.token);
		CPPUNIT_ASSERT_EQUAL(std::string("s"), h.hmacSecret);
		CPPUNIT_ASSERT_EQUAL(std::string("X-Sig"), h.hmacHeader);
		CPPUNIT_ASSERT_EQUAL(std::string("sha1"), h.hmacAlgorithm);
		CPPUNIT_ASSERT_EQUAL(std::string("base64"), h.hmacEncoding);
		CPPUNIT_ASSERT_EQUAL(std::string(""), h.hmacSigPrefix);
		CPPUNIT_ASSERT_EQUAL(std::string("v1=(.*)"), h.hmacSigRegex);
		CPPUNIT_ASSERT_EQUAL(std::string("t=(\\d+)"), h.hmacPayloadPrefixRegex);
		CPPUNIT_ASSERT_EQUAL(5LL, h.triggerCount);
		CPPUNIT_ASSERT_EQUAL(std::string("L"), *h.lastTriggeredAt);
		CPPUNIT_ASSERT_EQUAL(std::string("error:timeout"), *h.lastError);
		CPPUNIT_ASSERT_EQUAL(std::string("codex"), *h.provider);
		CPPUNIT_ASSERT_EQUAL(std::string("high"), *h.reasoningEffort);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), h.cliParameters.size());
		CPPUNIT_ASSERT_EQUAL(22, *h.quietStart);
		CPPUNIT_ASSERT_EQUAL(7, *h.quietEnd);
		CPPUNIT_ASSERT_EQUAL(std::string("db"), *h.dependency);
		CPPUNIT_ASSERT_EQUAL(300LL, *h.hmacToleranceSeconds);
		CPPUNIT_ASSERT_EQUAL(std::string("X-GitHub-Delivery"), *h.dedupeHeader);
		CPPUNIT_ASSERT_EQUAL(2, *h.maxConcurrent);
	}

	void testMissingRequiredFieldNamesIt()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("id: missing"), failureOf("{\"title\":\"t\",\"mode\":\"wake\",\"prompt_template\":\"p\"}"));
		CPPUNIT_ASSERT_EQUAL(std::string("title: missing"), failureOf("{\"id\":\"a\",\"mode\":\"wake\",\"prompt_template\":\"p\"}"));
		CPPUNIT_ASSERT_EQUAL(std::string("mode: missing"), failureOf("{\"id\":\"a\",\"title\":\"t\",\"prompt_template\":\"p\"}"));
		CPPUNIT_ASSERT_EQUAL(std::string("prompt_template: missing"), failureOf("{\"id\":\"a\",\"title\":\"t\",\"mode\":\"wake\"}"));
		CPPUNIT_ASSERT_EQUAL(
			std::string("title: missing"), failureOf("{\"id\":\"a\",\"title\":null,\"mode\":\"wake\",\"prompt_template\":\"p\"}"));
	}

	void testWrongTypeNamesField()
	{
		CPPUNIT_ASSERT_EQUAL(
			std::string("id: expected a string"), failureOf("{\"id\":5,\"title\":\"t\",\"mode\":\"wake\",\"prompt_template\":\"p\"}"));
		CPPUNIT_ASSERT_EQUAL(std::string("enabled: expected true or false"), failureOf(MINIMAL + ",\"enabled\":\"yes\"}"));
		CPPUNIT_ASSERT_EQUAL(std::string("trigger_count: expected an integer"), failureOf(MINIMAL + ",\"trigger_count\":1.5}"));
		CPPUNIT_ASSERT_EQUAL(std::string("cli_parameters: expected an array of strings"), failureOf(MINIMAL + ",\"cli_parameters\":[1]}"));
		CPPUNIT_ASSERT_EQUAL(
			std::string("cli_parameters: expected an array of strings"), failureOf(MINIMAL + ",\"cli_parameters\":\"-x\"}"));
		CPPUNIT_ASSERT_EQUAL(std::string("quiet_start: expected an integer"), failureOf(MINIMAL + ",\"quiet_start\":\"22\"}"));
		CPPUNIT_ASSERT_EQUAL(std::string("quiet_end: expected an integer in range"), failureOf(MINIMAL + ",\"quiet_end\":99999999999}"));
		CPPUNIT_ASSERT_EQUAL(std::string("task_folder: expected a string"), failureOf(MINIMAL + ",\"task_folder\":[]}"));
		CPPUNIT_ASSERT_EQUAL(
			std::string("hmac_tolerance_seconds: expected an integer"), failureOf(MINIMAL + ",\"hmac_tolerance_seconds\":true}"));
	}

	void testToJSONWritesReferenceFieldsInSpecOrderWithNulls()
	{
		Hook h = Hook::fromJSON(*parse(MINIMAL + "}"));
		const std::string expected =
			"{\"id\":\"gh\",\"title\":\"GitHub\",\"description\":\"\",\"mode\":\"wake\",\"prompt_template\":\"{{x}}\","
			"\"enabled\":true,\"task_folder\":null,\"auth_mode\":\"bearer\",\"token\":\"\",\"hmac_secret\":\"\","
			"\"hmac_header\":\"\",\"hmac_algorithm\":\"sha256\",\"hmac_encoding\":\"hex\",\"hmac_sig_prefix\":\"sha256=\","
			"\"hmac_sig_regex\":\"\",\"hmac_payload_prefix_regex\":\"\",\"created_at\":\"\",\"trigger_count\":0,"
			"\"last_triggered_at\":null,\"last_error\":null,\"provider\":null,\"model\":null,\"reasoning_effort\":null,"
			"\"cli_parameters\":[],\"quiet_start\":null,\"quiet_end\":null,\"dependency\":null}";
		CPPUNIT_ASSERT_EQUAL(expected, JSONWriter::compact(h.toJSON()));
		CPPUNIT_ASSERT_EQUAL(std::size_t(27), h.toJSON()->size());
	}

	void testBeyondFieldsWrittenOnlyWhenSet()
	{
		Hook h = Hook::fromJSON(*parse(MINIMAL + ",\"max_concurrent\":3,\"hmac_tolerance_seconds\":300}"));
		std::string text = JSONWriter::compact(h.toJSON());
		CPPUNIT_ASSERT(text.find("\"dependency\":null,\"hmac_tolerance_seconds\":300,\"max_concurrent\":3}") != std::string::npos);
		CPPUNIT_ASSERT(text.find("dedupe_header") == std::string::npos);
		CPPUNIT_ASSERT(text.find("run_on") == std::string::npos);

		Hook pinned = Hook::fromJSON(*parse(MINIMAL + ",\"run_on\":[\"node-a\",\"node-b\"]}"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), pinned.runOn.size());
		CPPUNIT_ASSERT_EQUAL(std::string("node-b"), pinned.runOn[1]);
		CPPUNIT_ASSERT(JSONWriter::compact(pinned.toJSON()).find("\"run_on\":[\"node-a\",\"node-b\"]") != std::string::npos);
		CPPUNIT_ASSERT(Hook::isField("run_on"));
		CPPUNIT_ASSERT_THROW(Hook::fromJSON(*parse(MINIMAL + ",\"run_on\":\"node-a\"}")), Poco::Exception);
	}

	void testUnknownKeysRoundTripInOrderAfterKnownFields()
	{
		Hook h = Hook::fromJSON(*parse("{\"zz_custom\":{\"a\":[1]},\"id\":\"a\",\"title\":\"t\",\"note\":\"keep\","
									   "\"mode\":\"wake\",\"prompt_template\":\"p\"}"));
		CPPUNIT_ASSERT(h.extra);
		std::string text = JSONWriter::compact(h.toJSON());
		CPPUNIT_ASSERT(text.find("\"dependency\":null,\"zz_custom\":{\"a\":[1]},\"note\":\"keep\"}") != std::string::npos);
		Hook again = Hook::fromJSON(*h.toJSON());
		CPPUNIT_ASSERT_EQUAL(text, JSONWriter::compact(again.toJSON()));
	}

	void testExtraCannotOverrideKnownField()
	{
		Hook h = Hook::fromJSON(*parse(MINIMAL + "}"));
		h.extra = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		h.extra->set("title", "smuggled");
		Poco::JSON::Object::Ptr obj = h.toJSON();
		CPPUNIT_ASSERT_EQUAL(std::string("GitHub"), obj->getValue<std::string>("title"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(27), obj->size());
	}

	void testIsFieldKnowsReferenceAndBeyondFields()
	{
		CPPUNIT_ASSERT(Hook::isField("prompt_template"));
		CPPUNIT_ASSERT(Hook::isField("dependency"));
		CPPUNIT_ASSERT(Hook::isField("dedupe_header"));
		CPPUNIT_ASSERT(!Hook::isField("Prompt_template"));
		CPPUNIT_ASSERT(!Hook::isField("note"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(HookTest);
