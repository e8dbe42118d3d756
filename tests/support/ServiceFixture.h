//
// ServiceFixture.h
//
// Starts the real sygen-webhookd in a temporary home for integration tests.
//

#ifndef Sygen_ServiceFixture_INCLUDED
#define Sygen_ServiceFixture_INCLUDED

#include "TestSupport.h"
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Timespan.h>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <sys/types.h>
#include <thread>

namespace Sygen {
namespace Test {

struct HTTPReply
{
	int status = 0;
	Poco::Net::NameValueCollection headers;
	std::string body;

	Poco::JSON::Object::Ptr json() const;
	/// The body parsed as a JSON object; throws when it is not one.
};

class ServiceFixture
/// A temp home with config/config.json (enabled, 127.0.0.1, port 0, the given
/// global token) and webhooks.json, and a sygen-webhookd process started on it.
/// The fake CLIs' folder is put first on the service's PATH. The service's
/// stderr is collected (log()). The destructor kills whatever still runs.
{
public:
	static const std::string TOKEN; ///< The global token written into the config.

	ServiceFixture();
	~ServiceFixture();

	Poco::JSON::Object::Ptr& config();
	/// The config written by start(); change it before starting.
	Poco::JSON::Object& webhooks();
	/// The "webhooks" section of config().

	void writeHooks(const std::string& json);
	/// Writes <home>/webhooks.json as given.

	void start(const std::vector<std::string>& extraArgs = {}, bool rewriteConfig = true);
	/// Writes config() to disk (unless rewriteConfig is false: a restart on the
	/// file as the service left it), starts the service and waits until it
	/// listens. Throws when it exits or does not listen within 20 s.

	int run(const std::vector<std::string>& args, std::string& output, Poco::Timespan timeout = Poco::Timespan(20, 0));
	/// Runs sygen-webhookd with args to completion (for --check-config and the
	/// like) and returns its exit code; output gets stdout + stderr.

	int ctl(const std::vector<std::string>& args, std::string& output);
	/// Runs sygen-webhookctl --home <home> args... and returns its exit code.

	Poco::JSON::Array::Ptr workers();
	/// `sygen-webhookctl workers list --json` of the running service; throws when
	/// the ctl fails.

	int workerPid(int workerId);
	/// The pid of that worker slot's process, 0 when none runs.

	int workerRunning(const std::string& jobId);
	/// The id of the worker whose current job is jobId, 0 when none.

	static int runProgram(const std::string& program, const std::vector<std::string>& args, std::string& output,
		const std::vector<std::string>& env, Poco::Timespan timeout = Poco::Timespan(20, 0));
	/// Runs a program to completion; output gets stdout then stderr.

	std::string taskFolder(const std::string& name, const std::string& fakeCliControl = "{}");
	/// Creates <home>/workspace/cron_tasks/<name>/ with fakecli.json and returns its path.

	Poco::JSON::Object::Ptr hookOnDisk(const std::string& id);
	/// The entry of webhooks.json with this id as it is on disk now, or null.

	void writeConfig();
	/// Writes config() to <home>/config/config.json.

	void stop(int signal = 15);
	/// Sends signal and waits (up to 60 s) for the process to end.
	int exitCode() const;
	/// After stop(): the exit code, or minus the signal.

	bool running();
	pid_t pid() const;

	HTTPReply request(const std::string& method, const std::string& path, const std::string& body = "",
		const std::map<std::string, std::string>& headers = {});
	/// One HTTP/1.1 request on a new connection.

	HTTPReply postHook(const std::string& hookId, const std::string& body, const std::string& token = TOKEN);
	/// POST /hooks/{hookId} with Content-Type application/json and, when token is
	/// non-empty, Authorization: Bearer token.

	Poco::JSON::Object::Ptr waitForJob(const std::string& jobId, Poco::Timespan timeout = Poco::Timespan(30, 0));
	/// Polls GET /jobs/{id} until its status is neither queued nor running.

	bool waitFor(const std::function<bool()>& condition, Poco::Timespan timeout = Poco::Timespan(20, 0));
	/// Polls condition every 20 ms until it holds or timeout passes.

	std::string log();
	/// Everything the service wrote to stderr so far.

	const std::string& home() const;
	std::string stateDir() const;
	int port() const;

	std::string fakeCliDir() const;
	/// Where the fake claude/codex/gemini programs are.

	void addEnvironment(const std::string& name, const std::string& value);
	/// An extra variable in the environment of the service started next.

	void setSearchPath(const std::string& path);
	/// PATH of the service started next (its workers inherit it and look the CLIs
	/// up on it). Default: fakeCliDir(), then the test's own PATH.

private:
	void collect(int fd);

	TempDir _home;
	Poco::JSON::Object::Ptr _config;
	pid_t _pid = -1;
	int _status = 0;
	bool _reaped = false;
	int _port = 0;
	std::string _searchPath;
	std::vector<std::string> _extraEnv;
	std::thread _reader;
	std::mutex _logMutex;
	std::string _log;
};

}
} // namespace Sygen::Test

#endif // Sygen_ServiceFixture_INCLUDED
