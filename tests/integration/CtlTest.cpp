//
// CtlTest.cpp
//
// sygen-webhookctl against a running sygen-webhookd (admin socket) and on its
// own (no supervisor: the files directly): hooks, presets, tokens, reload, jobs,
// workers, help and exit codes.
//

#include "ServiceFixture.h"
#include "Sygen/Foundation/JSONFields.h"
#include "TestSupport.h"
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <cppunit/extensions/HelperMacros.h>
#include <iostream>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

using Sygen::JSONFields;
using Sygen::Test::HTTPReply;
using Sygen::Test::readFile;
using Sygen::Test::ServiceFixture;
using Sygen::Test::TempDir;
using Sygen::Test::writeFile;

namespace {

const int EXIT_OK = 0;
const int EXIT_FAILED = 1;
const int EXIT_USAGE = 2;
const int EXIT_UNAVAILABLE = 69;

std::string lineAfter(const std::string& output, const std::string& marker)
/// The line following the line that contains marker ("" when absent).
{
	std::string::size_type at = output.find(marker);
	if (at == std::string::npos) return "";
	std::string::size_type start = output.find('\n', at);
	if (start == std::string::npos) return "";
	++start;
	std::string::size_type end = output.find('\n', start);
	return output.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

uid_t ownerOf(const std::string& path)
{
	struct stat st;
	if (::stat(path.c_str(), &st) != 0) throw Poco::FileNotFoundException(path);
	return st.st_uid;
}

bool contains(const std::string& text, const std::string& part)
{
	return text.find(part) != std::string::npos;
}

Poco::Dynamic::Var parseJSON(const std::string& text)
{
	Poco::JSON::Parser parser;
	return parser.parse(text);
}

} // namespace

class CtlTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(CtlTest);
	CPPUNIT_TEST(testHelpForEveryCommandAndUsageErrors);
	CPPUNIT_TEST(testOfflineAddCronTaskScaffoldsTheTaskFolderAndRemoveKeepsIt);
	CPPUNIT_TEST(testOfflineAddKeepsExistingTaskFiles);
	CPPUNIT_TEST(testOfflineListNeverShowsSecrets);
	CPPUNIT_TEST(testDuplicateAndInvalidAddsFail);
	CPPUNIT_TEST(testSlackAndGitlabPresetsAreRefusedWithAReason);
	CPPUNIT_TEST(testCommandsThatNeedTheSupervisorExit69WithoutIt);
	CPPUNIT_TEST(testOnlineAddIsLiveAtOnceWithItsOwnToken);
	CPPUNIT_TEST(testEveryPresetIsAcceptedWithASignedTestRequest);
	CPPUNIT_TEST(testEditChangesOnlyTheNamedFields);
	CPPUNIT_TEST(testRotateHookTokenPrintsItOnceAndTheOldOneStopsWorking);
	CPPUNIT_TEST(testRotateGlobalTokenSwapsItInTheRunningService);
	CPPUNIT_TEST(testOfflineGlobalTokenRotationIsUsedAtTheNextStart);
	CPPUNIT_TEST(testTokenShowNeverPrintsTheToken);
	CPPUNIT_TEST(testReloadJobsAndWorkers);
	CPPUNIT_TEST(testSystemInstanceWritesWhileStoppedKeepTheHomeOwnersFiles);
	CPPUNIT_TEST(testExportImportAndDbStatusOnASingleNode);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override { _service.reset(new ServiceFixture); }

	void tearDown() override { _service.reset(); }

	int ctl(const std::vector<std::string>& args, std::string& output) { return _service->ctl(args, output); }

	void expectExit(int expected, const std::vector<std::string>& args, std::string& output)
	{
		int code = ctl(args, output);
		std::string line;
		for (const std::string& a: args) line += a + " ";
		CPPUNIT_ASSERT_EQUAL_MESSAGE(line + "\n" + output, expected, code);
	}

	std::string cronTasks() const { return _service->home() + "/workspace/cron_tasks"; }

	void testHelpForEveryCommandAndUsageErrors()
	{
		std::string output;
		expectExit(EXIT_OK, {"--help"}, output);
		const std::vector<std::vector<std::string>> commands = {{"hooks", "list"}, {"hooks", "show"}, {"hooks", "add"}, {"hooks", "edit"},
			{"hooks", "remove"}, {"hooks", "rotate-token"}, {"hooks", "test"}, {"token", "show"}, {"token", "rotate"}, {"reload"},
			{"jobs", "list"}, {"jobs", "show"}, {"workers", "list"}, {"workers", "restart"}, {"workers", "stop"}, {"workers", "start"},
			{"hooks", "export"}, {"hooks", "import"}, {"db", "status"}};
		for (std::vector<std::string> command: commands)
		{
			std::string name = command[0] + (command.size() > 1 ? " " + command[1] : "");
			CPPUNIT_ASSERT_MESSAGE(name + " missing from --help", contains(output, "  " + name));
		}
		for (std::vector<std::string> command: commands)
		{
			command.push_back("--help");
			std::string help;
			expectExit(EXIT_OK, command, help);
			CPPUNIT_ASSERT_MESSAGE(help, contains(help, "Usage: sygen-webhookctl"));
		}
		expectExit(EXIT_OK, {"hooks", "add", "--help"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "--preset NAME") && contains(output, "--task-folder"));
		expectExit(EXIT_OK, {"hooks", "--help"}, output);

		expectExit(EXIT_USAGE, {}, output);
		expectExit(EXIT_USAGE, {"bogus"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "unknown command 'bogus'"));
		expectExit(EXIT_USAGE, {"hooks", "bogus"}, output);
		expectExit(EXIT_USAGE, {"hooks", "add"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "NAME is required"));
		expectExit(EXIT_USAGE, {"hooks", "add", "x", "--mode"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "--mode needs a value"));
		expectExit(EXIT_USAGE, {"hooks", "add", "x", "--colour", "red"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "unknown option '--colour'"));
		expectExit(EXIT_USAGE, {"hooks", "edit", "x"}, output);
		expectExit(EXIT_USAGE, {"hooks", "remove"}, output);
		expectExit(EXIT_USAGE, {"hooks", "test"}, output);
		expectExit(EXIT_USAGE, {"hooks", "add", "x", "--quiet", "7"}, output);
		expectExit(EXIT_USAGE, {"reload", "now"}, output);
		expectExit(EXIT_USAGE, {"token", "show", "extra"}, output);
		expectExit(EXIT_USAGE, {"hooks", "import"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "FILE is required"));
		expectExit(EXIT_USAGE, {"hooks", "export", "--output"}, output);
		expectExit(EXIT_USAGE, {"db", "status", "--all"}, output);
	}

	void testExportImportAndDbStatusOnASingleNode()
	{
		_service->writeConfig();
		std::string output;
		expectExit(EXIT_OK, {"hooks", "add", "first", "--mode", "wake", "--prompt", "p"}, output);
		const std::string token = lineAfter(output, "token (shown once");

		// Standard output: the document itself, the same as webhooks.json.
		expectExit(EXIT_OK, {"hooks", "export"}, output);
		CPPUNIT_ASSERT_EQUAL(readFile(_service->home() + "/webhooks.json"), output);
		CPPUNIT_ASSERT(contains(output, token));
		const std::string file = _service->home() + "/exported.json";
		expectExit(EXIT_OK, {"hooks", "export", "-o", file}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "exported 1 hooks from"));
		struct stat st;
		CPPUNIT_ASSERT_EQUAL(0, ::stat(file.c_str(), &st));
		CPPUNIT_ASSERT_EQUAL(0600, static_cast<int>(st.st_mode & 0777));

		std::string document = readFile(file);
		document.insert(document.find("[") + 1, R"({"id": "second", "title": "Second", "mode": "wake", "prompt_template": "q"},)");
		writeFile(file, document);
		expectExit(EXIT_OK, {"hooks", "import", file}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "imported 2 hooks into") && contains(output, "1 added, 1 replaced"));
		CPPUNIT_ASSERT(_service->hookOnDisk("second"));
		CPPUNIT_ASSERT_EQUAL(token, _service->hookOnDisk("first")->getValue<std::string>("token"));

		expectExit(EXIT_FAILED, {"hooks", "import", _service->home() + "/missing.json"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "cannot read"));
		writeFile(file, "{\"hooks\": 3}");
		expectExit(EXIT_FAILED, {"hooks", "import", file}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "\"hooks\" array"));

		// A single node has no database: said clearly, without asking the service.
		expectExit(EXIT_FAILED, {"db", "status"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "file spool") && contains(output, "no database"));
	}

	void testOfflineAddCronTaskScaffoldsTheTaskFolderAndRemoveKeepsIt()
	{
		_service->writeConfig();
		std::string output;
		expectExit(EXIT_OK,
			{"hooks", "add", "Nightly Report!", "--mode", "cron_task", "--prompt", "Report {{day}}", "--task-folder", "nightly",
				"--description", "Summarise the day"},
			output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "added hook 'nightly-report'"));
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "not running"));

		const std::string folder = cronTasks() + "/nightly";
		for (const char* name: {"CLAUDE.md", "AGENTS.md", "TASK_DESCRIPTION.md", "nightly_MEMORY.md"})
			CPPUNIT_ASSERT_MESSAGE(name, Poco::File(folder + "/" + name).isFile());
		CPPUNIT_ASSERT(Poco::File(folder + "/scripts").isDirectory());
		CPPUNIT_ASSERT_EQUAL(std::string("# nightly Memory\n"), readFile(folder + "/nightly_MEMORY.md"));
		CPPUNIT_ASSERT(contains(readFile(folder + "/TASK_DESCRIPTION.md"), "Summarise the day"));
		CPPUNIT_ASSERT_EQUAL(readFile(folder + "/CLAUDE.md"), readFile(folder + "/AGENTS.md"));

		// A bearer hook gets a fresh 43-character token of its own, shown once.
		std::string token = lineAfter(output, "token (shown once");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, std::size_t(43), token.size());
		Poco::JSON::Object::Ptr hook = _service->hookOnDisk("nightly-report");
		CPPUNIT_ASSERT(hook);
		CPPUNIT_ASSERT_EQUAL(token, hook->getValue<std::string>("token"));
		CPPUNIT_ASSERT_EQUAL(std::string("Nightly Report!"), hook->getValue<std::string>("title"));
		CPPUNIT_ASSERT_EQUAL(std::string("nightly"), hook->getValue<std::string>("task_folder"));

		expectExit(EXIT_OK, {"hooks", "remove", "nightly-report"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "task folder kept: " + folder));
		CPPUNIT_ASSERT(!_service->hookOnDisk("nightly-report"));
		CPPUNIT_ASSERT(Poco::File(folder + "/nightly_MEMORY.md").isFile());
		expectExit(EXIT_FAILED, {"hooks", "remove", "nightly-report"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "not found"));
	}

	void testOfflineAddKeepsExistingTaskFiles()
	{
		_service->writeConfig();
		writeFile(cronTasks() + "/kept/TASK_DESCRIPTION.md", "my own description\n");
		std::string output;
		expectExit(EXIT_OK, {"hooks", "add", "kept", "--mode", "cron_task", "--prompt", "x", "--task-folder", "kept"}, output);
		CPPUNIT_ASSERT_EQUAL(std::string("my own description\n"), readFile(cronTasks() + "/kept/TASK_DESCRIPTION.md"));
		CPPUNIT_ASSERT_EQUAL(std::string("# kept Memory\n"), readFile(cronTasks() + "/kept/kept_MEMORY.md"));
		CPPUNIT_ASSERT_MESSAGE(output, !contains(output, "TASK_DESCRIPTION.md"));
	}

	void testOfflineListNeverShowsSecrets()
	{
		_service->writeConfig();
		std::string output;
		expectExit(EXIT_OK, {"hooks", "add", "plain", "--mode", "wake", "--prompt", "x"}, output);
		std::string token = lineAfter(output, "token (shown once");
		CPPUNIT_ASSERT_EQUAL(std::size_t(43), token.size());
		expectExit(EXIT_OK,
			{"hooks", "add", "gh", "--mode", "wake", "--prompt", "x", "--preset", "github", "--hmac-secret", "very-secret-github-value"},
			output);
		CPPUNIT_ASSERT_MESSAGE(output, !contains(output, "very-secret-github-value"));

		expectExit(EXIT_OK, {"hooks", "list"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "plain") && contains(output, "gh"));
		CPPUNIT_ASSERT_MESSAGE(output, !contains(output, token) && !contains(output, "very-secret-github-value"));
		expectExit(EXIT_OK, {"hooks", "list", "--json"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, !contains(output, token) && !contains(output, "very-secret-github-value"));
		Poco::JSON::Array::Ptr hooks = parseJSON(output).extract<Poco::JSON::Array::Ptr>();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), hooks->size());
		CPPUNIT_ASSERT_EQUAL(std::string("set"), hooks->getObject(0)->getValue<std::string>("token"));
		CPPUNIT_ASSERT_EQUAL(std::string("unset"), hooks->getObject(0)->getValue<std::string>("hmac_secret"));
		CPPUNIT_ASSERT_EQUAL(std::string("set"), hooks->getObject(1)->getValue<std::string>("hmac_secret"));
		expectExit(EXIT_OK, {"hooks", "show", "gh"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "X-Hub-Signature-256") && !contains(output, "very-secret-github-value"));
	}

	void testDuplicateAndInvalidAddsFail()
	{
		_service->writeConfig();
		std::string output;
		expectExit(EXIT_OK, {"hooks", "add", "Twice", "--mode", "wake", "--prompt", "x"}, output);
		expectExit(EXIT_FAILED, {"hooks", "add", "twice", "--mode", "wake", "--prompt", "x"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "Hook 'twice' already exists"));

		expectExit(EXIT_FAILED, {"hooks", "add", "no-folder", "--mode", "cron_task", "--prompt", "x"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "needs a task folder"));
		expectExit(EXIT_FAILED, {"hooks", "add", "escape", "--mode", "cron_task", "--prompt", "x", "--task-folder", "../etc"}, output);
		CPPUNIT_ASSERT(!Poco::File(_service->home() + "/workspace/etc").exists());
		expectExit(EXIT_FAILED, {"hooks", "add", "h", "--mode", "wake", "--prompt", "x", "--auth", "hmac"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "needs a secret"));
		expectExit(EXIT_FAILED, {"hooks", "add", "h", "--mode", "wake", "--prompt", "x", "--auth", "hmac", "--hmac-secret", "s"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "signature header"));
		expectExit(EXIT_FAILED, {"hooks", "add", "h", "--mode", "teleport", "--prompt", "x"}, output);
		expectExit(EXIT_FAILED, {"hooks", "add", "!!!", "--mode", "wake", "--prompt", "x"}, output);
		expectExit(EXIT_FAILED, {"hooks", "add", "h", "--mode", "wake", "--prompt", "x", "--preset", "nope"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "unknown preset"));

		expectExit(EXIT_OK, {"hooks", "list", "--json"}, output);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), parseJSON(output).extract<Poco::JSON::Array::Ptr>()->size());
	}

	void testSlackAndGitlabPresetsAreRefusedWithAReason()
	{
		_service->writeConfig();
		std::string output;
		expectExit(
			EXIT_FAILED, {"hooks", "add", "slack", "--mode", "wake", "--prompt", "x", "--preset", "slack", "--hmac-secret", "s"}, output);
		CPPUNIT_ASSERT_MESSAGE(
			output, contains(output, "preset 'slack' cannot be expressed yet") && contains(output, "X-Slack-Request-Timestamp"));
		expectExit(EXIT_FAILED, {"hooks", "add", "gitlab", "--mode", "wake", "--prompt", "x", "--preset", "gitlab"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "preset 'gitlab' cannot be expressed yet") && contains(output, "X-Gitlab-Token"));
		CPPUNIT_ASSERT(!_service->hookOnDisk("slack"));
		CPPUNIT_ASSERT(!_service->hookOnDisk("gitlab"));

		// The same through the running service.
		_service->start();
		expectExit(EXIT_FAILED, {"hooks", "add", "slack", "--mode", "wake", "--prompt", "x", "--preset", "slack"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "preset 'slack' cannot be expressed yet"));
	}

	void testCommandsThatNeedTheSupervisorExit69WithoutIt()
	{
		_service->writeConfig();
		std::string output;
		expectExit(EXIT_UNAVAILABLE, {"reload"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "not running"));
		expectExit(EXIT_UNAVAILABLE, {"jobs", "list"}, output);
		expectExit(EXIT_UNAVAILABLE, {"jobs", "show", "x"}, output);
		expectExit(EXIT_UNAVAILABLE, {"workers", "list"}, output);
		expectExit(EXIT_UNAVAILABLE, {"workers", "restart", "1"}, output);
		expectExit(EXIT_UNAVAILABLE, {"hooks", "test", "x"}, output);
		// Hooks and token work on the files.
		expectExit(EXIT_OK, {"hooks", "list"}, output);
		expectExit(EXIT_OK, {"token", "show"}, output);
	}

	void testOnlineAddIsLiveAtOnceWithItsOwnToken()
	{
		_service->start();
		std::string output;
		expectExit(
			EXIT_OK, {"hooks", "add", "Build Done", "--mode", "cron_task", "--prompt", "Build {{n}}", "--task-folder", "builds"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, !contains(output, "not running"));
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "url: http://127.0.0.1:" + std::to_string(_service->port()) + "/hooks/build-done"));
		CPPUNIT_ASSERT_EQUAL(std::string("# builds Memory\n"), readFile(cronTasks() + "/builds/builds_MEMORY.md"));
		std::string token = lineAfter(output, "token (shown once");
		CPPUNIT_ASSERT_EQUAL(std::size_t(43), token.size());
		// No waiting for the 5 s poll: the service's own store changed.
		CPPUNIT_ASSERT_EQUAL(202, _service->postHook("build-done", "{\"n\": 1}", token).status);
		// A hook with its own token refuses the global one.
		CPPUNIT_ASSERT_EQUAL(401, _service->postHook("build-done", "{\"n\": 1}").status);
		CPPUNIT_ASSERT_MESSAGE(_service->log(), !contains(_service->log(), token));

		expectExit(EXIT_OK, {"hooks", "add", "uses-global", "--mode", "wake", "--prompt", "x", "--global-token", "--json"}, output);
		Poco::JSON::Object::Ptr result = parseJSON(output).extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT(!result->has("token"));
		CPPUNIT_ASSERT_EQUAL(std::string("unset"), result->getObject("hook")->getValue<std::string>("token"));
		CPPUNIT_ASSERT_EQUAL(202, _service->postHook("uses-global", "{}").status);
		expectExit(EXIT_OK, {"hooks", "test", "uses-global"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "HTTP 202") && contains(output, "job_id: "));

		expectExit(EXIT_OK, {"hooks", "remove", "build-done"}, output);
		CPPUNIT_ASSERT_EQUAL(404, _service->postHook("build-done", "{}", token).status);
		CPPUNIT_ASSERT(Poco::File(cronTasks() + "/builds/builds_MEMORY.md").isFile());
	}

	void testEveryPresetIsAcceptedWithASignedTestRequest()
	{
		_service->start();
		std::string output;
		const std::vector<std::string> secrets = {"github-secret-123456", "whsec_stripestyle_secret_0001", "shopify-secret-7890"};
		expectExit(
			EXIT_OK, {"hooks", "add", "gh", "--mode", "wake", "--prompt", "x", "--preset", "github", "--hmac-secret", secrets[0]}, output);
		expectExit(EXIT_OK,
			{"hooks", "add", "stripe", "--mode", "wake", "--prompt", "x", "--preset", "stripe", "--hmac-secret", secrets[1]}, output);
		expectExit(EXIT_OK, {"hooks", "add", "shop", "--mode", "wake", "--prompt", "x", "--preset", "shopify", "--hmac-secret", secrets[2]},
			output);
		expectExit(EXIT_OK, {"hooks", "add", "std", "--mode", "wake", "--prompt", "x", "--preset", "standard-webhooks"}, output);
		std::string whsec = lineAfter(output, "signing secret (shown once");
		CPPUNIT_ASSERT_MESSAGE(output, whsec.compare(0, 6, "whsec_") == 0 && whsec.size() > 40);

		Poco::JSON::Object::Ptr gh = _service->hookOnDisk("gh");
		CPPUNIT_ASSERT_EQUAL(std::string("X-Hub-Signature-256"), gh->getValue<std::string>("hmac_header"));
		CPPUNIT_ASSERT_EQUAL(std::string("sha256="), gh->getValue<std::string>("hmac_sig_prefix"));
		CPPUNIT_ASSERT_EQUAL(std::string("X-GitHub-Delivery"), gh->getValue<std::string>("dedupe_header"));
		Poco::JSON::Object::Ptr stripe = _service->hookOnDisk("stripe");
		CPPUNIT_ASSERT_EQUAL(std::string("v1=([a-f0-9]+)"), stripe->getValue<std::string>("hmac_sig_regex"));
		CPPUNIT_ASSERT_EQUAL(std::string("t=(\\d+)"), stripe->getValue<std::string>("hmac_payload_prefix_regex"));
		CPPUNIT_ASSERT_EQUAL(300, stripe->getValue<int>("hmac_tolerance_seconds"));
		CPPUNIT_ASSERT_EQUAL(std::string(""), stripe->getValue<std::string>("hmac_sig_prefix"));
		Poco::JSON::Object::Ptr shop = _service->hookOnDisk("shop");
		CPPUNIT_ASSERT_EQUAL(std::string("base64"), shop->getValue<std::string>("hmac_encoding"));
		CPPUNIT_ASSERT_EQUAL(std::string("X-Shopify-Hmac-Sha256"), shop->getValue<std::string>("hmac_header"));
		Poco::JSON::Object::Ptr sw = _service->hookOnDisk("std");
		CPPUNIT_ASSERT_EQUAL(std::string("standard_webhooks"), sw->getValue<std::string>("auth_mode"));
		CPPUNIT_ASSERT_EQUAL(whsec, sw->getValue<std::string>("hmac_secret"));

		for (const char* id: {"gh", "stripe", "shop", "std"})
		{
			// Twice: a fresh delivery id each time, so replay protection lets both in.
			for (int i = 0; i < 2; ++i)
			{
				expectExit(EXIT_OK, {"hooks", "test", id, "--payload", "{\"n\": 1}"}, output);
				CPPUNIT_ASSERT_MESSAGE(output, contains(output, "HTTP 202") && contains(output, "job_id: "));
			}
		}
		expectExit(EXIT_OK, {"hooks", "test", "gh", "--json"}, output);
		Poco::JSON::Object::Ptr test = parseJSON(output).extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT_EQUAL(202, test->getValue<int>("status"));
		CPPUNIT_ASSERT(!test->isNull("job_id"));

		expectExit(EXIT_OK, {"hooks", "list"}, output);
		std::string json;
		expectExit(EXIT_OK, {"hooks", "list", "--json"}, json);
		for (const std::string& secret: {secrets[0], secrets[1], secrets[2], whsec})
		{
			CPPUNIT_ASSERT_MESSAGE(output, !contains(output, secret));
			CPPUNIT_ASSERT_MESSAGE(json, !contains(json, secret));
			CPPUNIT_ASSERT_MESSAGE("secret in the service log", !contains(_service->log(), secret));
		}
		expectExit(EXIT_FAILED, {"hooks", "test", "missing"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "not found"));
	}

	void testEditChangesOnlyTheNamedFields()
	{
		_service->start();
		std::string output;
		expectExit(EXIT_OK, {"hooks", "add", "editable", "--mode", "wake", "--prompt", "Keep {{me}}", "--global-token"}, output);
		expectExit(EXIT_OK,
			{"hooks", "edit", "editable", "--title", "New title", "--disable", "--quiet", "22-7", "--cli-param", "--verbose"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "changed hook 'editable'") && contains(output, "disabled"));
		Poco::JSON::Object::Ptr hook = _service->hookOnDisk("editable");
		CPPUNIT_ASSERT_EQUAL(std::string("New title"), hook->getValue<std::string>("title"));
		CPPUNIT_ASSERT_EQUAL(std::string("Keep {{me}}"), hook->getValue<std::string>("prompt_template"));
		CPPUNIT_ASSERT(!hook->getValue<bool>("enabled"));
		CPPUNIT_ASSERT_EQUAL(22, hook->getValue<int>("quiet_start"));
		CPPUNIT_ASSERT_EQUAL(7, hook->getValue<int>("quiet_end"));
		CPPUNIT_ASSERT_EQUAL(std::string("[\"--verbose\"]"), JSONFields::compact(hook->get("cli_parameters")));
		expectExit(EXIT_FAILED, {"hooks", "test", "editable"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "HTTP 403"));

		// Switching to cron_task scaffolds the new folder; switching to bearer-with-own-token prints it.
		expectExit(
			EXIT_OK, {"hooks", "edit", "editable", "--enable", "--mode", "cron_task", "--task-folder", "later", "--quiet", "none"}, output);
		CPPUNIT_ASSERT_EQUAL(std::string("# later Memory\n"), readFile(cronTasks() + "/later/later_MEMORY.md"));
		hook = _service->hookOnDisk("editable");
		CPPUNIT_ASSERT(hook->isNull("quiet_start"));
		expectExit(EXIT_OK, {"hooks", "edit", "editable", "--preset", "github", "--hmac-secret", "edited-secret-value"}, output);
		CPPUNIT_ASSERT_EQUAL(std::string("hmac"), _service->hookOnDisk("editable")->getValue<std::string>("auth_mode"));
		expectExit(EXIT_OK, {"hooks", "test", "editable"}, output);
		expectExit(EXIT_OK, {"hooks", "edit", "editable", "--auth", "bearer"}, output);
		std::string token = lineAfter(output, "token (shown once");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, std::size_t(43), token.size());
		CPPUNIT_ASSERT_EQUAL(202, _service->postHook("editable", "{}", token).status);

		expectExit(EXIT_FAILED, {"hooks", "edit", "editable", "--mode", "teleport"}, output);
		expectExit(EXIT_FAILED, {"hooks", "edit", "missing", "--title", "x"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "not found"));
	}

	void testRotateHookTokenPrintsItOnceAndTheOldOneStopsWorking()
	{
		_service->start();
		std::string output;
		expectExit(EXIT_OK, {"hooks", "add", "rotating", "--mode", "wake", "--prompt", "x"}, output);
		std::string oldToken = lineAfter(output, "token (shown once");
		CPPUNIT_ASSERT_EQUAL(202, _service->postHook("rotating", "{}", oldToken).status);

		expectExit(EXIT_OK, {"hooks", "rotate-token", "rotating"}, output);
		std::string newToken = lineAfter(output, "token (shown once");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, std::size_t(43), newToken.size());
		CPPUNIT_ASSERT(newToken != oldToken);
		CPPUNIT_ASSERT_EQUAL(401, _service->postHook("rotating", "{}", oldToken).status);
		CPPUNIT_ASSERT_EQUAL(202, _service->postHook("rotating", "{}", newToken).status);
		expectExit(EXIT_OK, {"hooks", "show", "rotating"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, !contains(output, newToken));

		// hmac secrets are agreed with the sender: refused with a pointer to hooks edit.
		expectExit(
			EXIT_OK, {"hooks", "add", "signed", "--mode", "wake", "--prompt", "x", "--preset", "shopify", "--hmac-secret", "abc"}, output);
		expectExit(EXIT_FAILED, {"hooks", "rotate-token", "signed"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "hooks edit signed --hmac-secret"));
		expectExit(EXIT_FAILED, {"hooks", "rotate-token", "missing"}, output);
	}

	void testRotateGlobalTokenSwapsItInTheRunningService()
	{
		_service->start();
		std::string output;
		expectExit(EXIT_OK, {"hooks", "add", "global", "--mode", "wake", "--prompt", "x", "--global-token"}, output);
		CPPUNIT_ASSERT_EQUAL(202, _service->postHook("global", "{}").status);

		expectExit(EXIT_OK, {"hooks", "rotate-token"}, output);
		std::string fresh = lineAfter(output, "new global token (shown once");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, std::size_t(43), fresh.size());
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "uses it now"));
		// Stored where the old one was: the config file, every other key kept.
		Poco::JSON::Object::Ptr config = parseJSON(readFile(_service->home() + "/config/config.json")).extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT_EQUAL(fresh, config->getObject("webhooks")->getValue<std::string>("token"));
		CPPUNIT_ASSERT_EQUAL(30, config->getValue<int>("cli_timeout"));

		CPPUNIT_ASSERT_EQUAL(401, _service->postHook("global", "{}").status);
		CPPUNIT_ASSERT_EQUAL(202, _service->postHook("global", "{}", fresh).status);
		expectExit(EXIT_OK, {"hooks", "test", "global"}, output);
		CPPUNIT_ASSERT_MESSAGE(_service->log(), !contains(_service->log(), fresh));

		expectExit(EXIT_OK, {"token", "rotate", "--json"}, output);
		Poco::JSON::Object::Ptr result = parseJSON(output).extract<Poco::JSON::Object::Ptr>();
		std::string third = result->getValue<std::string>("token");
		CPPUNIT_ASSERT(result->getValue<bool>("applied"));
		CPPUNIT_ASSERT_EQUAL(401, _service->postHook("global", "{}", fresh).status);
		CPPUNIT_ASSERT_EQUAL(202, _service->postHook("global", "{}", third).status);
	}

	void testOfflineGlobalTokenRotationIsUsedAtTheNextStart()
	{
		_service->writeConfig();
		std::string output;
		expectExit(EXIT_OK, {"hooks", "add", "global", "--mode", "wake", "--prompt", "x", "--global-token"}, output);
		expectExit(EXIT_OK, {"token", "rotate"}, output);
		std::string fresh = lineAfter(output, "new global token (shown once");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, std::size_t(43), fresh.size());
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "next start"));
		_service->start({}, false);
		CPPUNIT_ASSERT_EQUAL(401, _service->postHook("global", "{}").status);
		CPPUNIT_ASSERT_EQUAL(202, _service->postHook("global", "{}", fresh).status);
	}

	void testTokenShowNeverPrintsTheToken()
	{
		_service->start();
		std::string output;
		expectExit(EXIT_OK, {"token", "show"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "global token: set (sha256:"));
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, _service->home() + "/config/config.json"));
		CPPUNIT_ASSERT_MESSAGE(output, !contains(output, ServiceFixture::TOKEN));
		expectExit(EXIT_OK, {"token", "show", "--json"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, !contains(output, ServiceFixture::TOKEN));
		Poco::JSON::Object::Ptr result = parseJSON(output).extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT_EQUAL(std::string("config"), result->getValue<std::string>("location"));
		CPPUNIT_ASSERT(result->getValue<bool>("stored_matches"));
		std::string fingerprint = result->getValue<std::string>("fingerprint");

		_service->stop();
		expectExit(EXIT_OK, {"token", "show", "--json"}, output);
		CPPUNIT_ASSERT_EQUAL(fingerprint, parseJSON(output).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("fingerprint"));
	}

	void testReloadJobsAndWorkers()
	{
		_service->start();
		std::string output;
		_service->writeHooks(R"({"hooks": [
  {"id": "by-hand", "title": "By hand", "mode": "wake", "prompt_template": "x"},
  {"id": "second", "title": "Second", "mode": "wake", "prompt_template": "y"}
]}
)");
		expectExit(EXIT_OK, {"reload"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "reloaded webhooks.json: 2 hooks"));
		expectExit(EXIT_OK, {"reload", "--json"}, output);
		CPPUNIT_ASSERT_EQUAL(2, parseJSON(output).extract<Poco::JSON::Object::Ptr>()->getValue<int>("hooks"));

		HTTPReply reply = _service->postHook("by-hand", "{}");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(reply.body, 202, reply.status);
		std::string jobId = reply.json()->getValue<std::string>("job_id");
		_service->waitForJob(jobId);
		expectExit(EXIT_OK, {"jobs", "list"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, jobId) && contains(output, "by-hand"));
		expectExit(EXIT_OK, {"jobs", "list", "--json", "--limit", "5"}, output);
		CPPUNIT_ASSERT(parseJSON(output).extract<Poco::JSON::Array::Ptr>()->size() >= 1);
		expectExit(EXIT_OK, {"jobs", "show", jobId}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "hook_id:") && contains(output, "by-hand"));
		expectExit(EXIT_FAILED, {"jobs", "show", "no-such-job"}, output);

		expectExit(EXIT_OK, {"workers", "list"}, output);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "STATE"));
		expectExit(EXIT_OK, {"workers", "stop", "2", "--now"}, output);
		CPPUNIT_ASSERT(_service->waitFor([&]() {
			std::string list;
			ctl({"workers", "list", "--json"}, list);
			Poco::JSON::Array::Ptr workers = parseJSON(list).extract<Poco::JSON::Array::Ptr>();
			return workers->getObject(1)->getValue<std::string>("state") == "stopped";
		}));
		expectExit(EXIT_OK, {"workers", "start", "2"}, output);
		expectExit(EXIT_OK, {"workers", "restart", "1"}, output);
		expectExit(EXIT_FAILED, {"workers", "restart", "9"}, output);
		expectExit(EXIT_USAGE, {"workers", "restart"}, output);
	}

private:
	std::unique_ptr<ServiceFixture> _service;

public:
	void testSystemInstanceWritesWhileStoppedKeepTheHomeOwnersFiles()
	{
		// The installed service's layout under a test root: root runs the ctl with
		// no flags; the home belongs to the service user (here nobody).
		if (::geteuid() != 0)
		{
			std::cerr << "skipped: needs root to run the ctl as root against a home owned by nobody\n";
			return;
		}
		struct passwd* nobody = ::getpwnam("nobody");
		CPPUNIT_ASSERT_MESSAGE("no user nobody", nobody);
		TempDir root;
		::chmod(root.path().c_str(), 0755);
		const std::string home = root.file("var/lib/sygen-webhook");
		writeFile(
			root.file("etc/sygen-webhook/config.json"), "{\"webhooks\": {\"admin_socket\": \"" + root.file("run/admin.sock") + "\"}}\n");
		Poco::File(home).createDirectories();
		CPPUNIT_ASSERT_EQUAL(0, ::chown(home.c_str(), nobody->pw_uid, nobody->pw_gid));
		const std::vector<std::string> env{"PATH=/usr/bin:/bin", "HOME=" + _service->home(), "SYGEN_WEBHOOK_SYSTEM_ROOT=" + root.path()};

		std::string output;
		int code = ServiceFixture::runProgram(SYGEN_CTL, {"hooks", "add", "ops-hook", "--mode", "wake", "--prompt", "x"}, output, env);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, EXIT_OK, code);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, "not running"));
		CPPUNIT_ASSERT_EQUAL(nobody->pw_uid, ownerOf(home + "/webhooks.json"));
		CPPUNIT_ASSERT(contains(readFile(home + "/webhooks.json"), "ops-hook"));
		const std::string userHooks = _service->home() + "/.sygen/webhooks.json";
		CPPUNIT_ASSERT(!Poco::File(userHooks).exists() || !contains(readFile(userHooks), "ops-hook"));

		code = ServiceFixture::runProgram(SYGEN_CTL, {"token", "rotate"}, output, env);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, EXIT_OK, code);
		CPPUNIT_ASSERT_EQUAL(nobody->pw_uid, ownerOf(home + "/webhook-state"));
		CPPUNIT_ASSERT_EQUAL(nobody->pw_uid, ownerOf(home + "/webhook-state/token"));

		// The commands that need the supervisor look for it at the system instance's socket.
		code = ServiceFixture::runProgram(SYGEN_CTL, {"workers", "list"}, output, env);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, EXIT_UNAVAILABLE, code);
		CPPUNIT_ASSERT_MESSAGE(output, contains(output, root.file("run/admin.sock")));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(CtlTest);
