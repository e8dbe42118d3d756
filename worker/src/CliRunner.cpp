//
// CliRunner.cpp
//

#include "CliRunner.h"
#include "SigpipeBlock.h"
#include <Poco/Clock.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Logger.h>
#include <Poco/Path.h>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <mutex>
#include <poll.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace Sygen {

namespace {

class GroupRecord
/// The CLI's process group id on disk for as long as the run lasts. The CLI
/// dies with this worker (parent-death signal), but its own children, such as
/// codex's native binary, do not: the supervisor kills the recorded group when
/// it sees this worker die.
///
/// One file per worker, opened once and rewritten in place: "<pgid> <boot id>"
/// while a CLI runs, "0 <boot id>" between runs (the supervisor kills no group
/// for pgid 0), each time one pwrite() of the same RECORD_WIDTH bytes, so that a
/// reader never sees a mix of two records. Before, every run created a temp
/// file, renamed it over the record and unlinked it at the end: three directory
/// updates per job, a tenth of the worker's CPU time in the e2e benchmark
/// (bench/README.md). Not fsynced: the record only matters while this boot's
/// processes live (it names the boot).
{
public:
	GroupRecord(const std::string& path, pid_t pgid):
		_path(path)
	{
		if (_path.empty()) return;
		try
		{
			_fd = openRecord(_path);
			write(pgid);
		}
		catch (Poco::Exception& exc)
		{
			Poco::Logger::get("Sygen.CliRunner").warning("cannot record the CLI's process group in %s: %s", _path, exc.displayText());
			_fd = -1;
		}
	}

	~GroupRecord()
	{
		if (_fd < 0) return;
		try
		{
			write(0);
		}
		catch (Poco::Exception& exc)
		{
			// The group is gone (killed before this); a stale record names a dead group.
			Poco::Logger::get("Sygen.CliRunner").warning("cannot clear the CLI's process group in %s: %s", _path, exc.displayText());
		}
	}

	GroupRecord(const GroupRecord&) = delete;
	GroupRecord& operator=(const GroupRecord&) = delete;

	static const std::size_t RECORD_WIDTH = 64;

private:
	void write(pid_t pgid)
	{
		static const std::string boot = CliRunner::bootId();
		std::string content = std::to_string(pgid) + " " + boot;
		if (content.size() < RECORD_WIDTH - 1) content.append(RECORD_WIDTH - 1 - content.size(), ' ');
		content += '\n';
		if (::pwrite(_fd, content.data(), content.size(), 0) != static_cast<ssize_t>(content.size()))
			throw Poco::WriteFileException(_path, std::strerror(errno));
	}

	static int openRecord(const std::string& path)
	/// The worker's record file, kept open across runs (one path per worker).
	/// Opened again when it was removed meanwhile (by hand, or a supervisor's
	/// clean-up), so that the record is always where the supervisor looks.
	{
		static std::mutex mutex;
		static std::map<std::string, int> open;
		std::lock_guard<std::mutex> lock(mutex);
		auto it = open.find(path);
		if (it != open.end())
		{
			struct stat st;
			if (::fstat(it->second, &st) == 0 && st.st_nlink > 0) return it->second;
			::close(it->second);
			open.erase(it);
		}
		Poco::File(Poco::Path(path).parent()).createDirectories();
		int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0) throw Poco::CreateFileException(path, std::strerror(errno));
		if (::fchmod(fd, 0600) != 0 || ::ftruncate(fd, 0) != 0)
		{
			int error = errno;
			::close(fd);
			throw Poco::WriteFileException(path, std::strerror(error));
		}
		open[path] = fd;
		return fd;
	}

	std::string _path;
	int _fd = -1;
};

class Run
/// The state of one run: the child, its pipes and the kill schedule.
{
public:
	Run(const SpawnedProcess& child, const std::optional<std::string>& stdinText, const CliRunner::Limits& limits):
		_child(child),
		_limits(limits),
		_input(stdinText.value_or("")),
		_pidFd(ProcessSpawner::openPidFd(child.pid))
	{
		if (_child.stdinFd >= 0) ::fcntl(_child.stdinFd, F_SETFL, ::fcntl(_child.stdinFd, F_GETFL) | O_NONBLOCK);
		_deadline += _limits.timeout.totalMicroseconds();
	}

	~Run()
	{
		ProcessSpawner::closeDescriptor(_child.stdinFd);
		ProcessSpawner::closeDescriptor(_child.stdoutFd);
		ProcessSpawner::closeDescriptor(_child.stderrFd);
		ProcessSpawner::closeDescriptor(_pidFd);
	}

	CliOutcome finish()
	{
		while (!done()) step();
		_outcome.status = ProcessSpawner::wait(_child.pid);
		_outcome.durationMs = _started.elapsed() / 1000;
		return _outcome;
	}

private:
	bool done() const
	{
		if (!_leaderExited) return false;
		bool pipesOpen = _child.stdoutFd >= 0 || _child.stderrFd >= 0;
		// Output of a process that escaped the group must not hold the job forever.
		return !pipesOpen || _drainDeadline.isElapsed(0);
	}

	void step()
	{
		struct pollfd fds[4];
		int n = 0;
		int outIndex = -1, errIndex = -1, inIndex = -1, pidIndex = -1;
		if (_child.stdoutFd >= 0)
		{
			outIndex = n;
			fds[n++] = {_child.stdoutFd, POLLIN, 0};
		}
		if (_child.stderrFd >= 0)
		{
			errIndex = n;
			fds[n++] = {_child.stderrFd, POLLIN, 0};
		}
		if (_child.stdinFd >= 0)
		{
			inIndex = n;
			fds[n++] = {_child.stdinFd, POLLOUT, 0};
		}
		if (_pidFd >= 0 && !_leaderExited)
		{
			pidIndex = n;
			fds[n++] = {_pidFd, POLLIN, 0};
		}

		int rc = ::poll(fds, static_cast<nfds_t>(n), pollTimeoutMs());
		if (rc < 0 && errno != EINTR) throw Poco::SystemException("poll", errno);
		if (rc > 0)
		{
			if (outIndex >= 0 && fds[outIndex].revents) readStdout();
			if (errIndex >= 0 && fds[errIndex].revents) readStderr();
			if (inIndex >= 0 && fds[inIndex].revents) writeStdin();
			if (pidIndex >= 0 && fds[pidIndex].revents) onLeaderExit();
		}
		if (_pidFd < 0 && !_leaderExited && leaderHasExited()) onLeaderExit();
		checkTimers();
	}

	int pollTimeoutMs() const
	{
		Poco::Clock::ClockDiff wait;
		if (_leaderExited) wait = -_drainDeadline.elapsed();
		else if (_killAt) wait = -_killAt->elapsed();
		else wait = -_deadline.elapsed();
		int ms = static_cast<int>(std::max<Poco::Clock::ClockDiff>(wait, 0) / 1000 + 1);
		// Without a pidfd the leader's exit is noticed by polling.
		return _pidFd < 0 ? std::min(ms, 20) : ms;
	}

	bool leaderHasExited() const
	{
		siginfo_t info{};
		// WNOWAIT: the zombie keeps the process group id reserved until we kill the group.
		return ::waitid(P_PID, static_cast<id_t>(_child.pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid != 0;
	}

	void onLeaderExit()
	{
		_leaderExited = true;
		// Whatever the CLI left running in its group goes with it.
		ProcessSpawner::killProcessGroup(_child.pid, SIGKILL);
		_drainDeadline = Poco::Clock();
		_drainDeadline += _limits.killGrace.totalMicroseconds();
		ProcessSpawner::closeDescriptor(_child.stdinFd);
	}

	void checkTimers()
	{
		if (_leaderExited) return;
		if (!_outcome.timedOut && _deadline.isElapsed(0))
		{
			_outcome.timedOut = true;
			ProcessSpawner::killProcessGroup(_child.pid, SIGTERM);
			_killAt = Poco::Clock();
			*_killAt += _limits.killGrace.totalMicroseconds();
		}
		else if (_killAt && !_killed && _killAt->isElapsed(0))
		{
			_killed = true;
			ProcessSpawner::killProcessGroup(_child.pid, SIGKILL);
		}
	}

	void readStdout()
	{
		char buf[65536];
		ssize_t r = ::read(_child.stdoutFd, buf, sizeof(buf));
		if (r > 0)
		{
			size_t room = _limits.stdoutLimit - std::min(_limits.stdoutLimit, _outcome.stdoutText.size());
			size_t keep = std::min(room, static_cast<size_t>(r));
			_outcome.stdoutText.append(buf, keep);
			if (keep < static_cast<size_t>(r)) _outcome.stdoutTruncated = true;
		}
		else if (r == 0 || (errno != EINTR && errno != EAGAIN))
		{
			ProcessSpawner::closeDescriptor(_child.stdoutFd);
		}
	}

	void readStderr()
	{
		char buf[65536];
		ssize_t r = ::read(_child.stderrFd, buf, sizeof(buf));
		if (r > 0)
		{
			std::string& tail = _outcome.stderrTail;
			tail.append(buf, static_cast<size_t>(r));
			if (tail.size() > 2 * _limits.stderrTail) tail.erase(0, tail.size() - _limits.stderrTail);
		}
		else if (r == 0 || (errno != EINTR && errno != EAGAIN))
		{
			ProcessSpawner::closeDescriptor(_child.stderrFd);
			std::string& tail = _outcome.stderrTail;
			if (tail.size() > _limits.stderrTail) tail.erase(0, tail.size() - _limits.stderrTail);
		}
	}

	void writeStdin()
	{
		SigpipeBlock block;
		while (_written < _input.size())
		{
			ssize_t w = ::write(_child.stdinFd, _input.data() + _written, _input.size() - _written);
			if (w > 0)
			{
				_written += static_cast<size_t>(w);
				continue;
			}
			if (w < 0 && errno == EINTR) continue;
			if (w < 0 && errno == EAGAIN) return;
			// EPIPE: the CLI closed its stdin; it will tell us what it thinks of that.
			break;
		}
		ProcessSpawner::closeDescriptor(_child.stdinFd);
	}

	SpawnedProcess _child;
	CliRunner::Limits _limits;
	std::string _input;
	size_t _written = 0;
	int _pidFd;
	Poco::Clock _started;
	Poco::Clock _deadline;
	std::optional<Poco::Clock> _killAt;
	Poco::Clock _drainDeadline;
	bool _killed = false;
	bool _leaderExited = false;
	CliOutcome _outcome;
};

} // namespace

std::string CliRunner::bootId()
{
	std::ifstream in("/proc/sys/kernel/random/boot_id");
	std::string id;
	std::getline(in, id);
	return id;
}

CliOutcome CliRunner::run(
	SpawnOptions options, const std::optional<std::string>& stdinText, const Limits& limits, const std::string& groupFile)
{
	options.stdinMode = stdinText ? SpawnOptions::Input::PIPE : SpawnOptions::Input::DEV_NULL;
	options.stdoutMode = SpawnOptions::Output::PIPE;
	options.stderrMode = SpawnOptions::Output::PIPE;
	if (!options.newSession) options.newProcessGroup = true;
	SpawnedProcess child = ProcessSpawner::spawn(options);
	// Declared before run: removed only after the group is gone, whichever way the run ends.
	GroupRecord record(groupFile, child.pid);
	Run run(child, stdinText, limits);
	try
	{
		return run.finish();
	}
	catch (...)
	{
		// Never leave the CLI running behind an error of ours; then report the error.
		ProcessSpawner::killProcessGroup(child.pid, SIGKILL);
		ProcessSpawner::wait(child.pid);
		throw;
	}
}

} // namespace Sygen
