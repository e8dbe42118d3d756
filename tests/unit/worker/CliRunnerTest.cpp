//
// CliRunnerTest.cpp
//

#include "CliRunner.h"
#include "WorkerTestSupport.h"
#include <Poco/Clock.h>
#include <cppunit/extensions/HelperMacros.h>
#include <csignal>
#include <sstream>
#include <unistd.h>

using Sygen::CliOutcome;
using Sygen::CliRunner;
using Sygen::SpawnException;
using Sygen::SpawnOptions;

namespace {

SpawnOptions shell(const std::string& script)
{
	SpawnOptions o;
	o.executable = "/bin/sh";
	o.argv = {"sh", "-c", script};
	return o;
}

CliRunner::Limits limits(long timeoutMs = 10000, long graceMs = 300)
{
	CliRunner::Limits l;
	l.timeout = Poco::Timespan(0, timeoutMs * 1000);
	l.killGrace = Poco::Timespan(0, graceMs * 1000);
	return l;
}

int firstLineNumber(const std::string& text)
{
	return std::stoi(text.substr(0, text.find('\n')));
}

} // namespace

class CliRunnerTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(CliRunnerTest);
	CPPUNIT_TEST(testCapturesStdoutAndStderrSeparately);
	CPPUNIT_TEST(testExitCodeAndSignalAreReported);
	CPPUNIT_TEST(testStdinTextIsDeliveredThenClosed);
	CPPUNIT_TEST(testLargeStdinBeyondThePipeBuffer);
	CPPUNIT_TEST(testCliClosingStdinEarlyIsNotFatal);
	CPPUNIT_TEST(testStdoutIsBoundedButDrained);
	CPPUNIT_TEST(testStderrKeepsOnlyTheTail);
	CPPUNIT_TEST(testTimeoutTerminatesTheGroup);
	CPPUNIT_TEST(testIgnoredTermIsFollowedByKillAfterGrace);
	CPPUNIT_TEST(testTimedOutCliAndGrandchildAreGone);
	CPPUNIT_TEST(testGrandchildLeftBehindByAFinishedCliIsKilled);
	CPPUNIT_TEST(testMissingProgramThrowsSpawnException);
	CPPUNIT_TEST(testGroupFileNamesTheGroupWhileTheCliRunsAndZeroAfter);
	CPPUNIT_TEST_SUITE_END();

public:
	void testGroupFileNamesTheGroupWhileTheCliRunsAndZeroAfter()
	{
		// The CLI prints the record as it stands during its run: its own group. The
		// worker writes it just after the spawn, so the CLI waits (at most 5 s) until
		// the record names it; a record never written leaves the old one to print.
		Sygen::Test::TempDir dir;
		std::string file = dir.file("running/1.pgid");
		std::string boot = CliRunner::bootId();
		const std::string awaitRecord = "for i in $(seq 1 500); do grep -q \"^$$ \" " + file + " 2>/dev/null && break; sleep 0.01; done; ";
		for (int run = 0; run < 2; ++run)
		{
			CliOutcome o = CliRunner::run(shell(awaitRecord + "echo $$; cat " + file), std::nullopt, limits(), file);
			CPPUNIT_ASSERT(o.status.success());
			std::string pid = o.stdoutText.substr(0, o.stdoutText.find('\n'));
			std::string during = o.stdoutText.substr(pid.size() + 1);
			CPPUNIT_ASSERT_EQUAL(pid + " " + boot, during.substr(0, pid.size() + 1 + boot.size()));
			// The file stays, rewritten in place with a record of the same length.
			std::string after = Sygen::Test::readFile(file);
			CPPUNIT_ASSERT_EQUAL(during.size(), after.size());
			CPPUNIT_ASSERT_EQUAL(std::string("0 ") + boot, after.substr(0, 2 + boot.size()));
			CPPUNIT_ASSERT_EQUAL('\n', after.back());
			long pgid = -1;
			std::string parsedBoot;
			std::istringstream(after) >> pgid >> parsedBoot;
			CPPUNIT_ASSERT_EQUAL(0L, pgid);
			CPPUNIT_ASSERT_EQUAL(boot, parsedBoot);
		}
		// Removed meanwhile (a supervisor's clean-up): written again where it belongs.
		CPPUNIT_ASSERT_EQUAL(0, ::unlink(file.c_str()));
		CliOutcome o = CliRunner::run(shell(awaitRecord + "cat " + file), std::nullopt, limits(), file);
		CPPUNIT_ASSERT(o.stdoutText.find(" " + boot) != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(std::string("0 ") + boot, Sygen::Test::readFile(file).substr(0, 2 + boot.size()));
	}

	void testCapturesStdoutAndStderrSeparately()
	{
		CliOutcome o = CliRunner::run(shell("echo out; echo err >&2"), std::nullopt, limits());
		CPPUNIT_ASSERT_EQUAL(std::string("out\n"), o.stdoutText);
		CPPUNIT_ASSERT_EQUAL(std::string("err\n"), o.stderrTail);
		CPPUNIT_ASSERT(o.status.success());
		CPPUNIT_ASSERT(!o.timedOut);
	}

	void testExitCodeAndSignalAreReported()
	{
		CPPUNIT_ASSERT_EQUAL(3, CliRunner::run(shell("exit 3"), std::nullopt, limits()).status.code());
		CPPUNIT_ASSERT_EQUAL(-SIGSEGV, CliRunner::run(shell("kill -SEGV $$"), std::nullopt, limits()).status.code());
	}

	void testStdinTextIsDeliveredThenClosed()
	{
		SpawnOptions o;
		o.executable = "/bin/cat";
		o.argv = {"cat"};
		CPPUNIT_ASSERT_EQUAL(std::string("the prompt"), CliRunner::run(o, std::string("the prompt"), limits()).stdoutText);
		// Without stdin text, stdin is /dev/null: cat ends at once.
		CPPUNIT_ASSERT_EQUAL(std::string(), CliRunner::run(o, std::nullopt, limits()).stdoutText);
	}

	void testLargeStdinBeyondThePipeBuffer()
	{
		std::string big(1 << 20, 'x');
		CliOutcome o = CliRunner::run(shell("wc -c"), big, limits());
		CPPUNIT_ASSERT_EQUAL(std::to_string(1 << 20) + "\n", o.stdoutText);
	}

	void testCliClosingStdinEarlyIsNotFatal()
	{
		// Default SIGPIPE disposition: a write to the closed pipe must still not kill us.
		struct sigaction dfl
		{
		}, old{};
		dfl.sa_handler = SIG_DFL;
		::sigaction(SIGPIPE, &dfl, &old);
		CliOutcome o = CliRunner::run(shell("exec 0<&-; echo closed"), std::string(1 << 20, 'x'), limits());
		::sigaction(SIGPIPE, &old, nullptr);
		CPPUNIT_ASSERT(o.status.success());
		CPPUNIT_ASSERT_EQUAL(std::string("closed\n"), o.stdoutText);
	}

	void testStdoutIsBoundedButDrained()
	{
		CliRunner::Limits l = limits();
		l.stdoutLimit = 1000;
		CliOutcome o = CliRunner::run(shell("head -c 300000 /dev/zero"), std::nullopt, l);
		CPPUNIT_ASSERT_EQUAL(size_t(1000), o.stdoutText.size());
		CPPUNIT_ASSERT(o.stdoutTruncated);
		CPPUNIT_ASSERT(o.status.success()); // not killed by SIGPIPE: the rest was read and dropped
	}

	void testStderrKeepsOnlyTheTail()
	{
		CliRunner::Limits l = limits();
		l.stderrTail = 100;
		CliOutcome o = CliRunner::run(shell("head -c 100000 /dev/zero | tr '\\0' a >&2; printf END >&2"), std::nullopt, l);
		CPPUNIT_ASSERT_EQUAL(size_t(100), o.stderrTail.size());
		CPPUNIT_ASSERT_EQUAL(std::string(97, 'a') + "END", o.stderrTail);
	}

	void testTimeoutTerminatesTheGroup()
	{
		Poco::Clock start;
		CliOutcome o = CliRunner::run(shell("sleep 30"), std::nullopt, limits(200));
		CPPUNIT_ASSERT(o.timedOut);
		CPPUNIT_ASSERT_EQUAL(-SIGTERM, o.status.code());
		CPPUNIT_ASSERT(start.elapsed() < 10 * 1000000);
	}

	void testIgnoredTermIsFollowedByKillAfterGrace()
	{
		CliOutcome o = CliRunner::run(shell("trap '' TERM; while :; do sleep 1; done"), std::nullopt, limits(200, 200));
		CPPUNIT_ASSERT(o.timedOut);
		CPPUNIT_ASSERT_EQUAL(-SIGKILL, o.status.code());
	}

	void testTimedOutCliAndGrandchildAreGone()
	{
		// The grandchild ignores SIGTERM and keeps stdout open.
		CliOutcome o = CliRunner::run(shell("trap '' TERM; sleep 30 & echo $!; echo $$; wait"), std::nullopt, limits(300, 200));
		CPPUNIT_ASSERT(o.timedOut);
		int grandchild = firstLineNumber(o.stdoutText);
		int cli = std::stoi(o.stdoutText.substr(o.stdoutText.find('\n') + 1));
		CPPUNIT_ASSERT(Sygen::Test::isProcessGone(cli));
		CPPUNIT_ASSERT(waitGone(grandchild));
	}

	void testGrandchildLeftBehindByAFinishedCliIsKilled()
	{
		Poco::Clock start;
		CliOutcome o = CliRunner::run(shell("sleep 30 & echo $!"), std::nullopt, limits(20000));
		CPPUNIT_ASSERT(!o.timedOut);
		CPPUNIT_ASSERT(o.status.success());
		CPPUNIT_ASSERT(start.elapsed() < 10 * 1000000);
		CPPUNIT_ASSERT(waitGone(firstLineNumber(o.stdoutText)));
	}

	void testMissingProgramThrowsSpawnException()
	{
		SpawnOptions o;
		o.executable = "/nonexistent/claude";
		o.argv = {"claude"};
		CPPUNIT_ASSERT_THROW(CliRunner::run(o, std::nullopt, limits()), SpawnException);
	}

private:
	static bool waitGone(int pid)
	{
		// SIGKILL is delivered asynchronously; give the kernel a moment.
		for (int i = 0; i < 500 && !Sygen::Test::isProcessGone(pid); ++i) ::usleep(10000);
		return Sygen::Test::isProcessGone(pid);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(CliRunnerTest);
