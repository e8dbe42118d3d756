//
// ProcessSpawner.h
//
// Library: Sygen/Foundation
//
// fork/exec with everything Poco::Process::launch cannot do: own process group,
// clean signal state, rlimits, umask, user drop, no_new_privs, parent-death signal,
// closing every inherited descriptor, and an exec failure told apart from the
// program's own exit code (close-on-exec error pipe, as s6-supervise does).
// The child runs on the parent's memory until exec (clone with CLONE_VM and
// CLONE_VFORK, as posix_spawn does), so a start costs no copy of the parent.
//

#ifndef Sygen_Foundation_ProcessSpawner_INCLUDED
#define Sygen_Foundation_ProcessSpawner_INCLUDED

#include <Poco/Exception.h>
#include <Poco/Timespan.h>
#include <functional>
#include <optional>
#include <string>
#include <sys/resource.h>
#include <sys/types.h>
#include <vector>

namespace Sygen {

class SpawnException: public Poco::SystemException
/// The child could not be started: fork or pipe failed in the parent, or a step
/// in the child before exec failed (chdir, setuid, exec itself, ...).
/// code() is the errno; stage() names the failed step ("exec", "chdir", ...).
{
public:
	SpawnException(const std::string& stage, int errorNumber, const std::string& program);

	const std::string& stage() const { return _stage; }
	int errorNumber() const { return code(); }

	const char* name() const noexcept override;
	const char* className() const noexcept override;
	Poco::Exception* clone() const override;
	void rethrow() const override;

private:
	std::string _stage;
};

struct ResourceLimit
/// One setrlimit() call made in the child.
{
	int resource = 0; ///< RLIMIT_CPU, RLIMIT_NOFILE, ...
	rlim_t soft = RLIM_INFINITY;
	rlim_t hard = RLIM_INFINITY;
};

struct SpawnOptions
/// What to start and how. A plain value: build it, then call ProcessSpawner::spawn().
{
	enum class Input
	{
		DEV_NULL, ///< stdin reads /dev/null.
		PIPE,     ///< stdin is a pipe; the parent gets its write end.
		INHERIT   ///< stdin is the parent's.
	};

	enum class Output
	{
		INHERIT,  ///< the parent's stdout / stderr.
		DEV_NULL, ///< /dev/null.
		PIPE      ///< a pipe; the parent gets its read end.
	};

	std::string executable;
	/// Path passed to execve(). No PATH search is done (it is not async-signal-safe);
	/// resolve the program first. Empty: argv[0].

	std::vector<std::string> argv;
	/// Argument vector including argv[0]. Must not be empty.

	std::optional<std::vector<std::string>> env;
	/// "KEY=VALUE" entries forming the complete environment.
	/// std::nullopt: the parent's environment is inherited.

	std::string cwd;
	/// Working directory of the child, entered after the identity change;
	/// empty: the parent's.

	bool newProcessGroup = true;
	/// setpgid(0, 0): the child leads its own process group, so the whole tree
	/// can be signalled with killProcessGroup(pid, ...).

	bool newSession = false;
	/// setsid() instead of setpgid() (also a new process group; no controlling tty).

	std::vector<ResourceLimit> limits;
	/// Applied in order. Never put RLIMIT_AS here for node based CLIs.

	std::optional<mode_t> umask;

	std::optional<uid_t> uid;
	std::optional<gid_t> gid;
	std::optional<std::vector<gid_t>> groups;
	/// Identity to drop to, applied as setgroups, setgid, setuid (in that order).
	/// groups unset while uid/gid are set: the supplementary groups are cleared.

	bool noNewPrivileges = false;
	/// prctl(PR_SET_NO_NEW_PRIVS, 1).

	int parentDeathSignal = 0;
	/// prctl(PR_SET_PDEATHSIG) when non-zero, set after the identity change
	/// (which would clear it). Note: Linux sends it when the *thread* that
	/// called spawn() exits, so spawn from a long-lived thread. It reaches the
	/// child only, not the child's own children.

	Input stdinMode = Input::DEV_NULL;
	Output stdoutMode = Output::INHERIT;
	Output stderrMode = Output::INHERIT;

	std::vector<int> keepDescriptors;
	/// Parent descriptors the child keeps under the same number (e.g. a socket).
	/// Every other descriptor above 2 is closed at exec.

	std::function<int()> preExec;
	/// Runs in the child after all of the above, just before exec (e.g. Landlock's
	/// restrict_self). Must be async-signal-safe: no allocation, no locks, only
	/// system calls on data prepared before spawn(). Returns 0, or an errno value
	/// that fails the spawn with stage "preExec".
};

struct SpawnedProcess
/// A started child. The parent owns the descriptors (all close-on-exec) and
/// must close them; -1 when the corresponding stream is not a pipe.
{
	pid_t pid = -1;
	int stdinFd = -1;  ///< write end of the child's stdin.
	int stdoutFd = -1; ///< read end of the child's stdout.
	int stderrFd = -1; ///< read end of the child's stderr.
};

struct ProcessStatus
/// How a child ended, decoded from a waitpid() status.
{
	bool exited = false; ///< true: exit(code); false: killed by signal.
	int exitCode = 0;
	int signal = 0;

	static ProcessStatus fromWaitStatus(int status);

	int code() const { return exited ? exitCode : -signal; }
	/// Exit code, or minus the signal number (the convention of SPEC §10 step 8).

	bool success() const { return exited && exitCode == 0; }

	std::string toString() const;
	/// "exit 3" or "signal 9".
};

class ProcessSpawner
/// Starts and waits for child processes. Stateless and thread-safe; all
/// descriptors it creates are close-on-exec, so concurrent spawns from other
/// threads do not leak them into unrelated children.
{
public:
	static SpawnedProcess spawn(const SpawnOptions& options);
	/// Forks and execs as described by options. Returns once exec succeeded
	/// (or the child died trying, in which case it has been reaped).
	/// Throws SpawnException with the errno and the failed stage when the
	/// child could not exec (ENOENT for a missing program, EACCES, ...), and
	/// Poco::InvalidArgumentException when argv is empty.

	static ProcessStatus wait(pid_t pid);
	/// Blocks until pid ends and reaps it (EINTR retried).
	/// Throws Poco::SystemException (e.g. ECHILD).

	static std::optional<ProcessStatus> tryWait(pid_t pid);
	/// Reaps pid if it has ended; std::nullopt while it runs.

	static std::optional<ProcessStatus> waitFor(pid_t pid, Poco::Timespan timeout);
	/// Waits up to timeout for pid to end and reaps it; std::nullopt on timeout.

	static int openPidFd(pid_t pid);
	/// pidfd_open(pid): a descriptor (close-on-exec) that polls readable when pid
	/// ends, without reaping it. -1 when the kernel has no pidfd (< 5.3).

	static bool killProcessGroup(pid_t pgid, int signal);
	/// kill(-pgid, signal). Returns false when no process is left in the group.

	static bool processGroupExists(pid_t pgid);
	/// True while any process (zombies included) is in the group.

	static void closeDescriptor(int& fd);
	/// close(fd) if fd >= 0, then sets fd to -1.
};

} // namespace Sygen

#endif // Sygen_Foundation_ProcessSpawner_INCLUDED
