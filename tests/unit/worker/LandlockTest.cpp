//
// LandlockTest.cpp
//

#include "Landlock.h"
#include "Sygen/Foundation/ProcessSpawner.h"
#include "TestSupport.h"
#include <Poco/File.h>
#include <cppunit/extensions/HelperMacros.h>
#include <memory>

using Sygen::Landlock;
using Sygen::ProcessSpawner;
using Sygen::SpawnOptions;

namespace {

int runConfined(const std::shared_ptr<Landlock>& ruleset, const std::string& script)
{
	SpawnOptions o;
	o.executable = "/bin/sh";
	o.argv = {"sh", "-c", script};
	o.stdoutMode = SpawnOptions::Output::DEV_NULL;
	o.stderrMode = SpawnOptions::Output::DEV_NULL;
	o.noNewPrivileges = true;
	o.preExec = [ruleset] { return ruleset->restrictSelf(); };
	return ProcessSpawner::wait(ProcessSpawner::spawn(o).pid).code();
}

} // namespace

class LandlockTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(LandlockTest);
	CPPUNIT_TEST(testThisKernelHasLandlock);
	CPPUNIT_TEST(testHandlesTheWriteRightsOfTheRunningAbi);
	CPPUNIT_TEST(testWritesOnlyBeneathAllowedFolders);
	CPPUNIT_TEST(testRemovingAndRenamingOutsideAreRefused);
	CPPUNIT_TEST(testReadingAndExecutingStayAllowed);
	CPPUNIT_TEST(testAllowedFileCanBeWrittenButNotReplaced);
	CPPUNIT_TEST(testMissingPathIsReportedNotAllowed);
	CPPUNIT_TEST_SUITE_END();

public:
	void testThisKernelHasLandlock()
	{
		// The development and CI machines run kernels with Landlock; the sandbox
		// code also works without it, which Sandbox logs once.
		CPPUNIT_ASSERT(Landlock::abiVersion() >= 1);
	}

	void testHandlesTheWriteRightsOfTheRunningAbi()
	{
		if (Landlock::abiVersion() < 1) return;
		Landlock ruleset;
		std::uint64_t refer = 1ULL << 13, truncate = 1ULL << 14, readFile = 1ULL << 2, execute = 1ULL << 0;
		CPPUNIT_ASSERT_EQUAL(Landlock::abiVersion() >= 2, (ruleset.handledRights() & refer) != 0);
		CPPUNIT_ASSERT_EQUAL(Landlock::abiVersion() >= 3, (ruleset.handledRights() & truncate) != 0);
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), ruleset.handledRights() & (readFile | execute));
	}

	void testWritesOnlyBeneathAllowedFolders()
	{
		if (Landlock::abiVersion() < 1) return;
		Sygen::Test::TempDir dir;
		Poco::File(dir.file("allowed/sub")).createDirectories();
		Poco::File(dir.file("denied")).createDirectories();
		auto ruleset = std::make_shared<Landlock>();
		CPPUNIT_ASSERT(ruleset->allowWrites(dir.file("allowed")));
		CPPUNIT_ASSERT_EQUAL(0, runConfined(ruleset, "echo x > '" + dir.file("allowed/sub/f") + "'"));
		CPPUNIT_ASSERT(Poco::File(dir.file("allowed/sub/f")).exists());
		CPPUNIT_ASSERT(runConfined(ruleset, "echo x > '" + dir.file("denied/f") + "'") != 0);
		CPPUNIT_ASSERT(!Poco::File(dir.file("denied/f")).exists());
		CPPUNIT_ASSERT(runConfined(ruleset, "mkdir '" + dir.file("newdir") + "'") != 0);
		CPPUNIT_ASSERT(!Poco::File(dir.file("newdir")).exists());
	}

	void testRemovingAndRenamingOutsideAreRefused()
	{
		if (Landlock::abiVersion() < 1) return;
		Sygen::Test::TempDir dir;
		Poco::File(dir.file("allowed")).createDirectories();
		Sygen::Test::writeFile(dir.file("keep.txt"), "precious");
		auto ruleset = std::make_shared<Landlock>();
		ruleset->allowWrites(dir.file("allowed"));
		CPPUNIT_ASSERT(runConfined(ruleset, "rm -f '" + dir.file("keep.txt") + "'") != 0);
		CPPUNIT_ASSERT(runConfined(ruleset, "mv '" + dir.file("keep.txt") + "' '" + dir.file("allowed/x") + "'") != 0);
		CPPUNIT_ASSERT_EQUAL(std::string("precious"), Sygen::Test::readFile(dir.file("keep.txt")));
	}

	void testReadingAndExecutingStayAllowed()
	{
		if (Landlock::abiVersion() < 1) return;
		auto ruleset = std::make_shared<Landlock>();
		ruleset->allowWrites("/dev/null");
		CPPUNIT_ASSERT_EQUAL(0, runConfined(ruleset, "cat /etc/passwd > /dev/null && /bin/true"));
	}

	void testAllowedFileCanBeWrittenButNotReplaced()
	{
		if (Landlock::abiVersion() < 1) return;
		Sygen::Test::TempDir dir;
		Sygen::Test::writeFile(dir.file("state.json"), "{}");
		auto ruleset = std::make_shared<Landlock>();
		CPPUNIT_ASSERT(ruleset->allowWrites(dir.file("state.json")));
		CPPUNIT_ASSERT_EQUAL(0, runConfined(ruleset, "echo '{\"a\":1}' > '" + dir.file("state.json") + "'"));
		CPPUNIT_ASSERT_EQUAL(std::string("{\"a\":1}\n"), Sygen::Test::readFile(dir.file("state.json")));
		CPPUNIT_ASSERT(runConfined(ruleset, "echo x > '" + dir.file("state.json.tmp") + "'") != 0);
	}

	void testMissingPathIsReportedNotAllowed()
	{
		if (Landlock::abiVersion() < 1) return;
		Landlock ruleset;
		CPPUNIT_ASSERT(!ruleset.allowWrites("/nonexistent/folder"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(LandlockTest);
