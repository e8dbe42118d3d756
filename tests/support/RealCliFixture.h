//
// RealCliFixture.h
//
// What the realcli suites (RealClaudeTest, RealCodexTest, RealGeminiTest) share: the
// real service set up to run one real CLI from the pinned install as the sandbox
// user nobody with Landlock on (when the tests run as root), against a model API
// stub, and the checks every CLI must pass.
//

#ifndef Sygen_RealCliFixture_INCLUDED
#define Sygen_RealCliFixture_INCLUDED

#include "FakeHTTPServer.h"
#include "ModelAPIStub.h"
#include "ServiceFixture.h"
#include <Poco/JSON/Object.h>
#include <memory>
#include <string>
#include <vector>

namespace Sygen {
namespace Test {

class RealCliFixture
/// One per test: construct in setUp, after the stub.
{
public:
	static std::string cliFolder();
	/// The folder of the CLIs: $SYGEN_REALCLI_DIR (scripts/cli-drift.sh points it
	/// at the latest versions), else the build folder's install of the pinned
	/// versions; resolved, then "/node_modules/.bin".

	static bool missing(const std::string& cli);
	/// True, after printing "SKIPPED: ..." to stderr, when cli is not installed.

	RealCliFixture(const std::string& provider, const std::string& model, ModelAPIStub& stub);
	/// A ServiceFixture whose config runs provider with model (cli_timeout 120 s,
	/// time zone UTC), whose PATH starts with cliFolder(), and, as root, whose
	/// sandbox is the user nobody with Landlock.

	ServiceFixture& service();

	std::string stateFolder(const std::string& name);
	/// Creates <home>/<name>, owned by the sandbox user, and returns its path:
	/// the sandbox user's HOME (/nonexistent for nobody) is not writable, so the
	/// CLI's state goes there (through CLAUDE_CONFIG_DIR, CODEX_HOME, ...).

	void setEnvFile(const std::string& lines);
	/// Writes these KEY=VALUE lines to a file that webhooks.env_file names.

	void handToSandboxUser(const std::string& path);
	/// chown to the sandbox user (as root; nothing otherwise).

	Poco::JSON::Object::Ptr runJob(const std::string& id, const std::string& permissionMode);
	/// Starts the service with one cron_task hook `id` (prompt_template
	/// "Deploy {{n}} of {{branch}}", task folder `id`), posts {"n": 4711,
	/// "branch": "main"} to it and returns the finished job.

	RecordedRequest checkSuccess(const std::string& permissionMode);
	/// Runs a job (hook "<provider>_ok") while the stub answers a text: asserts
	/// status success, that text as result_text, and that a model request
	/// carries the prompt (payload markers, rendered payload, task
	/// instructions); as root, that the CLI wrote its state as the sandbox
	/// user. Returns that request.

	void checkWakeResumes();
	/// A wake hook with one Telegram chat gets two messages: both end success,
	/// the second turn's model request carries the first turn's prompt and
	/// answer (the session was resumed), and Telegram gets the second answer.

	std::string log();
	/// The stub's requests and the service's log, for assertion messages.

private:
	Poco::JSON::Object::Ptr wake(const std::string& alert);
	bool sandboxUserWrote(const std::string& folder) const;

	std::vector<std::string> _stateFolders;

	std::string _provider;
	ModelAPIStub& _stub;
	std::unique_ptr<ServiceFixture> _service;
};

}
} // namespace Sygen::Test

#endif // Sygen_RealCliFixture_INCLUDED
