//
// HookOperationsTest.cpp
//

#include "Sygen/Admin/HookOperations.h"
#include "Sygen/Auth/HMACAuthenticator.h"
#include "Sygen/Auth/RequestView.h"
#include "Sygen/Auth/StandardWebhooksAuthenticator.h"
#include "Sygen/Auth/WebhookSigner.h"
#include "Sygen/Foundation/JSONFields.h"
#include "Sygen/Hooks/HookStore.h"
#include "TestSupport.h"
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/JSON/Parser.h>
#include <cppunit/extensions/HelperMacros.h>

using Sygen::Hook;
using Sygen::HookOperations;
using Sygen::HookStore;
using Sygen::Test::readFile;
using Sygen::Test::TempDir;

namespace {

Poco::JSON::Object::Ptr object(const std::string& json)
{
	Poco::JSON::Parser parser;
	return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}

} // namespace

class HookOperationsTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(HookOperationsTest);
	CPPUNIT_TEST(testAddSanitisesTheNameAndGivesBearerHooksAToken);
	CPPUNIT_TEST(testAddWithGlobalTokenStoresNoToken);
	CPPUNIT_TEST(testCronTaskNeedsAFolderAndScaffoldsIt);
	CPPUNIT_TEST(testRefusedAddLeavesNoFolder);
	CPPUNIT_TEST(testPresetsFillFieldsButExplicitOptionsWin);
	CPPUNIT_TEST(testEveryPresetProducesAHookTheSignerAndAuthenticatorAgreeOn);
	CPPUNIT_TEST(testRefusedPresetsExplainWhy);
	CPPUNIT_TEST(testValidationRejectsBrokenHmacDefinitions);
	CPPUNIT_TEST(testReservedFieldsCannotBeSet);
	CPPUNIT_TEST(testListAndGetRedactSecrets);
	CPPUNIT_TEST(testUpdateToBearerGivesANewTokenAndPresetSwitchClearsOldFields);
	CPPUNIT_TEST(testRotateTokenPerAuthMode);
	CPPUNIT_TEST(testRemoveKeepsTheTaskFolder);
	CPPUNIT_TEST(testExecuteDispatchesByName);
	CPPUNIT_TEST(testExportWritesTheFileFormatWithSecretsAndTelemetry);
	CPPUNIT_TEST(testImportAddsAndReplacesAndKeepsTheRest);
	CPPUNIT_TEST(testImportRefusesAnInvalidDocumentWhole);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_dir.reset(new TempDir);
		_store.reset(new HookStore(_dir->file("webhooks.json")));
		_store->load();
		_ops.reset(new HookOperations(*_store, _dir->file("cron_tasks")));
	}

	void tearDown() override
	{
		_ops.reset();
		_store.reset();
		_dir.reset();
	}

	void testAddSanitisesTheNameAndGivesBearerHooksAToken()
	{
		Poco::JSON::Object::Ptr result = _ops->add("Deploy  Prod!", *object(R"({"mode": "wake", "prompt_template": "p"})"));
		Poco::JSON::Object::Ptr hook = result->getObject("hook");
		CPPUNIT_ASSERT_EQUAL(std::string("deploy-prod"), hook->getValue<std::string>("id"));
		CPPUNIT_ASSERT_EQUAL(std::string("Deploy  Prod!"), hook->getValue<std::string>("title"));
		std::string token = result->getValue<std::string>("token");
		CPPUNIT_ASSERT_EQUAL(std::size_t(43), token.size());
		CPPUNIT_ASSERT_EQUAL(std::string("set"), hook->getValue<std::string>("token"));
		CPPUNIT_ASSERT_EQUAL(token, _store->get("deploy-prod")->token);
	}

	void testAddWithGlobalTokenStoresNoToken()
	{
		Poco::JSON::Object::Ptr result = _ops->add("g", *object(R"({"mode": "wake", "prompt_template": "p"})"), "", true);
		CPPUNIT_ASSERT(!result->has("token"));
		CPPUNIT_ASSERT(_store->get("g")->token.empty());
	}

	void testCronTaskNeedsAFolderAndScaffoldsIt()
	{
		CPPUNIT_ASSERT_THROW(_ops->add("c", *object(R"({"mode": "cron_task", "prompt_template": "p"})")), Poco::InvalidArgumentException);
		Poco::JSON::Object::Ptr result = _ops->add("c", *object(R"({"mode": "cron_task", "prompt_template": "p", "task_folder": "work"})"));
		Poco::JSON::Object::Ptr folder = result->getObject("task_folder");
		CPPUNIT_ASSERT_EQUAL(_dir->file("cron_tasks/work"), folder->getValue<std::string>("path"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(5), folder->getArray("created")->size());
		CPPUNIT_ASSERT_EQUAL(std::string("# work Memory\n"), readFile(_dir->file("cron_tasks/work/work_MEMORY.md")));
		CPPUNIT_ASSERT(Poco::File(_dir->file("cron_tasks/work/scripts")).isDirectory());
		for (const char* bad: {"..", "../x", "/abs", "a/b", ".hidden", ""})
		{
			Poco::JSON::Object::Ptr fields = object(R"({"mode": "cron_task", "prompt_template": "p"})");
			fields->set("task_folder", std::string(bad));
			CPPUNIT_ASSERT_THROW_MESSAGE(
				bad, _ops->add(std::string("bad") + std::to_string(std::string(bad).size()), *fields), Poco::InvalidArgumentException);
		}
	}

	void testRefusedAddLeavesNoFolder()
	{
		_ops->add("dup", *object(R"({"mode": "wake", "prompt_template": "p"})"));
		CPPUNIT_ASSERT_THROW(
			_ops->add("dup", *object(R"({"mode": "cron_task", "prompt_template": "p", "task_folder": "dupdir"})")), Poco::ExistsException);
		CPPUNIT_ASSERT(!Poco::File(_dir->file("cron_tasks/dupdir")).exists());
	}

	void testPresetsFillFieldsButExplicitOptionsWin()
	{
		_ops->add("gh", *object(R"({"mode": "wake", "prompt_template": "p", "hmac_secret": "s", "dedupe_header": "X-Own"})"), "github");
		Hook gh = *_store->get("gh");
		CPPUNIT_ASSERT_EQUAL(std::string("hmac"), gh.authMode);
		CPPUNIT_ASSERT_EQUAL(std::string("X-Hub-Signature-256"), gh.hmacHeader);
		CPPUNIT_ASSERT_EQUAL(std::string("sha256="), gh.hmacSigPrefix);
		CPPUNIT_ASSERT_EQUAL(std::string("X-Own"), gh.dedupeHeader.value_or(""));
		CPPUNIT_ASSERT(gh.token.empty());

		_ops->add("st", *object(R"({"mode": "wake", "prompt_template": "p", "hmac_secret": "s"})"), "Stripe");
		Hook st = *_store->get("st");
		CPPUNIT_ASSERT_EQUAL(std::string("Stripe-Signature"), st.hmacHeader);
		CPPUNIT_ASSERT_EQUAL(std::string(""), st.hmacSigPrefix);
		CPPUNIT_ASSERT_EQUAL(std::string("v1=([a-f0-9]+)"), st.hmacSigRegex);
		CPPUNIT_ASSERT_EQUAL(std::string("t=(\\d+)"), st.hmacPayloadPrefixRegex);
		CPPUNIT_ASSERT_EQUAL(300LL, st.hmacToleranceSeconds.value_or(0));

		Poco::JSON::Object::Ptr result = _ops->add("sw", *object(R"({"mode": "wake", "prompt_template": "p"})"), "standard_webhooks");
		std::string secret = result->getValue<std::string>("hmac_secret");
		CPPUNIT_ASSERT_EQUAL(std::string("whsec_"), secret.substr(0, 6));
		CPPUNIT_ASSERT_EQUAL(std::size_t(32), Sygen::StandardWebhooksAuthenticator::decodeSecret(secret).size());
		CPPUNIT_ASSERT_EQUAL(std::string("webhook-id"), _store->get("sw")->dedupeHeader.value_or(""));
	}

	void testEveryPresetProducesAHookTheSignerAndAuthenticatorAgreeOn()
	{
		_ops->add("a", *object(R"({"mode": "wake", "prompt_template": "p", "hmac_secret": "s1"})"), "github");
		_ops->add("b", *object(R"({"mode": "wake", "prompt_template": "p", "hmac_secret": "s2"})"), "stripe");
		_ops->add("c", *object(R"({"mode": "wake", "prompt_template": "p", "hmac_secret": "s3"})"), "shopify");
		_ops->add("d", *object(R"({"mode": "wake", "prompt_template": "p"})"), "standard-webhooks");
		for (const char* id: {"a", "b", "c", "d"})
		{
			Hook hook = *_store->get(id);
			// sign() verifies with the matching authenticator and throws when none agrees.
			Poco::Net::NameValueCollection headers = Sygen::WebhookSigner::sign(hook, "{}", "", Poco::Timestamp());
			CPPUNIT_ASSERT_MESSAGE(id, !headers.empty());
		}
	}

	void testRefusedPresetsExplainWhy()
	{
		try
		{
			_ops->add("s", *object(R"({"mode": "wake", "prompt_template": "p", "hmac_secret": "x"})"), "slack");
			CPPUNIT_FAIL("slack accepted");
		}
		catch (Poco::NotImplementedException& e)
		{
			CPPUNIT_ASSERT(e.message().find("X-Slack-Request-Timestamp") != std::string::npos);
		}
		try
		{
			_ops->add("g", *object(R"({"mode": "wake", "prompt_template": "p"})"), "gitlab");
			CPPUNIT_FAIL("gitlab accepted");
		}
		catch (Poco::NotImplementedException& e)
		{
			CPPUNIT_ASSERT(e.message().find("X-Gitlab-Token") != std::string::npos);
		}
		CPPUNIT_ASSERT_THROW(
			_ops->add("u", *object(R"({"mode": "wake", "prompt_template": "p"})"), "bitbucket"), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT(_store->list().empty());
	}

	void testValidationRejectsBrokenHmacDefinitions()
	{
		const char* broken[] = {
			R"({"mode": "wake", "prompt_template": "p", "auth_mode": "hmac", "hmac_header": "X-Sig"})",
			R"({"mode": "wake", "prompt_template": "p", "auth_mode": "hmac", "hmac_secret": "s"})",
			R"({"mode": "wake", "prompt_template": "p", "auth_mode": "hmac", "hmac_secret": "s", "hmac_header": "X", "hmac_algorithm": "md5"})",
			R"({"mode": "wake", "prompt_template": "p", "auth_mode": "hmac", "hmac_secret": "s", "hmac_header": "X", "hmac_encoding": "b32"})",
			R"({"mode": "wake", "prompt_template": "p", "auth_mode": "hmac", "hmac_secret": "s", "hmac_header": "X", "hmac_sig_regex": "v1=[a-f0-9]+"})",
			R"({"mode": "wake", "prompt_template": "p", "auth_mode": "hmac", "hmac_secret": "s", "hmac_header": "X", "hmac_sig_regex": "(unclosed"})",
			R"({"mode": "wake", "prompt_template": "p", "auth_mode": "hmac", "hmac_secret": "s", "hmac_header": "X", "hmac_tolerance_seconds": 60})",
			R"({"mode": "wake", "prompt_template": "p", "auth_mode": "standard_webhooks", "hmac_secret": "whsec_***"})",
			R"({"mode": "wake", "prompt_template": "p", "auth_mode": "basic"})",
			R"({"mode": "wake", "prompt_template": "p", "quiet_start": 24})",
			R"({"mode": "wake", "prompt_template": "p", "provider": "gpt"})",
			R"({"mode": "nap", "prompt_template": "p"})",
			R"({"mode": "wake", "prompt_template": " "})",
			R"({"mode": "wake", "prompt_template": "p", "run_on": ["node-a", ""]})",
		};
		for (const char* fields: broken)
			CPPUNIT_ASSERT_THROW_MESSAGE(fields, _ops->add("x", *object(fields)), Poco::InvalidArgumentException);
		// A named group counts as a group; a lookahead does not.
		_ops->add("named",
			*object(
				R"J({"mode": "wake", "prompt_template": "p", "auth_mode": "hmac", "hmac_secret": "s", "hmac_header": "X", "hmac_sig_regex": "(?<sig>[a-f0-9]+)"})J"));
		CPPUNIT_ASSERT_THROW(
			_ops->add("look",
				*object(
					R"J({"mode": "wake", "prompt_template": "p", "auth_mode": "hmac", "hmac_secret": "s", "hmac_header": "X", "hmac_sig_regex": "(?=v1)\\(x\\)"})J")),
			Poco::InvalidArgumentException);
		_ops->add("pinned", *object(R"({"mode": "wake", "prompt_template": "p", "run_on": ["node-a"]})"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), _store->list().size());
	}

	void testReservedFieldsCannotBeSet()
	{
		for (const char* fields: {R"({"mode": "wake", "prompt_template": "p", "token": "mine"})",
				 R"({"mode": "wake", "prompt_template": "p", "trigger_count": 5})",
				 R"({"mode": "wake", "prompt_template": "p", "id": "other"})",
				 R"({"mode": "wake", "prompt_template": "p", "colour": "red"})"})
			CPPUNIT_ASSERT_THROW_MESSAGE(fields, _ops->add("x", *object(fields)), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT_THROW(
			_ops->add("x", *object(R"({"mode": "wake", "prompt_template": "p", "enabled": "yes"})")), Poco::DataFormatException);
	}

	void testListAndGetRedactSecrets()
	{
		std::string token = _ops->add("b", *object(R"({"mode": "wake", "prompt_template": "p"})"))->getValue<std::string>("token");
		_ops->add("h", *object(R"({"mode": "wake", "prompt_template": "p", "hmac_secret": "hidden-secret"})"), "github");
		std::string listed = Sygen::JSONFields::compact(Poco::Dynamic::Var(_ops->list()));
		CPPUNIT_ASSERT(listed.find(token) == std::string::npos);
		CPPUNIT_ASSERT(listed.find("hidden-secret") == std::string::npos);
		Poco::JSON::Object::Ptr h = _ops->get("h");
		CPPUNIT_ASSERT_EQUAL(std::string("unset"), h->getValue<std::string>("token"));
		CPPUNIT_ASSERT_EQUAL(std::string("set"), h->getValue<std::string>("hmac_secret"));
		CPPUNIT_ASSERT_THROW(_ops->get("missing"), Poco::NotFoundException);
	}

	void testUpdateToBearerGivesANewTokenAndPresetSwitchClearsOldFields()
	{
		_ops->add("x", *object(R"({"mode": "wake", "prompt_template": "p", "hmac_secret": "s"})"), "stripe");
		_ops->update("x", *object(R"({})"), "github");
		Hook gh = *_store->get("x");
		CPPUNIT_ASSERT_EQUAL(std::string(""), gh.hmacSigRegex);
		CPPUNIT_ASSERT_EQUAL(std::string(""), gh.hmacPayloadPrefixRegex);
		CPPUNIT_ASSERT(!gh.hmacToleranceSeconds);
		CPPUNIT_ASSERT_EQUAL(std::string("s"), gh.hmacSecret);

		Poco::JSON::Object::Ptr result = _ops->update("x", *object(R"({"auth_mode": "bearer"})"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(43), result->getValue<std::string>("token").size());
		result = _ops->update("x", *object(R"({"title": "T2"})"));
		CPPUNIT_ASSERT(!result->has("token"));
		_ops->update("x", *object(R"({})"), "", true);
		CPPUNIT_ASSERT(_store->get("x")->token.empty());
		CPPUNIT_ASSERT_THROW(_ops->update("x", *object(R"({})")), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT_THROW(_ops->update("x", *object(R"({"token": "t"})")), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT_THROW(_ops->update("nope", *object(R"({"title": "t"})")), Poco::NotFoundException);
	}

	void testRotateTokenPerAuthMode()
	{
		std::string first = _ops->add("b", *object(R"({"mode": "wake", "prompt_template": "p"})"))->getValue<std::string>("token");
		std::string second = _ops->rotateToken("b")->getValue<std::string>("token");
		CPPUNIT_ASSERT(first != second);
		CPPUNIT_ASSERT_EQUAL(second, _store->get("b")->token);

		std::string whsec = _ops->add("s", *object(R"({"mode": "wake", "prompt_template": "p"})"), "standard-webhooks")
								->getValue<std::string>("hmac_secret");
		std::string whsec2 = _ops->rotateToken("s")->getValue<std::string>("hmac_secret");
		CPPUNIT_ASSERT(whsec != whsec2);

		_ops->add("h", *object(R"({"mode": "wake", "prompt_template": "p", "hmac_secret": "x"})"), "shopify");
		CPPUNIT_ASSERT_THROW(_ops->rotateToken("h"), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT_THROW(_ops->rotateToken("none"), Poco::NotFoundException);
	}

	void testRemoveKeepsTheTaskFolder()
	{
		_ops->add("c", *object(R"({"mode": "cron_task", "prompt_template": "p", "task_folder": "keep"})"));
		Poco::JSON::Object::Ptr result = _ops->remove("c");
		CPPUNIT_ASSERT_EQUAL(_dir->file("cron_tasks/keep"), result->getValue<std::string>("task_folder"));
		CPPUNIT_ASSERT(Poco::File(_dir->file("cron_tasks/keep/keep_MEMORY.md")).exists());
		CPPUNIT_ASSERT(!_store->get("c"));
		CPPUNIT_ASSERT_THROW(_ops->remove("c"), Poco::NotFoundException);
	}

	void testExecuteDispatchesByName()
	{
		_ops->execute("hooks.add", *object(R"({"name": "E", "fields": {"mode": "wake", "prompt_template": "p"}})"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _ops->execute("hooks.list", Poco::JSON::Object()).extract<Poco::JSON::Array::Ptr>()->size());
		_ops->execute("hooks.update", *object(R"({"id": "e", "fields": {"title": "T"}})"));
		CPPUNIT_ASSERT_EQUAL(std::string("T"), _store->get("e")->title);
		CPPUNIT_ASSERT_THROW(_ops->execute("hooks.add", *object(R"({"fields": {}})")), Poco::DataFormatException);
		CPPUNIT_ASSERT_THROW(_ops->execute("hooks.fly", Poco::JSON::Object()), Poco::NotFoundException);
		CPPUNIT_ASSERT_EQUAL(std::size_t(8), HookOperations::commands().size());
	}

	void testExportWritesTheFileFormatWithSecretsAndTelemetry()
	{
		std::string token = _ops->add("a", *object(R"({"mode": "wake", "prompt_template": "p"})"))->getValue<std::string>("token");
		_store->recordTrigger("a", "error:timeout", Poco::Timestamp());
		_store->flushTelemetry();
		Poco::JSON::Object::Ptr result = _ops->execute("hooks.export", Poco::JSON::Object()).extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT_EQUAL(_dir->file("webhooks.json"), result->getValue<std::string>("location"));
		CPPUNIT_ASSERT_EQUAL(1, result->getValue<int>("hooks"));
		const std::string document = result->getValue<std::string>("document");
		// Byte for byte what the file holds: the reference's format.
		CPPUNIT_ASSERT_EQUAL(readFile(_dir->file("webhooks.json")), document);
		std::vector<Hook> hooks = Sygen::HookRepository::parseDocument(document);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), hooks.size());
		CPPUNIT_ASSERT_EQUAL(token, hooks[0].token);
		CPPUNIT_ASSERT_EQUAL(1LL, hooks[0].triggerCount);
		CPPUNIT_ASSERT_EQUAL(std::string("error:timeout"), *hooks[0].lastError);
	}

	void testImportAddsAndReplacesAndKeepsTheRest()
	{
		_ops->add("keep", *object(R"({"mode": "wake", "prompt_template": "k"})"));
		_ops->add("swap", *object(R"({"mode": "wake", "prompt_template": "old"})"));
		Poco::JSON::Object request;
		request.set("document", std::string(R"({"hooks": [
			{"id": "swap", "title": "Swapped", "mode": "wake", "prompt_template": "new", "token": "t-swap", "trigger_count": 7},
			{"id": "fresh", "title": "Fresh", "mode": "cron_task", "prompt_template": "f", "task_folder": "fresh"}]})"));
		Poco::JSON::Object::Ptr result = _ops->execute("hooks.import", request).extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT_EQUAL(1, result->getValue<int>("added"));
		CPPUNIT_ASSERT_EQUAL(1, result->getValue<int>("replaced"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), result->getArray("ids")->size());
		CPPUNIT_ASSERT_EQUAL(std::string("k"), _store->get("keep")->promptTemplate);
		CPPUNIT_ASSERT_EQUAL(std::string("new"), _store->get("swap")->promptTemplate);
		CPPUNIT_ASSERT_EQUAL(std::string("t-swap"), _store->get("swap")->token);
		CPPUNIT_ASSERT_EQUAL(7LL, _store->get("swap")->triggerCount);
		CPPUNIT_ASSERT(_store->get("fresh"));
		// Written to the file, in order: the known ones where they were, the new one last.
		HookStore reread(_dir->file("webhooks.json"));
		reread.load();
		std::vector<Hook> hooks = reread.list();
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), hooks.size());
		CPPUNIT_ASSERT_EQUAL(std::string("keep"), hooks[0].id);
		CPPUNIT_ASSERT_EQUAL(std::string("swap"), hooks[1].id);
		CPPUNIT_ASSERT_EQUAL(std::string("fresh"), hooks[2].id);
		// Not scaffolded: an import carries definitions only.
		CPPUNIT_ASSERT(!Poco::File(_dir->file("cron_tasks/fresh")).exists());
	}

	void testImportRefusesAnInvalidDocumentWhole()
	{
		_ops->add("keep", *object(R"({"mode": "wake", "prompt_template": "k"})"));
		const std::string before = readFile(_dir->file("webhooks.json"));
		const std::vector<std::pair<std::string, std::string>> cases = {
			{"not json", "not valid JSON"},
			{R"([1, 2])", "\"hooks\" array"},
			{R"({"hooks": [{"id": "ok", "title": "T", "mode": "wake", "prompt_template": "p"}, {"id": "bad", "mode": "wake"}]})",
				"hook entry 1: title"},
			{R"({"hooks": [7]})", "hook entry 0: expected an object"},
			{R"({"hooks": [{"id": "d", "title": "T", "mode": "wake", "prompt_template": "p"}, {"id": "d", "title": "T", "mode": "wake", "prompt_template": "p"}]})",
				"duplicate 'd'"},
		};
		for (const auto& c: cases)
		{
			Poco::JSON::Object request;
			request.set("document", c.first);
			try
			{
				_ops->execute("hooks.import", request);
				CPPUNIT_FAIL("accepted: " + c.first);
			}
			catch (Poco::DataFormatException& e)
			{
				CPPUNIT_ASSERT_MESSAGE(e.message(), e.message().find(c.second) != std::string::npos);
			}
		}
		CPPUNIT_ASSERT_EQUAL(before, readFile(_dir->file("webhooks.json")));
		CPPUNIT_ASSERT(!_store->get("ok"));
	}

private:
	std::unique_ptr<TempDir> _dir;
	std::unique_ptr<HookStore> _store;
	std::unique_ptr<HookOperations> _ops;
};

CPPUNIT_TEST_SUITE_REGISTRATION(HookOperationsTest);
