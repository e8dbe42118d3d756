//
// ProcessSpawnerTest.cpp
//

#include "Sygen/Foundation/ProcessSpawner.h"
#include "WorkerTestSupport.h"
#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cppunit/extensions/HelperMacros.h>
#include <fcntl.h>
#include <mutex>
#include <pthread.h>
#include <set>
#include <sstream>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

using Sygen::ProcessSpawner;
using Sygen::ProcessStatus;
using Sygen::ResourceLimit;
using Sygen::SpawnedProcess;
using Sygen::SpawnException;
using Sygen::SpawnOptions;

namespace {

std::string readAll(int& fd)
{
	std::string out;
	char buf[4096];
	ssize_t n;
	while ((n = ::read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
	{
		if (n > 0) out.append(buf, static_cast<size_t>(n));
	}
	ProcessSpawner::closeDescriptor(fd);
	return out;
}

SpawnOptions command(std::vector<std::string> argv)
{
	SpawnOptions o;
	o.executable = argv[0];
	o.argv = std::move(argv);
	o.stdoutMode = SpawnOptions::Output::PIPE;
	return o;
}

struct Output
{
	ProcessStatus status;
	std::string text;
};

Output runToEnd(const SpawnOptions& o)
{
	SpawnedProcess p = ProcessSpawner::spawn(o);
	Output out;
	out.text = readAll(p.stdoutFd);
	out.status = ProcessSpawner::wait(p.pid);
	return out;
}

std::string statusLine(const std::string& status, const std::string& key)
{
	size_t at = status.find("\n" + key);
	if (at == std::string::npos) return "";
	size_t end = status.find('\n', at + 1);
	return status.substr(at + 1, end - at - 1);
}

bool hasGroup(gid_t wanted)
{
	std::vector<gid_t> groups(static_cast<size_t>(::getgroups(0, nullptr)));
	int n = ::getgroups(static_cast<int>(groups.size()), groups.data());
	return std::find(groups.begin(), groups.begin() + std::max(n, 0), wanted) != groups.begin() + std::max(n, 0);
}

} // namespace

class ProcessSpawnerTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ProcessSpawnerTest);
	CPPUNIT_TEST(testMissingProgramFailsAtExecWithEnoent);
	CPPUNIT_TEST(testMissingWorkingDirectoryFailsAtChdir);
	CPPUNIT_TEST(testExitCode127OfTheProgramIsNotAnExecFailure);
	CPPUNIT_TEST(testDeathBySignalGivesNegativeCode);
	CPPUNIT_TEST(testChildLeadsItsOwnProcessGroup);
	CPPUNIT_TEST(testEnvironmentIsExactlyTheGivenOne);
	CPPUNIT_TEST(testInheritedDescriptorsAreClosedExceptKeptOnes);
	CPPUNIT_TEST(testSignalMaskAndIgnoredSignalsAreReset);
	CPPUNIT_TEST(testStdinPipeFeedsTheChild);
	CPPUNIT_TEST(testUmaskAndResourceLimitsApply);
	CPPUNIT_TEST(testNoNewPrivilegesIsSet);
	CPPUNIT_TEST(testPreExecErrorFailsTheSpawn);
	CPPUNIT_TEST(testParentDeathSignalFiresWhenSpawningThreadEnds);
	CPPUNIT_TEST(testRootDropsToTheGivenUser);
	CPPUNIT_TEST(testUserDropLeavesTheParentsThreadsAlone);
	CPPUNIT_TEST(testParentDeathSignalSurvivesTheUserDrop);
	CPPUNIT_TEST(testWorkingDirectoryIsEnteredAsTheDroppedUser);
	CPPUNIT_TEST(testWaitForTimesOutWhileChildRuns);
	CPPUNIT_TEST(testKillProcessGroupReachesGrandchildren);
	CPPUNIT_TEST(testEmptyArgvIsRejected);
	CPPUNIT_TEST_SUITE_END();

public:
	void testMissingProgramFailsAtExecWithEnoent()
	{
		SpawnOptions o = command({"/nonexistent/program"});
		try
		{
			ProcessSpawner::spawn(o);
			CPPUNIT_FAIL("spawn must throw");
		}
		catch (SpawnException& exc)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("exec"), exc.stage());
			CPPUNIT_ASSERT_EQUAL(ENOENT, exc.code());
		}
	}

	void testMissingWorkingDirectoryFailsAtChdir()
	{
		SpawnOptions o = command({"/bin/true"});
		o.cwd = "/nonexistent/folder";
		try
		{
			ProcessSpawner::spawn(o);
			CPPUNIT_FAIL("spawn must throw");
		}
		catch (SpawnException& exc)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("chdir"), exc.stage());
			CPPUNIT_ASSERT_EQUAL(ENOENT, exc.code());
		}
	}

	void testExitCode127OfTheProgramIsNotAnExecFailure()
	{
		Output out = runToEnd(command({"/bin/sh", "-c", "exit 127"}));
		CPPUNIT_ASSERT(out.status.exited);
		CPPUNIT_ASSERT_EQUAL(127, out.status.code());
	}

	void testDeathBySignalGivesNegativeCode()
	{
		Output out = runToEnd(command({"/bin/sh", "-c", "kill -9 $$"}));
		CPPUNIT_ASSERT(!out.status.exited);
		CPPUNIT_ASSERT_EQUAL(-9, out.status.code());
		CPPUNIT_ASSERT_EQUAL(std::string("signal 9"), out.status.toString());
	}

	void testChildLeadsItsOwnProcessGroup()
	{
		SpawnedProcess p = ProcessSpawner::spawn(command({"/bin/cat", "/proc/self/stat"}));
		std::string stat = readAll(p.stdoutFd);
		ProcessSpawner::wait(p.pid);
		// Fields after "(comm)": state ppid pgrp ...
		std::istringstream fields(stat.substr(stat.rfind(')') + 2));
		std::string state;
		int ppid = 0, pgrp = 0;
		fields >> state >> ppid >> pgrp;
		CPPUNIT_ASSERT_EQUAL(static_cast<int>(p.pid), pgrp);
		CPPUNIT_ASSERT(pgrp != ::getpgrp());
	}

	void testEnvironmentIsExactlyTheGivenOne()
	{
		::setenv("SYGEN_SPAWNER_SECRET", "hunter2", 1);
		SpawnOptions o = command({"/usr/bin/env"});
		o.env = std::vector<std::string>{"A=1", "B=two words"};
		Output out = runToEnd(o);
		::unsetenv("SYGEN_SPAWNER_SECRET");
		CPPUNIT_ASSERT_EQUAL(std::string("A=1\nB=two words\n"), out.text);
	}

	void testInheritedDescriptorsAreClosedExceptKeptOnes()
	{
		Sygen::Test::TempDir dir;
		int leaked = ::open("/dev/null", O_RDONLY); // deliberately without O_CLOEXEC
		int kept = ::open("/dev/zero", O_RDONLY | O_CLOEXEC);
		SpawnOptions o = command({Sygen::Test::fakeCliDir() + "/claude"});
		o.argv = {"claude"};
		o.cwd = dir.path();
		o.stdoutMode = SpawnOptions::Output::DEV_NULL;
		o.keepDescriptors = {kept};
		ProcessStatus status = ProcessSpawner::wait(ProcessSpawner::spawn(o).pid);
		::close(leaked);
		::close(kept);
		CPPUNIT_ASSERT(status.success());
		Poco::JSON::Object::Ptr record = Sygen::Test::parseObject(Sygen::Test::readFile(dir.file("fakecli-record.json")));
		Poco::JSON::Array::Ptr fds = record->getArray("fds");
		std::set<int> open;
		for (size_t i = 0; i < fds->size(); ++i) open.insert(fds->getElement<int>(static_cast<unsigned>(i)));
		CPPUNIT_ASSERT(std::set<int>({0, 1, 2, kept}) == open);
	}

	void testSignalMaskAndIgnoredSignalsAreReset()
	{
		// The test driver ignores SIGPIPE; block SIGUSR1 too, in this thread.
		sigset_t usr1, old;
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		::pthread_sigmask(SIG_BLOCK, &usr1, &old);
		Sygen::Test::TempDir dir;
		SpawnOptions o = command({Sygen::Test::fakeCliDir() + "/claude"});
		o.argv = {"claude"};
		o.cwd = dir.path();
		o.stdoutMode = SpawnOptions::Output::DEV_NULL;
		ProcessStatus status = ProcessSpawner::wait(ProcessSpawner::spawn(o).pid);
		::pthread_sigmask(SIG_SETMASK, &old, nullptr);
		CPPUNIT_ASSERT(status.success());
		Poco::JSON::Object::Ptr record = Sygen::Test::parseObject(Sygen::Test::readFile(dir.file("fakecli-record.json")));
		// Poco's static initialisation in the fake blocks SIGPIPE; nothing else may be blocked.
		CPPUNIT_ASSERT_EQUAL(std::string("0000000000001000"), record->getValue<std::string>("sig_blocked"));
		CPPUNIT_ASSERT_EQUAL(std::string("0000000000000000"), record->getValue<std::string>("sig_ignored"));
	}

	void testStdinPipeFeedsTheChild()
	{
		SpawnOptions o = command({"/bin/cat"});
		o.stdinMode = SpawnOptions::Input::PIPE;
		SpawnedProcess p = ProcessSpawner::spawn(o);
		CPPUNIT_ASSERT_EQUAL(ssize_t(5), ::write(p.stdinFd, "hello", 5));
		ProcessSpawner::closeDescriptor(p.stdinFd);
		CPPUNIT_ASSERT_EQUAL(std::string("hello"), readAll(p.stdoutFd));
		CPPUNIT_ASSERT(ProcessSpawner::wait(p.pid).success());
	}

	void testUmaskAndResourceLimitsApply()
	{
		SpawnOptions o = command({"/bin/sh", "-c", "umask; ulimit -n; ulimit -c"});
		o.umask = 027;
		o.limits = {ResourceLimit{RLIMIT_NOFILE, 100, 100}, ResourceLimit{RLIMIT_CORE, 0, 0}};
		CPPUNIT_ASSERT_EQUAL(std::string("0027\n100\n0\n"), runToEnd(o).text);
	}

	void testNoNewPrivilegesIsSet()
	{
		SpawnOptions o = command({"/bin/grep", "NoNewPrivs", "/proc/self/status"});
		o.noNewPrivileges = true;
		CPPUNIT_ASSERT_EQUAL(std::string("NoNewPrivs:\t1\n"), runToEnd(o).text);
	}

	void testPreExecErrorFailsTheSpawn()
	{
		SpawnOptions o = command({"/bin/true"});
		o.preExec = [] { return EPERM; };
		try
		{
			ProcessSpawner::spawn(o);
			CPPUNIT_FAIL("spawn must throw");
		}
		catch (SpawnException& exc)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("preExec"), exc.stage());
			CPPUNIT_ASSERT_EQUAL(EPERM, exc.code());
		}
	}

	void testParentDeathSignalFiresWhenSpawningThreadEnds()
	{
		SpawnOptions o = command({"/bin/sleep", "30"});
		o.stdoutMode = SpawnOptions::Output::DEV_NULL;
		o.parentDeathSignal = SIGKILL;
		pid_t pid = -1;
		std::thread spawner([&] { pid = ProcessSpawner::spawn(o).pid; });
		spawner.join();
		std::optional<ProcessStatus> status = ProcessSpawner::waitFor(pid, Poco::Timespan(10, 0));
		CPPUNIT_ASSERT(status.has_value());
		CPPUNIT_ASSERT_EQUAL(-SIGKILL, status->code());
	}

	void testRootDropsToTheGivenUser()
	{
		if (::geteuid() != 0) return; // only root can switch accounts
		SpawnOptions o = command({"/usr/bin/id"});
		o.uid = 65534;
		o.gid = 65534;
		Output out = runToEnd(o);
		CPPUNIT_ASSERT(out.text.find("uid=65534") == 0);
		CPPUNIT_ASSERT(out.text.find("gid=65534") != std::string::npos);
		CPPUNIT_ASSERT(out.text.find("groups=65534") != std::string::npos);
	}

	void testUserDropLeavesTheParentsThreadsAlone()
	{
		// The child shares the parent's memory until exec: the identity it takes
		// must stay its own, in no thread of the parent.
		if (::geteuid() != 0) return; // only root can switch accounts
		std::mutex lock;
		std::condition_variable changed;
		bool spawned = false;
		pid_t helperTid = 0;
		std::thread helper([&] {
			std::unique_lock<std::mutex> guard(lock);
			helperTid = static_cast<pid_t>(::syscall(SYS_gettid));
			changed.notify_all();
			changed.wait(guard, [&] { return spawned; });
		});
		{
			std::unique_lock<std::mutex> guard(lock);
			changed.wait(guard, [&] { return helperTid != 0; });
		}
		SpawnOptions o = command({"/usr/bin/id"});
		o.uid = 65534;
		o.gid = 65534;
		o.groups = std::vector<gid_t>{65534};
		Output out = runToEnd(o);
		std::string helperStatus = Sygen::Test::readFile("/proc/self/task/" + std::to_string(helperTid) + "/status");
		{
			std::lock_guard<std::mutex> guard(lock);
			spawned = true;
		}
		changed.notify_all();
		helper.join();
		CPPUNIT_ASSERT(out.text.find("uid=65534") == 0);
		CPPUNIT_ASSERT_EQUAL(std::string("Uid:\t0\t0\t0\t0"), statusLine(helperStatus, "Uid:"));
		CPPUNIT_ASSERT_EQUAL(std::string("Gid:\t0\t0\t0\t0"), statusLine(helperStatus, "Gid:"));
		CPPUNIT_ASSERT_EQUAL(0u, static_cast<unsigned>(::geteuid()));
		CPPUNIT_ASSERT_EQUAL(0u, static_cast<unsigned>(::getegid()));
		CPPUNIT_ASSERT(!hasGroup(65534));
	}

	void testParentDeathSignalSurvivesTheUserDrop()
	{
		if (::geteuid() != 0) return; // only root can switch accounts
		SpawnOptions o = command({"/bin/sleep", "30"});
		o.stdoutMode = SpawnOptions::Output::DEV_NULL;
		o.uid = 65534;
		o.gid = 65534;
		o.parentDeathSignal = SIGKILL;
		pid_t pid = -1;
		std::thread spawner([&] { pid = ProcessSpawner::spawn(o).pid; });
		spawner.join();
		std::optional<ProcessStatus> status = ProcessSpawner::waitFor(pid, Poco::Timespan(10, 0));
		if (!status) ProcessSpawner::killProcessGroup(pid, SIGKILL);
		CPPUNIT_ASSERT(status.has_value());
		CPPUNIT_ASSERT_EQUAL(-SIGKILL, status->code());
	}

	void testWorkingDirectoryIsEnteredAsTheDroppedUser()
	{
		if (::geteuid() != 0) return; // only root can switch accounts
		Sygen::Test::TempDir dir;     // 0700, root's
		SpawnOptions o = command({"/bin/true"});
		o.uid = 65534;
		o.gid = 65534;
		o.cwd = dir.path();
		try
		{
			ProcessSpawner::spawn(o);
			CPPUNIT_FAIL("spawn must throw");
		}
		catch (SpawnException& exc)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("chdir"), exc.stage());
			CPPUNIT_ASSERT_EQUAL(EACCES, exc.code());
		}
	}

	void testWaitForTimesOutWhileChildRuns()
	{
		SpawnOptions o = command({"/bin/sleep", "30"});
		o.stdoutMode = SpawnOptions::Output::DEV_NULL;
		pid_t pid = ProcessSpawner::spawn(o).pid;
		CPPUNIT_ASSERT(!ProcessSpawner::waitFor(pid, Poco::Timespan(0, 50000)).has_value());
		CPPUNIT_ASSERT(!ProcessSpawner::tryWait(pid).has_value());
		CPPUNIT_ASSERT(ProcessSpawner::killProcessGroup(pid, SIGKILL));
		CPPUNIT_ASSERT_EQUAL(-SIGKILL, ProcessSpawner::wait(pid).code());
	}

	void testKillProcessGroupReachesGrandchildren()
	{
		SpawnedProcess p = ProcessSpawner::spawn(command({"/bin/sh", "-c", "sleep 30 & echo $!; wait"}));
		std::string line;
		char c;
		while (::read(p.stdoutFd, &c, 1) == 1 && c != '\n') line += c;
		int grandchild = std::stoi(line);
		CPPUNIT_ASSERT(ProcessSpawner::processGroupExists(p.pid));
		ProcessSpawner::killProcessGroup(p.pid, SIGKILL);
		ProcessSpawner::wait(p.pid);
		readAll(p.stdoutFd);
		for (int i = 0; i < 500 && !Sygen::Test::isProcessGone(grandchild); ++i) ::usleep(10000);
		CPPUNIT_ASSERT(Sygen::Test::isProcessGone(grandchild));
	}

	void testEmptyArgvIsRejected()
	{
		SpawnOptions o;
		CPPUNIT_ASSERT_THROW(ProcessSpawner::spawn(o), Poco::InvalidArgumentException);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProcessSpawnerTest);
