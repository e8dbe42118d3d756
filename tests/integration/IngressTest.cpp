//
// IngressTest.cpp
//
// The real sygen-webhookd over real HTTP: every row of the SPEC §8 table and the
// authentication rules of §6.
//

#include "ServiceFixture.h"
#include "TestSupport.h"
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>
#include <Poco/Thread.h>
#include <Poco/Timestamp.h>
#include <cppunit/extensions/HelperMacros.h>
#include <csignal>
#include <memory>

using Sygen::Test::HTTPReply;
using Sygen::Test::ServiceFixture;
using Sygen::Test::TestHmac;

namespace {

const char* HOOKS = R"json({"hooks": [
  {"id": "plain", "title": "Plain", "mode": "cron_task", "prompt_template": "Event {{event}}", "task_folder": "plain"},
  {"id": "own-token", "title": "Own token", "mode": "cron_task", "prompt_template": "x", "token": "hook-own-token-abc"},
  {"id": "off", "title": "Disabled", "mode": "cron_task", "prompt_template": "x", "enabled": false},
  {"id": "github", "title": "GitHub", "mode": "cron_task", "prompt_template": "x", "auth_mode": "hmac",
   "hmac_secret": "gh-secret", "hmac_header": "X-Hub-Signature-256"},
  {"id": "stripe", "title": "Stripe", "mode": "cron_task", "prompt_template": "x", "auth_mode": "hmac",
   "hmac_secret": "whsk-stripe", "hmac_header": "Stripe-Signature", "hmac_sig_prefix": "",
   "hmac_sig_regex": "v1=([a-f0-9]+)", "hmac_payload_prefix_regex": "t=(\\d+)"},
  {"id": "shopify", "title": "Shopify", "mode": "cron_task", "prompt_template": "x", "auth_mode": "hmac",
   "hmac_secret": "shop-secret", "hmac_header": "X-Shopify-Hmac-Sha256", "hmac_encoding": "base64", "hmac_sig_prefix": ""},
  {"id": "legacy", "title": "SHA-1", "mode": "cron_task", "prompt_template": "x", "auth_mode": "hmac",
   "hmac_secret": "old-secret", "hmac_header": "X-Hub-Signature", "hmac_algorithm": "sha1", "hmac_sig_prefix": "sha1="},
  {"id": "broken-regex", "title": "Bad regex", "mode": "cron_task", "prompt_template": "x", "auth_mode": "hmac",
   "hmac_secret": "s", "hmac_header": "X-Sig", "hmac_sig_regex": "(["},
  {"id": "no-group", "title": "No group", "mode": "cron_task", "prompt_template": "x", "auth_mode": "hmac",
   "hmac_secret": "s", "hmac_header": "X-Sig", "hmac_sig_regex": "[a-f0-9]+"}
]}
)json";

const std::map<std::string, std::string> JSON_ONLY{{"Content-Type", "application/json"}};

std::map<std::string, std::string> bearer(const std::string& token)
{
	return {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}};
}

std::string errorOf(const HTTPReply& reply)
{
	return reply.json()->getValue<std::string>("error");
}

} // namespace

class IngressTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(IngressTest);
	CPPUNIT_TEST(testIndependentHmacMatchesKnownVector);
	CPPUNIT_TEST(testHealthAnswersGetAndHeadWithoutAuth);
	CPPUNIT_TEST(testAcceptedRequestGets202WithJobIdAndJsonContentType);
	CPPUNIT_TEST(testAcceptedJobIsVisibleWithTheToken);
	CPPUNIT_TEST(testContentTypeMustBeApplicationJson);
	CPPUNIT_TEST(testContentTypeCheckComesBeforeBodyChecks);
	CPPUNIT_TEST(testBodyOfExactlyTheLimitPassesAndOneMoreIs413);
	CPPUNIT_TEST(testChunkedBodyOverTheLimitIs413);
	CPPUNIT_TEST(testInvalidJsonIs400);
	CPPUNIT_TEST(testByteOrderMarkIsTolerated);
	CPPUNIT_TEST(testBodyMustBeAnObject);
	CPPUNIT_TEST(testUnknownHookIs404AfterBodyChecks);
	CPPUNIT_TEST(testDisabledHookIs403BeforeAuth);
	CPPUNIT_TEST(testBearerRules);
	CPPUNIT_TEST(testHookWithOwnTokenRejectsGlobalToken);
	CPPUNIT_TEST(testGitHubSignature);
	CPPUNIT_TEST(testStripeStyleSignature);
	CPPUNIT_TEST(testShopifyBase64Signature);
	CPPUNIT_TEST(testSha1Signature);
	CPPUNIT_TEST(testBadHookRegexIs401NotA500);
	CPPUNIT_TEST(testNonAsciiHeaderIs401);
	CPPUNIT_TEST(testUnknownRouteIs404AndWrongMethodIs405WithAllow);
	CPPUNIT_TEST(testPercentEncodedHookIdIsDecoded);
	CPPUNIT_TEST(testUnknownJobIs404WithTokenAnd401Without);
	CPPUNIT_TEST(testHmacHookJobIsReadWithTheGlobalToken);
	CPPUNIT_TEST(testOwnTokenHookJobIsReadWithItsTokenOnly);
	CPPUNIT_TEST(testMetricsCountResponsesForLoopbackClients);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_service.reset(new ServiceFixture);
		_service->writeHooks(HOOKS);
		_service->webhooks().set("max_body_bytes", 100);
		_service->webhooks().set("workers", 1);
		_service->start();
	}

	void tearDown() override { _service.reset(); }

	void testIndependentHmacMatchesKnownVector()
	{
		// RFC 4231-style sanity check of the test's own HMAC.
		CPPUNIT_ASSERT_EQUAL(std::string("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"),
			TestHmac::hex("sha256", "key", "The quick brown fox jumps over the lazy dog"));
	}

	void testHealthAnswersGetAndHeadWithoutAuth()
	{
		HTTPReply get = _service->request("GET", "/health");
		CPPUNIT_ASSERT_EQUAL(200, get.status);
		CPPUNIT_ASSERT_EQUAL(std::string("ok"), get.json()->getValue<std::string>("status"));
		HTTPReply head = _service->request("HEAD", "/health");
		CPPUNIT_ASSERT_EQUAL(200, head.status);
		CPPUNIT_ASSERT(head.body.empty());
	}

	void testAcceptedRequestGets202WithJobIdAndJsonContentType()
	{
		HTTPReply reply = _service->postHook("plain", R"({"event": "push"})");
		CPPUNIT_ASSERT_EQUAL(202, reply.status);
		CPPUNIT_ASSERT_EQUAL(std::string("application/json; charset=utf-8"), reply.headers.get("Content-Type"));
		Poco::JSON::Object::Ptr body = reply.json();
		CPPUNIT_ASSERT(body->getValue<bool>("accepted"));
		CPPUNIT_ASSERT_EQUAL(std::string("plain"), body->getValue<std::string>("hook_id"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(36), body->getValue<std::string>("job_id").size());
	}

	void testAcceptedJobIsVisibleWithTheToken()
	{
		HTTPReply reply = _service->postHook("plain", R"({"event": "push"})");
		std::string jobId = reply.json()->getValue<std::string>("job_id");
		HTTPReply job = _service->request("GET", "/jobs/" + jobId, "", {{"Authorization", "Bearer " + ServiceFixture::TOKEN}});
		CPPUNIT_ASSERT_EQUAL(200, job.status);
		CPPUNIT_ASSERT_EQUAL(jobId, job.json()->getValue<std::string>("job_id"));
		CPPUNIT_ASSERT_EQUAL(std::string("plain"), job.json()->getValue<std::string>("hook_id"));
		CPPUNIT_ASSERT(!job.json()->getValue<std::string>("status").empty());
		HTTPReply anonymous = _service->request("GET", "/jobs/" + jobId);
		CPPUNIT_ASSERT_EQUAL(401, anonymous.status);
	}

	void testContentTypeMustBeApplicationJson()
	{
		const std::string body = R"({"event": "push"})";
		HTTPReply missing = _service->request("POST", "/hooks/plain", body, {{"Authorization", "Bearer " + ServiceFixture::TOKEN}});
		CPPUNIT_ASSERT_EQUAL(415, missing.status);
		CPPUNIT_ASSERT_EQUAL(std::string("content_type_must_be_json"), errorOf(missing));
		for (const char* type: {"text/json", "application/vnd.github+json", "text/plain"})
		{
			auto headers = bearer(ServiceFixture::TOKEN);
			headers["Content-Type"] = type;
			CPPUNIT_ASSERT_EQUAL(415, _service->request("POST", "/hooks/plain", body, headers).status);
		}
		auto headers = bearer(ServiceFixture::TOKEN);
		headers["Content-Type"] = "Application/JSON; charset=utf-8";
		CPPUNIT_ASSERT_EQUAL(202, _service->request("POST", "/hooks/plain", body, headers).status);
	}

	void testContentTypeCheckComesBeforeBodyChecks()
	{
		// Too large, not JSON and for an unknown hook: the content type is judged first.
		HTTPReply reply = _service->request("POST", "/hooks/nope", std::string(500, 'x'), {{"Content-Type", "text/plain"}});
		CPPUNIT_ASSERT_EQUAL(415, reply.status);
	}

	void testBodyOfExactlyTheLimitPassesAndOneMoreIs413()
	{
		std::string exact = "{\"event\": \"" + std::string(100 - 13, 'a') + "\"}";
		CPPUNIT_ASSERT_EQUAL(std::size_t(100), exact.size());
		CPPUNIT_ASSERT_EQUAL(202, _service->postHook("plain", exact).status);
		std::string over = "{\"event\": \"" + std::string(100 - 12, 'a') + "\"}";
		HTTPReply reply = _service->postHook("plain", over);
		CPPUNIT_ASSERT_EQUAL(413, reply.status);
		CPPUNIT_ASSERT_EQUAL(std::string("body_too_large"), errorOf(reply));
	}

	void testChunkedBodyOverTheLimitIs413()
	{
		Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(_service->port())));
		std::string chunk(80, 'a');
		std::string request = "POST /hooks/plain HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
							  "Authorization: Bearer " +
			ServiceFixture::TOKEN +
			"\r\nTransfer-Encoding: chunked\r\n\r\n"
			"50\r\n" +
			chunk + "\r\n50\r\n" + chunk + "\r\n0\r\n\r\n";
		socket.sendBytes(request.data(), static_cast<int>(request.size()));
		char buffer[1024];
		int n = socket.receiveBytes(buffer, sizeof(buffer));
		std::string response(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
		CPPUNIT_ASSERT_MESSAGE(response, response.rfind("HTTP/1.1 413", 0) == 0);
		CPPUNIT_ASSERT(response.find("body_too_large") != std::string::npos);
	}

	void testInvalidJsonIs400()
	{
		for (const char* body: {"", "{", "{\"a\": }", "not json", "{\"a\": 1} trailing"})
		{
			HTTPReply reply = _service->postHook("plain", body);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(body, 400, reply.status);
			CPPUNIT_ASSERT_EQUAL(std::string("invalid_json"), errorOf(reply));
		}
	}

	void testByteOrderMarkIsTolerated()
	{
		CPPUNIT_ASSERT_EQUAL(202, _service->postHook("plain", "\xEF\xBB\xBF{\"event\": \"bom\"}").status);
	}

	void testBodyMustBeAnObject()
	{
		for (const char* body: {"[]", "1", "\"text\"", "null"})
		{
			HTTPReply reply = _service->postHook("plain", body);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(body, 400, reply.status);
			CPPUNIT_ASSERT_EQUAL(std::string("body_must_be_object"), errorOf(reply));
		}
	}

	void testUnknownHookIs404AfterBodyChecks()
	{
		HTTPReply reply = _service->postHook("nope", "{}");
		CPPUNIT_ASSERT_EQUAL(404, reply.status);
		CPPUNIT_ASSERT_EQUAL(std::string("hook_not_found"), errorOf(reply));
		// Case-sensitive ids.
		CPPUNIT_ASSERT_EQUAL(404, _service->postHook("Plain", "{}").status);
		// The body is judged before the hook.
		CPPUNIT_ASSERT_EQUAL(400, _service->postHook("nope", "[]").status);
	}

	void testDisabledHookIs403BeforeAuth()
	{
		HTTPReply reply = _service->postHook("off", "{}", "wrong-token");
		CPPUNIT_ASSERT_EQUAL(403, reply.status);
		CPPUNIT_ASSERT_EQUAL(std::string("hook_disabled"), errorOf(reply));
	}

	void testBearerRules()
	{
		HTTPReply none = _service->postHook("plain", "{}", "");
		CPPUNIT_ASSERT_EQUAL(401, none.status);
		CPPUNIT_ASSERT_EQUAL(std::string("unauthorized"), errorOf(none));
		CPPUNIT_ASSERT_EQUAL(401, _service->postHook("plain", "{}", "wrong").status);
		CPPUNIT_ASSERT_EQUAL(401,
			_service
				->request("POST", "/hooks/plain", "{}",
					{{"Content-Type", "application/json"}, {"Authorization", "bearer " + ServiceFixture::TOKEN}})
				.status);
		CPPUNIT_ASSERT_EQUAL(401,
			_service
				->request("POST", "/hooks/plain", "{}",
					{{"Content-Type", "application/json"}, {"Authorization", "Bearer  " + ServiceFixture::TOKEN}})
				.status);
		CPPUNIT_ASSERT_EQUAL(401, _service->postHook("plain", "{}", ServiceFixture::TOKEN + "x").status);
		CPPUNIT_ASSERT_EQUAL(202, _service->postHook("plain", "{}").status);
	}

	void testHookWithOwnTokenRejectsGlobalToken()
	{
		CPPUNIT_ASSERT_EQUAL(401, _service->postHook("own-token", "{}").status);
		CPPUNIT_ASSERT_EQUAL(202, _service->postHook("own-token", "{}", "hook-own-token-abc").status);
	}

	HTTPReply postSigned(const std::string& hook, const std::string& body, const std::string& header, const std::string& value)
	{
		return _service->request("POST", "/hooks/" + hook, body, {{"Content-Type", "application/json"}, {header, value}});
	}

	void testGitHubSignature()
	{
		const std::string body = R"({"action": "opened", "number": 7})";
		std::string signature = "sha256=" + TestHmac::hex("sha256", "gh-secret", body);
		CPPUNIT_ASSERT_EQUAL(202, postSigned("github", body, "X-Hub-Signature-256", signature).status);
		// The header name is case-insensitive.
		CPPUNIT_ASSERT_EQUAL(202, postSigned("github", body, "x-hub-signature-256", signature).status);
		// A signature of other bytes, an uppercase hex digest, a missing or empty header: 401.
		CPPUNIT_ASSERT_EQUAL(401, postSigned("github", body + " ", "X-Hub-Signature-256", signature).status);
		std::string upper = "sha256=" + Poco::toUpper(TestHmac::hex("sha256", "gh-secret", body));
		CPPUNIT_ASSERT_EQUAL(401, postSigned("github", body, "X-Hub-Signature-256", upper).status);
		CPPUNIT_ASSERT_EQUAL(401, postSigned("github", body, "X-Other", signature).status);
		CPPUNIT_ASSERT_EQUAL(401, postSigned("github", body, "X-Hub-Signature-256", "").status);
		// A bearer token does not open an hmac hook.
		CPPUNIT_ASSERT_EQUAL(401, _service->postHook("github", body).status);
	}

	void testStripeStyleSignature()
	{
		const std::string body = R"({"type": "invoice.paid"})";
		const std::string t = "1700000000";
		std::string v1 = TestHmac::hex("sha256", "whsk-stripe", t + "." + body);
		CPPUNIT_ASSERT_EQUAL(202, postSigned("stripe", body, "Stripe-Signature", "t=" + t + ",v1=" + v1).status);
		// Signed without the timestamp prefix: rejected.
		std::string plain = TestHmac::hex("sha256", "whsk-stripe", body);
		CPPUNIT_ASSERT_EQUAL(401, postSigned("stripe", body, "Stripe-Signature", "t=" + t + ",v1=" + plain).status);
		// No t= in the header: the payload prefix regex does not match, fail closed.
		CPPUNIT_ASSERT_EQUAL(401, postSigned("stripe", body, "Stripe-Signature", "v1=" + plain).status);
	}

	void testShopifyBase64Signature()
	{
		const std::string body = R"({"order": 1})";
		std::string signature = TestHmac::base64("sha256", "shop-secret", body);
		CPPUNIT_ASSERT_EQUAL(202, postSigned("shopify", body, "X-Shopify-Hmac-Sha256", signature).status);
		CPPUNIT_ASSERT_EQUAL(
			401, postSigned("shopify", body, "X-Shopify-Hmac-Sha256", TestHmac::hex("sha256", "shop-secret", body)).status);
	}

	void testSha1Signature()
	{
		const std::string body = R"({"legacy": true})";
		CPPUNIT_ASSERT_EQUAL(
			202, postSigned("legacy", body, "X-Hub-Signature", "sha1=" + TestHmac::hex("sha1", "old-secret", body)).status);
		CPPUNIT_ASSERT_EQUAL(
			401, postSigned("legacy", body, "X-Hub-Signature", "sha1=" + TestHmac::hex("sha256", "old-secret", body)).status);
	}

	void testBadHookRegexIs401NotA500()
	{
		CPPUNIT_ASSERT_EQUAL(401, postSigned("broken-regex", "{}", "X-Sig", "abc").status);
		CPPUNIT_ASSERT_EQUAL(401, postSigned("no-group", "{}", "X-Sig", TestHmac::hex("sha256", "s", "{}")).status);
	}

	void testNonAsciiHeaderIs401()
	{
		CPPUNIT_ASSERT_EQUAL(401, postSigned("github", "{}", "X-Hub-Signature-256", "sha256=\xC3\xA9\xC3\xA9").status);
		CPPUNIT_ASSERT_EQUAL(401,
			_service->request("POST", "/hooks/plain", "{}", {{"Content-Type", "application/json"}, {"Authorization", "Bearer \xC3\xA9"}})
				.status);
	}

	void testUnknownRouteIs404AndWrongMethodIs405WithAllow()
	{
		HTTPReply unknown = _service->request("GET", "/nope");
		CPPUNIT_ASSERT_EQUAL(404, unknown.status);
		CPPUNIT_ASSERT_EQUAL(std::string("not_found"), errorOf(unknown));
		CPPUNIT_ASSERT_EQUAL(404, _service->request("POST", "/hooks/plain/extra", "{}", bearer(ServiceFixture::TOKEN)).status);
		CPPUNIT_ASSERT_EQUAL(404, _service->request("POST", "/hooks/", "{}", bearer(ServiceFixture::TOKEN)).status);
		HTTPReply wrong = _service->request("GET", "/hooks/plain");
		CPPUNIT_ASSERT_EQUAL(405, wrong.status);
		CPPUNIT_ASSERT_EQUAL(std::string("method_not_allowed"), errorOf(wrong));
		CPPUNIT_ASSERT_EQUAL(std::string("POST"), wrong.headers.get("Allow"));
		HTTPReply postHealth = _service->request("POST", "/health", "{}", JSON_ONLY);
		CPPUNIT_ASSERT_EQUAL(405, postHealth.status);
		CPPUNIT_ASSERT_EQUAL(std::string("GET, HEAD"), postHealth.headers.get("Allow"));
	}

	void testPercentEncodedHookIdIsDecoded()
	{
		CPPUNIT_ASSERT_EQUAL(202, _service->postHook("pl%61in", "{}").status);
		// An encoded slash is part of the id, never a separator.
		CPPUNIT_ASSERT_EQUAL(404, _service->postHook("plain%2Fx", "{}").status);
		CPPUNIT_ASSERT_EQUAL(404, _service->postHook("%2E%2E", "{}").status);
	}

	void testUnknownJobIs404WithTokenAnd401Without()
	{
		HTTPReply withToken = _service->request("GET", "/jobs/no-such-job", "", {{"Authorization", "Bearer " + ServiceFixture::TOKEN}});
		CPPUNIT_ASSERT_EQUAL(404, withToken.status);
		CPPUNIT_ASSERT_EQUAL(401, _service->request("GET", "/jobs/no-such-job").status);
	}

	void testHmacHookJobIsReadWithTheGlobalToken()
	{
		const std::string body = R"({"action": "opened"})";
		HTTPReply accepted = postSigned("github", body, "X-Hub-Signature-256", "sha256=" + TestHmac::hex("sha256", "gh-secret", body));
		std::string jobId = accepted.json()->getValue<std::string>("job_id");
		CPPUNIT_ASSERT_EQUAL(
			200, _service->request("GET", "/jobs/" + jobId, "", {{"Authorization", "Bearer " + ServiceFixture::TOKEN}}).status);
		CPPUNIT_ASSERT_EQUAL(401, _service->request("GET", "/jobs/" + jobId).status);
		CPPUNIT_ASSERT_EQUAL(401, _service->request("GET", "/jobs/" + jobId, "", {{"Authorization", "Bearer gh-secret"}}).status);
	}

	void testOwnTokenHookJobIsReadWithItsTokenOnly()
	{
		HTTPReply accepted = _service->postHook("own-token", "{}", "hook-own-token-abc");
		std::string jobId = accepted.json()->getValue<std::string>("job_id");
		CPPUNIT_ASSERT_EQUAL(200, _service->request("GET", "/jobs/" + jobId, "", {{"Authorization", "Bearer hook-own-token-abc"}}).status);
		CPPUNIT_ASSERT_EQUAL(
			401, _service->request("GET", "/jobs/" + jobId, "", {{"Authorization", "Bearer " + ServiceFixture::TOKEN}}).status);
	}

	void testMetricsCountResponsesForLoopbackClients()
	{
		_service->postHook("plain", "{}");
		_service->postHook("nope", "{}");
		HTTPReply metrics = _service->request("GET", "/metrics");
		CPPUNIT_ASSERT_EQUAL(200, metrics.status);
		CPPUNIT_ASSERT(metrics.headers.get("Content-Type").find("text/plain") == 0);
		CPPUNIT_ASSERT_MESSAGE(
			metrics.body, metrics.body.find("sygen_webhook_http_responses_total{route=\"hooks\",status=\"202\"} 1") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(
			metrics.body, metrics.body.find("sygen_webhook_http_responses_total{route=\"hooks\",status=\"404\"} 1") != std::string::npos);
		CPPUNIT_ASSERT(metrics.body.find("sygen_webhook_queue_depth") != std::string::npos);
		CPPUNIT_ASSERT(metrics.body.find("sygen_webhook_workers{state=\"idle\"}") != std::string::npos);
		CPPUNIT_ASSERT(metrics.body.find("sygen_webhook_job_duration_seconds_bucket") != std::string::npos);
	}

private:
	std::unique_ptr<ServiceFixture> _service;
};

CPPUNIT_TEST_SUITE_REGISTRATION(IngressTest);
