//
// ProcessSpawner.cpp
//

#include "Sygen/Foundation/ProcessSpawner.h"
#include <Poco/Timestamp.h>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <typeinfo>
#include <unistd.h>

extern char** environ;

namespace Sygen {

SpawnException::SpawnException(const std::string& stage, int errorNumber, const std::string& program):
	Poco::SystemException(stage + " failed for " + program + ": " + std::strerror(errorNumber), errorNumber),
	_stage(stage)
{
}

const char* SpawnException::name() const noexcept
{
	return "Spawn failed";
}

const char* SpawnException::className() const noexcept
{
	return typeid(*this).name();
}

Poco::Exception* SpawnException::clone() const
{
	return new SpawnException(*this);
}

void SpawnException::rethrow() const
{
	throw *this;
}

ProcessStatus ProcessStatus::fromWaitStatus(int status)
{
	ProcessStatus s;
	if (WIFEXITED(status))
	{
		s.exited = true;
		s.exitCode = WEXITSTATUS(status);
	}
	else if (WIFSIGNALED(status))
	{
		s.signal = WTERMSIG(status);
	}
	return s;
}

std::string ProcessStatus::toString() const
{
	return exited ? "exit " + std::to_string(exitCode) : "signal " + std::to_string(signal);
}

namespace {

enum ChildStage
{
	STAGE_SIGNALS = 1,
	STAGE_GROUP,
	STAGE_PDEATHSIG,
	STAGE_STDIO,
	STAGE_CHDIR,
	STAGE_RLIMIT,
	STAGE_GROUPS,
	STAGE_SETGID,
	STAGE_SETUID,
	STAGE_NO_NEW_PRIVS,
	STAGE_PRE_EXEC,
	STAGE_CLOSE_FDS,
	STAGE_EXEC
};

const char* stageName(int stage)
{
	switch (stage)
	{
	case STAGE_SIGNALS: return "signals";
	case STAGE_GROUP: return "setpgid";
	case STAGE_PDEATHSIG: return "pdeathsig";
	case STAGE_STDIO: return "stdio";
	case STAGE_CHDIR: return "chdir";
	case STAGE_RLIMIT: return "setrlimit";
	case STAGE_GROUPS: return "setgroups";
	case STAGE_SETGID: return "setgid";
	case STAGE_SETUID: return "setuid";
	case STAGE_NO_NEW_PRIVS: return "no_new_privs";
	case STAGE_PRE_EXEC: return "preExec";
	case STAGE_CLOSE_FDS: return "close_fds";
	case STAGE_EXEC: return "exec";
	default: return "child";
	}
}

struct ChildError
{
	int stage;
	int error;
};

struct Pipe
/// Both ends close-on-exec; closed on destruction unless released.
{
	int read = -1;
	int write = -1;

	void open()
	{
		int fds[2];
		if (::pipe2(fds, O_CLOEXEC) != 0) throw SpawnException("pipe", errno, "child");
		read = fds[0];
		write = fds[1];
	}

	~Pipe()
	{
		ProcessSpawner::closeDescriptor(read);
		ProcessSpawner::closeDescriptor(write);
	}
};

struct ChildPlan
/// Everything the child needs, prepared before fork so that the child only
/// makes async-signal-safe calls.
{
	const SpawnOptions* options = nullptr;
	const char* executable = nullptr;
	std::vector<char*> argv;
	std::vector<char*> envp;
	char* const* env = nullptr;
	int stdio[3] = {-1, -1, -1}; ///< source descriptor for 0, 1, 2; -1: keep the parent's.
	std::vector<int> keep;       ///< sorted, unique.
	pid_t parent = 0;
	int errorFd = -1;
};

[[noreturn]] void childFail(int fd, int stage, int error)
{
	ChildError e{stage, error};
	ssize_t n;
	do n = ::write(fd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	::_exit(127);
}

void resetSignals()
{
	struct sigaction dfl;
	std::memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; ++sig)
	{
		// SIGKILL/SIGSTOP and glibc's internal real-time signals refuse; that is fine.
		::sigaction(sig, &dfl, nullptr);
	}
}

int moveAbove2(int fd)
/// Returns a close-on-exec duplicate of fd numbered 3 or higher, so that the
/// dup2() calls onto 0..2 cannot overwrite a source still needed.
{
	if (fd < 0 || fd > 2) return fd;
	return ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

void closeRange(int first, int last)
{
	if (first > last) return;
#ifdef SYS_close_range
	if (::syscall(SYS_close_range, static_cast<unsigned>(first), static_cast<unsigned>(last), 0) == 0) return;
#endif
	struct rlimit rl;
	int max = (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) ? static_cast<int>(rl.rlim_cur) : 65536;
	for (int fd = first; fd <= last && fd < max; ++fd) ::close(fd);
}

void closeOtherDescriptors(const ChildPlan& plan)
/// Closes every descriptor >= 3 except the kept ones and the error pipe
/// (which is close-on-exec and goes away with exec itself).
{
	int next = 3;
	size_t i = 0;
	bool errorPending = plan.errorFd >= 3;
	for (;;)
	{
		int keep;
		if (errorPending && (i >= plan.keep.size() || plan.errorFd <= plan.keep[i]))
		{
			keep = plan.errorFd;
			errorPending = false;
		}
		else if (i < plan.keep.size())
		{
			keep = plan.keep[i++];
		}
		else
		{
			break;
		}
		if (keep >= next)
		{
			closeRange(next, keep - 1);
			next = keep + 1;
		}
	}
	closeRange(next, INT32_MAX);
}

[[noreturn]] void runChild(ChildPlan& plan)
{
	const SpawnOptions& o = *plan.options;
	int err = plan.errorFd;

	resetSignals();

	if (o.newSession)
	{
		if (::setsid() < 0) childFail(err, STAGE_GROUP, errno);
	}
	else if (o.newProcessGroup && ::setpgid(0, 0) != 0)
	{
		childFail(err, STAGE_GROUP, errno);
	}

	int sources[3];
	for (int i = 0; i < 3; ++i)
	{
		sources[i] = moveAbove2(plan.stdio[i]);
		if (plan.stdio[i] >= 0 && sources[i] < 0) childFail(err, STAGE_STDIO, errno);
	}
	for (int i = 0; i < 3; ++i)
	{
		if (sources[i] >= 0 && ::dup2(sources[i], i) < 0) childFail(err, STAGE_STDIO, errno);
	}

	for (const ResourceLimit& l: o.limits)
	{
		struct rlimit rl;
		rl.rlim_cur = l.soft;
		rl.rlim_max = l.hard;
		if (::setrlimit(l.resource, &rl) != 0) childFail(err, STAGE_RLIMIT, errno);
	}

	if (o.umask) ::umask(*o.umask);

	// Raw system calls, not glibc's wrappers: in a multi-threaded program those
	// take a lock and mark every thread in glibc's thread list to change its
	// credentials too, and a child that shares the parent's memory (startChild)
	// would do that on the parent's list. The kernel's call changes the calling
	// thread alone, which here is the whole child (glibc's posix_spawn does the same).
	bool changesIdentity = o.uid || o.gid || o.groups;
	if (changesIdentity && ::geteuid() == 0)
	{
		long rc = o.groups ? ::syscall(SYS_setgroups, o.groups->size(), o.groups->data()) : ::syscall(SYS_setgroups, 0, nullptr);
		if (rc != 0) childFail(err, STAGE_GROUPS, errno);
	}
	if (o.gid && ::syscall(SYS_setresgid, *o.gid, *o.gid, *o.gid) != 0) childFail(err, STAGE_SETGID, errno);
	if (o.uid && ::syscall(SYS_setresuid, *o.uid, *o.uid, *o.uid) != 0) childFail(err, STAGE_SETUID, errno);

	// As the final identity: a folder that account cannot enter fails here, not later.
	if (!o.cwd.empty() && ::chdir(o.cwd.c_str()) != 0) childFail(err, STAGE_CHDIR, errno);

	if (o.noNewPrivileges && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) childFail(err, STAGE_NO_NEW_PRIVS, errno);

	// After the identity change: changing credentials clears the parent-death signal.
	if (o.parentDeathSignal != 0)
	{
		if (::prctl(PR_SET_PDEATHSIG, o.parentDeathSignal) != 0) childFail(err, STAGE_PDEATHSIG, errno);
		// The parent may have died before prctl took effect.
		if (::getppid() != plan.parent) ::_exit(127);
	}

	if (o.preExec)
	{
		int rc = o.preExec();
		if (rc != 0) childFail(err, STAGE_PRE_EXEC, rc);
	}

	closeOtherDescriptors(plan);
	for (int fd: plan.keep)
	{
		if (::fcntl(fd, F_SETFD, 0) != 0) childFail(err, STAGE_CLOSE_FDS, errno);
	}

	sigset_t none;
	sigemptyset(&none);
	::sigprocmask(SIG_SETMASK, &none, nullptr);

	::execve(plan.executable, plan.argv.data(), const_cast<char* const*>(plan.env));
	childFail(err, STAGE_EXEC, errno);
}

int childEntry(void* argument)
{
	ChildPlan& plan = *static_cast<ChildPlan*>(argument);
	if (plan.errorFd < 3) plan.errorFd = ::fcntl(plan.errorFd, F_DUPFD_CLOEXEC, 3);
	runChild(plan);
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SYGEN_SPAWN_WITH_FORK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define SYGEN_SPAWN_WITH_FORK 1
#endif
#endif

#ifdef SYGEN_SPAWN_WITH_FORK

pid_t startChild(ChildPlan& plan)
/// Under a sanitizer: its run-time follows a forked child, not one that runs
/// on the parent's memory from a stack it does not know.
{
	pid_t pid = ::fork();
	if (pid == 0) childEntry(&plan);
	return pid;
}

#else

class ChildStack
/// The child's stack while it shares the parent's memory: mapped apart, with
/// an inaccessible page below it, so an overflow faults instead of writing
/// into the parent's data. One per spawning thread, kept for its next spawn
/// (no map, unmap and fresh zeroed pages per child): CLONE_VFORK holds the
/// thread until its child is done with the stack.
{
public:
	static constexpr size_t SIZE = 64 * 1024;

	ChildStack()
	{
		_base = ::mmap(nullptr, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
		if (_base == MAP_FAILED) throw SpawnException("mmap", errno, "child stack");
		::mprotect(_base, static_cast<size_t>(::sysconf(_SC_PAGESIZE)), PROT_NONE);
	}

	~ChildStack() { ::munmap(_base, SIZE); }

	ChildStack(const ChildStack&) = delete;
	ChildStack& operator=(const ChildStack&) = delete;

	void* top() const { return static_cast<char*>(_base) + SIZE; }

private:
	void* _base;
};

pid_t startChild(ChildPlan& plan)
/// fork() copies the parent's page tables, and every page either side then
/// touches before exec costs a copy-on-write fault; in a virtual machine that
/// was most of a no-op job's time in the worker (fork + exec 2.3-2.6 ms against
/// 0.9-1.2 ms this way, measured on the benchmark machine). The child makes
/// only system calls on data prepared before (runChild), so it can run on the
/// parent's memory until exec, as posix_spawn does: CLONE_VFORK holds the
/// calling thread until the child has called execve or exited.
{
	thread_local ChildStack stack;
	return ::clone(childEntry, stack.top(), CLONE_VM | CLONE_VFORK | SIGCHLD, &plan);
}

#endif

int openDevNull()
{
	int fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0) throw SpawnException("open /dev/null", errno, "child");
	return fd;
}

} // namespace

SpawnedProcess ProcessSpawner::spawn(const SpawnOptions& options)
{
	if (options.argv.empty()) throw Poco::InvalidArgumentException("ProcessSpawner::spawn: empty argv");

	ChildPlan plan;
	plan.options = &options;
	plan.executable = options.executable.empty() ? options.argv[0].c_str() : options.executable.c_str();
	for (const std::string& a: options.argv) plan.argv.push_back(const_cast<char*>(a.c_str()));
	plan.argv.push_back(nullptr);
	if (options.env)
	{
		for (const std::string& e: *options.env) plan.envp.push_back(const_cast<char*>(e.c_str()));
		plan.envp.push_back(nullptr);
		plan.env = plan.envp.data();
	}
	else
	{
		plan.env = environ;
	}
	plan.keep = options.keepDescriptors;
	std::sort(plan.keep.begin(), plan.keep.end());
	plan.keep.erase(std::unique(plan.keep.begin(), plan.keep.end()), plan.keep.end());
	plan.keep.erase(std::remove_if(plan.keep.begin(), plan.keep.end(), [](int fd) { return fd < 3; }), plan.keep.end());
	plan.parent = ::getpid();

	struct DevNull
	{
		int fd = -1;
		~DevNull() { ProcessSpawner::closeDescriptor(fd); }
	} devNull;
	bool needsNull = options.stdinMode == SpawnOptions::Input::DEV_NULL || options.stdoutMode == SpawnOptions::Output::DEV_NULL ||
		options.stderrMode == SpawnOptions::Output::DEV_NULL;
	if (needsNull) devNull.fd = openDevNull();

	Pipe in, out, errOut, status;
	status.open();
	if (options.stdinMode == SpawnOptions::Input::PIPE) in.open();
	if (options.stdoutMode == SpawnOptions::Output::PIPE) out.open();
	if (options.stderrMode == SpawnOptions::Output::PIPE) errOut.open();

	plan.stdio[0] = options.stdinMode == SpawnOptions::Input::PIPE ? in.read
		: options.stdinMode == SpawnOptions::Input::DEV_NULL       ? devNull.fd
																   : -1;
	auto outSource = [&](SpawnOptions::Output mode, const Pipe& p) {
		return mode == SpawnOptions::Output::PIPE ? p.write : mode == SpawnOptions::Output::DEV_NULL ? devNull.fd : -1;
	};
	plan.stdio[1] = outSource(options.stdoutMode, out);
	plan.stdio[2] = outSource(options.stderrMode, errOut);
	plan.errorFd = status.write;

	// Block every signal across fork so that no parent handler runs in the child
	// before its dispositions are reset; the child unblocks just before exec.
	sigset_t all, old;
	sigfillset(&all);
	::pthread_sigmask(SIG_SETMASK, &all, &old);
	pid_t pid = -1;
	try
	{
		pid = startChild(plan);
	}
	catch (...)
	{
		::pthread_sigmask(SIG_SETMASK, &old, nullptr);
		throw;
	}
	int forkErrno = errno;
	::pthread_sigmask(SIG_SETMASK, &old, nullptr);
	if (pid < 0) throw SpawnException("fork", forkErrno, plan.executable);

	closeDescriptor(status.write);
	closeDescriptor(in.read);
	closeDescriptor(out.write);
	closeDescriptor(errOut.write);

	ChildError failure{0, 0};
	ssize_t n;
	do n = ::read(status.read, &failure, sizeof(failure));
	while (n < 0 && errno == EINTR);
	if (n == static_cast<ssize_t>(sizeof(failure)))
	{
		wait(pid);
		throw SpawnException(stageName(failure.stage), failure.error, plan.executable);
	}

	SpawnedProcess child;
	child.pid = pid;
	std::swap(child.stdinFd, in.write);
	std::swap(child.stdoutFd, out.read);
	std::swap(child.stderrFd, errOut.read);
	return child;
}

ProcessStatus ProcessSpawner::wait(pid_t pid)
{
	int status = 0;
	pid_t rc;
	do rc = ::waitpid(pid, &status, 0);
	while (rc < 0 && errno == EINTR);
	if (rc < 0) throw Poco::SystemException("waitpid " + std::to_string(pid), errno);
	return ProcessStatus::fromWaitStatus(status);
}

std::optional<ProcessStatus> ProcessSpawner::tryWait(pid_t pid)
{
	int status = 0;
	pid_t rc;
	do rc = ::waitpid(pid, &status, WNOHANG);
	while (rc < 0 && errno == EINTR);
	if (rc < 0) throw Poco::SystemException("waitpid " + std::to_string(pid), errno);
	if (rc == 0) return std::nullopt;
	return ProcessStatus::fromWaitStatus(status);
}

std::optional<ProcessStatus> ProcessSpawner::waitFor(pid_t pid, Poco::Timespan timeout)
{
	Poco::Timestamp start;
	int pidFd = openPidFd(pid);
	struct FdGuard
	{
		int& fd;
		~FdGuard() { ProcessSpawner::closeDescriptor(fd); }
	} guard{pidFd};
	for (;;)
	{
		std::optional<ProcessStatus> s = tryWait(pid);
		if (s) return s;
		Poco::Timespan left = timeout - Poco::Timespan(start.elapsed());
		if (left <= 0) return std::nullopt;
		int ms = static_cast<int>(std::min<Poco::Timespan::TimeDiff>(left.totalMilliseconds() + 1, 10000));
		if (pidFd >= 0)
		{
			struct pollfd p
			{
				pidFd, POLLIN, 0
			};
			::poll(&p, 1, ms);
		}
		else
		{
			// No pidfd: poll the status at a short interval.
			::usleep(static_cast<useconds_t>(std::min(ms, 10)) * 1000);
		}
	}
}

int ProcessSpawner::openPidFd(pid_t pid)
{
#ifdef SYS_pidfd_open
	long fd = ::syscall(SYS_pidfd_open, pid, 0);
	return fd < 0 ? -1 : static_cast<int>(fd);
#else
	(void)pid;
	return -1;
#endif
}

bool ProcessSpawner::killProcessGroup(pid_t pgid, int signal)
{
	if (pgid <= 1) throw Poco::InvalidArgumentException("killProcessGroup: bad process group " + std::to_string(pgid));
	if (::kill(-pgid, signal) == 0) return true;
	return errno != ESRCH;
}

bool ProcessSpawner::processGroupExists(pid_t pgid)
{
	return killProcessGroup(pgid, 0);
}

void ProcessSpawner::closeDescriptor(int& fd)
{
	if (fd >= 0)
	{
		::close(fd);
		fd = -1;
	}
}

} // namespace Sygen
