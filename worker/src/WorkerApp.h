//
// WorkerApp.h
//
// Library: Sygen/worker
//
// The sygen-webhook-worker application.
//

#ifndef Sygen_WorkerApp_INCLUDED
#define Sygen_WorkerApp_INCLUDED

#include "JobHandler.h"
#include "Sygen/Foundation/CommandLine.h"
#include "Sygen/Foundation/Config.h"
#include "Sygen/Protocol/WorkerChannel.h"
#include "Sygen/Protocol/WorkerExit.h"
#include "WorkerSettings.h"
#include <Poco/Timespan.h>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace Sygen {

class WorkerApp
/// Connects to the supervisor's worker socket, says hello {worker_id, pid,
/// version}, waits for the welcome (which carries the heartbeat interval),
/// then heartbeats from a second thread while the main thread takes one job at
/// a time: job {order} → started {job_id} → JobHandler → result {result}.
///
/// SIGTERM (or SIGINT), and a drain frame, make it finish the job in hand and
/// exit 0. The signal handler only sets a flag (nginx style); the CLI of a
/// running job is in its own process group and does not see the signal.
///
/// Exit codes: 0 drained; 64 usage (a bad --log or --log-level); 69 the
/// socket could not be reached; 70 the connection broke, the supervisor
/// rejected us or an unexpected exception; 78 (EX_CONFIG) the configuration
/// is invalid, and also a command line it cannot read (unknown option, missing
/// value, bad --worker-id), as when this was a Poco::Util::Application: either
/// way the pool must not respawn it in a loop.
///
/// Options (CommandLine, Poco's Unix style): --help, --version, --home DIR,
/// --config FILE, --socket PATH (default: webhooks.worker_socket of the
/// config), --worker-id N (default 1), --log auto|journald|stderr, --log-level
/// LEVEL, --cli-group-file PATH (see WorkerSettings::cliGroupFile).
///
/// Not a Poco::Util::Application, and it links no Poco::Net or NetSSL: each
/// library loaded costs every idle worker RSS (docs/DECISIONS.md). Wake
/// replies are sent by sygen-webhook-deliver (ReplyDeliverer).
{
public:
	typedef std::function<std::unique_ptr<JobHandler>(const WorkerSettings&)> HandlerFactory;


	static constexpr int CONNECT_ATTEMPTS_SECONDS = 5;
	/// How long a starting worker retries a socket that is not there yet.
	static constexpr int WELCOME_TIMEOUT_SECONDS = 10;
	static const Poco::Timespan DRAIN_ACK_TIMEOUT;
	/// After announcing "draining", how long to wait for the supervisor's "drain".

	WorkerApp();
	/// Uses defaultHandlerFactory().

	explicit WorkerApp(HandlerFactory factory);

	static HandlerFactory defaultHandlerFactory();
	/// Builds the JobRunner.

	static WorkerSettings settingsFrom(const Config& config);
	/// Maps the configuration onto what a worker needs (sygen-webhook-deliver:
	/// the one next to this program).

	int run(int argc, char** argv);
	/// Reads the command line and runs the worker until it drains; returns the
	/// exit code. Never throws.

private:
	static CommandLine commandLine();
	bool readOptions(int argc, char** argv, int& exitCode);
	int main();
	int serve(WorkerChannel& channel, JobHandler& handler, Poco::Timespan heartbeatInterval);
	void heartbeatLoop(WorkerChannel& channel, Poco::Timespan interval);
	WebhookResult runJob(JobHandler& handler, const WorkOrder& order);
	static std::string siblingProgram(const std::string& name);
	static void installSignalHandlers();

	HandlerFactory _factory;
	std::string _home;
	std::string _config;
	std::string _socket;
	int _workerId = 1;
	std::string _logTarget = "auto";
	std::string _logLevel = "information";
	std::string _cliGroupFile;

	std::mutex _mutex; ///< Guards the three below (shared with the heartbeat thread).
	std::condition_variable _wake;
	bool _stopHeartbeat = false;
	std::string _currentJob;
};

} // namespace Sygen

#endif // Sygen_WorkerApp_INCLUDED
