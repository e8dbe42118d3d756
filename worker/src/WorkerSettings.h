//
// WorkerSettings.h
//
// Library: Sygen/worker
//
// What a worker needs from the configuration to run jobs (SPEC §2, §10, §14).
// The worker application maps Config onto it; tests build it directly.
//

#ifndef Sygen_WorkerSettings_INCLUDED
#define Sygen_WorkerSettings_INCLUDED

#include "Sygen/Foundation/Config.h"
#include "Sygen/Protocol/DeliverySettings.h"
#include <Poco/Timespan.h>
#include <string>
#include <sys/resource.h>
#include <vector>

namespace Sygen {

struct SandboxSettings
/// webhooks.sandbox (SPEC §14).
{
	std::string user;
	/// Account a worker running as root switches to before running a CLI
	/// (its uid, gid, supplementary groups, HOME and USER). Empty: no switch
	/// (a root worker then warns once).

	bool landlock = true;
	/// Confine the CLI's writes with Landlock where the kernel has it.

	std::vector<std::string> writablePaths = {"/tmp", "/var/tmp", "/dev/shm"};
	/// Writable besides the task folder (wake: the workspace) and the CLI state
	/// folders of HOME (.claude, .claude.json, .codex, .gemini, .cache, .config,
	/// .npm, .local). Missing paths are skipped.

	rlim_t cpuSeconds = 0;
	/// RLIMIT_CPU (soft = hard). 0: four times cli_timeout, as node CLIs run
	/// several threads and CPU time may exceed wall time.

	rlim_t openFiles = 4096;
	/// RLIMIT_NOFILE, soft = hard (clamped to the worker's own hard limit).

	rlim_t fileSizeBytes = rlim_t(1) << 30;
	/// RLIMIT_FSIZE. RLIM_INFINITY: unlimited.
};

struct WorkerSettings
/// Plain value; copy freely.
{
	Config::Paths paths;
	/// home, workspace, cron_tasks and state folders as Config resolved them
	/// (SPEC §1, §2); tests take Config::Paths::underHome().
	std::string provider = "claude";
	std::string model = "opus";
	std::string reasoningEffort = "medium";
	std::string permissionMode = "bypassPermissions";
	int cliTimeoutSeconds = 3600; ///< cli_timeout.
	std::string userTimezone;     ///< user_timezone; empty: $TZ, host zone, UTC.
	SandboxSettings sandbox;
	std::vector<std::string> envPassthrough;
	/// Extra variable names handed to the CLI; a trailing '*' matches a prefix.
	std::string envFile; ///< KEY=VALUE lines added to the CLI's environment.
	Poco::Timespan killGrace = Poco::Timespan(5, 0);
	/// Between SIGTERM and SIGKILL when a CLI times out.
	std::string searchPath;
	/// PATH searched for the CLIs and given to them; empty: the worker's $PATH.
	size_t stdoutLimit = 8u << 20; ///< stdout bytes kept (the rest is read and dropped).
	size_t stderrTail = 64u << 10; ///< last stderr bytes kept for the log.
	DeliverySettings delivery;
	/// Wake (SPEC §11): the chats to wake and the transports delivering their replies.
	std::string deliverProgram;
	/// Path of sygen-webhook-deliver, which sends each wake reply (ReplyDeliverer):
	/// the worker itself loads no TLS. WorkerApp sets the one next to the worker.
	std::vector<std::string> deliverArguments;
	/// Given to it after the program name: the worker's --log, --log-level and
	/// --worker-id, so that its lines go where the worker's go.
	std::string cliGroupFile;
	/// While a CLI runs, its process group id is recorded here (--cli-group-file,
	/// set by the supervisor's pool), so that the supervisor can kill the group
	/// when this worker dies: the parent-death signal reaches only the CLI itself,
	/// not the helpers it started. Empty: not recorded.
};

} // namespace Sygen

#endif // Sygen_WorkerSettings_INCLUDED
