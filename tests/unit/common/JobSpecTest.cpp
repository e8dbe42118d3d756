//
// JobSpecTest.cpp
//

#include "Sygen/Protocol/JobSpec.h"
#include "Sygen/Foundation/JSONFields.h"
#include "Sygen/Protocol/WorkOrder.h"
#include <Poco/Exception.h>
#include <cppunit/extensions/HelperMacros.h>
#include <set>

using Sygen::Hook;
using Sygen::JobSpec;
using Sygen::JSONFields;
using Sygen::WorkOrder;

namespace {

Hook hookWithSecrets()
{
	Hook h;
	h.id = "gh";
	h.title = "GitHub";
	h.mode = "cron_task";
	h.promptTemplate = "template-text-{{x}}";
	h.taskFolder = std::string("daily");
	h.authMode = "hmac";
	h.token = "bearer-token-value-123";
	h.hmacSecret = "hmac-secret-value-456";
	h.hmacHeader = "X-Hub-Signature-256";
	h.provider = std::string("codex");
	h.model = std::string("gpt-5");
	h.reasoningEffort = std::string("high");
	h.cliParameters = {"--max-turns", "3"};
	h.quietStart = 22;
	h.quietEnd = 6;
	h.dependency = std::string("repo-lock");
	h.lastError = std::string("last-error-text");
	return h;
}

} // namespace

class JobSpecTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(JobSpecTest);
	CPPUNIT_TEST(testJobFrameCarriesNoSecretField);
	CPPUNIT_TEST(testFromHookCopiesTheJobFields);
	CPPUNIT_TEST(testRoundTripThroughJSON);
	CPPUNIT_TEST(testUnsetOptionalsStayUnset);
	CPPUNIT_TEST(testMissingIdOrModeIsRejected);
	CPPUNIT_TEST(testWorkOrderWithoutSpecIsRejected);
	CPPUNIT_TEST_SUITE_END();

public:
	void testJobFrameCarriesNoSecretField()
	{
		WorkOrder order;
		order.jobId = "j1";
		order.spec = JobSpec::fromHook(hookWithSecrets());
		order.prompt = "wrapped";
		Poco::JSON::Object::Ptr body = order.toJSON();
		const std::string text = JSONFields::compact(body);
		for (const char* secret: {"bearer-token-value-123", "hmac-secret-value-456", "template-text", "X-Hub-Signature", "last-error-text"})
			CPPUNIT_ASSERT_MESSAGE(secret, text.find(secret) == std::string::npos);
		Poco::JSON::Object::Ptr spec = JSONFields::object(*body, "spec");
		CPPUNIT_ASSERT(spec);
		const std::set<std::string> allowed = {"id", "title", "mode", "task_folder", "provider", "model", "reasoning_effort",
			"cli_parameters", "quiet_start", "quiet_end", "dependency"};
		for (const auto& entry: *spec) CPPUNIT_ASSERT_MESSAGE(entry.first, allowed.count(entry.first) == 1);
		std::vector<std::string> keys;
		body->getNames(keys);
		CPPUNIT_ASSERT((std::set<std::string>(keys.begin(), keys.end()) == std::set<std::string>{"job_id", "spec", "prompt", "queued_at"}));
	}

	void testFromHookCopiesTheJobFields()
	{
		JobSpec s = JobSpec::fromHook(hookWithSecrets());
		CPPUNIT_ASSERT_EQUAL(std::string("gh"), s.id);
		CPPUNIT_ASSERT_EQUAL(std::string("GitHub"), s.title);
		CPPUNIT_ASSERT_EQUAL(std::string("cron_task"), s.mode);
		CPPUNIT_ASSERT_EQUAL(std::string("daily"), *s.taskFolder);
		CPPUNIT_ASSERT_EQUAL(std::string("codex"), *s.provider);
		CPPUNIT_ASSERT_EQUAL(std::string("gpt-5"), *s.model);
		CPPUNIT_ASSERT_EQUAL(std::string("high"), *s.reasoningEffort);
		CPPUNIT_ASSERT((s.cliParameters == std::vector<std::string>{"--max-turns", "3"}));
		CPPUNIT_ASSERT_EQUAL(22, *s.quietStart);
		CPPUNIT_ASSERT_EQUAL(6, *s.quietEnd);
		CPPUNIT_ASSERT_EQUAL(std::string("repo-lock"), *s.dependency);
	}

	void testRoundTripThroughJSON()
	{
		WorkOrder order;
		order.jobId = "j2";
		order.spec = JobSpec::fromHook(hookWithSecrets());
		order.prompt = "p";
		order.queuedAt = "2026-01-01T00:00:00Z";
		WorkOrder back = WorkOrder::fromJSON(*JSONFields::parseObject(JSONFields::compact(order.toJSON())));
		CPPUNIT_ASSERT_EQUAL(std::string("j2"), back.jobId);
		CPPUNIT_ASSERT_EQUAL(std::string("p"), back.prompt);
		CPPUNIT_ASSERT_EQUAL(order.queuedAt, back.queuedAt);
		CPPUNIT_ASSERT_EQUAL(JSONFields::compact(order.spec.toJSON()), JSONFields::compact(back.spec.toJSON()));
		CPPUNIT_ASSERT_EQUAL(std::string("repo-lock"), *back.spec.dependency);
		CPPUNIT_ASSERT_EQUAL(6, *back.spec.quietEnd);
	}

	void testUnsetOptionalsStayUnset()
	{
		Hook h;
		h.id = "w";
		h.mode = "wake";
		JobSpec back = JobSpec::fromJSON(*JobSpec::fromHook(h).toJSON());
		CPPUNIT_ASSERT(!back.taskFolder && !back.provider && !back.model && !back.reasoningEffort);
		CPPUNIT_ASSERT(!back.quietStart && !back.quietEnd && !back.dependency);
		CPPUNIT_ASSERT(back.cliParameters.empty());
	}

	void testMissingIdOrModeIsRejected()
	{
		CPPUNIT_ASSERT_THROW(JobSpec::fromJSON(*JSONFields::parseObject("{\"mode\":\"wake\"}")), Poco::DataFormatException);
		CPPUNIT_ASSERT_THROW(JobSpec::fromJSON(*JSONFields::parseObject("{\"id\":\"x\"}")), Poco::DataFormatException);
		CPPUNIT_ASSERT_THROW(JobSpec::fromJSON(*JSONFields::parseObject("{\"id\":\"x\",\"mode\":\"wake\",\"quiet_start\":\"9\"}")),
			Poco::DataFormatException);
	}

	void testWorkOrderWithoutSpecIsRejected()
	{
		CPPUNIT_ASSERT_THROW(
			WorkOrder::fromJSON(*JSONFields::parseObject("{\"job_id\":\"j\",\"prompt\":\"p\"}")), Poco::DataFormatException);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(JobSpecTest);
