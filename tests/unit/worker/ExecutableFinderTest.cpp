//
// ExecutableFinderTest.cpp
//

#include "ExecutableFinder.h"
#include "TestSupport.h"
#include <Poco/File.h>
#include <cppunit/extensions/HelperMacros.h>
#include <sys/stat.h>

using Sygen::ExecutableFinder;

namespace {

void makeExecutable(const std::string& path, mode_t mode = 0755)
{
	Sygen::Test::writeFile(path, "#!/bin/sh\n");
	::chmod(path.c_str(), mode);
}

} // namespace

class ExecutableFinderTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ExecutableFinderTest);
	CPPUNIT_TEST(testFirstMatchOnPathWins);
	CPPUNIT_TEST(testSkipsNonExecutablesFoldersAndRelativeEntries);
	CPPUNIT_TEST(testExtraDirsAreSearchedAfterPath);
	CPPUNIT_TEST(testNamesWithSlashAreRefused);
	CPPUNIT_TEST(testNewestNvmVersionComparesNumerically);
	CPPUNIT_TEST_SUITE_END();

public:
	void testFirstMatchOnPathWins()
	{
		Sygen::Test::TempDir dir;
		makeExecutable(dir.file("a/claude"));
		makeExecutable(dir.file("b/claude"));
		CPPUNIT_ASSERT_EQUAL(dir.file("a/claude"), ExecutableFinder::find("claude", dir.file("a") + ":" + dir.file("b")).value());
	}

	void testSkipsNonExecutablesFoldersAndRelativeEntries()
	{
		Sygen::Test::TempDir d;
		makeExecutable(d.file("a/claude"), 0644);
		Poco::File(d.file("b/claude")).createDirectories();
		makeExecutable(d.file("c/claude"));
		std::string path = "relative:" + d.file("a") + "::" + d.file("b") + ":" + d.file("c");
		CPPUNIT_ASSERT_EQUAL(d.file("c/claude"), ExecutableFinder::find("claude", path).value());
		CPPUNIT_ASSERT(!ExecutableFinder::find("claude", d.file("a") + ":" + d.file("b")).has_value());
	}

	void testExtraDirsAreSearchedAfterPath()
	{
		Sygen::Test::TempDir d;
		makeExecutable(d.file("nvm/gemini"));
		CPPUNIT_ASSERT_EQUAL(d.file("nvm/gemini"), ExecutableFinder::find("gemini", "/nonexistent", {d.file("nvm")}).value());
		CPPUNIT_ASSERT(!ExecutableFinder::find("gemini", "/nonexistent").has_value());
	}

	void testNamesWithSlashAreRefused()
	{
		CPPUNIT_ASSERT(!ExecutableFinder::find("../sh", "/bin").has_value());
		CPPUNIT_ASSERT(!ExecutableFinder::find("", "/bin").has_value());
	}

	void testNewestNvmVersionComparesNumerically()
	{
		Sygen::Test::TempDir d;
		for (const char* v: {"v20.9.1", "v20.10.0", "v18.19.0", "system"})
		{
			Poco::File(d.file(std::string(".nvm/versions/node/") + v + "/bin")).createDirectories();
		}
		CPPUNIT_ASSERT_EQUAL(d.file(".nvm/versions/node/v20.10.0/bin"), ExecutableFinder::newestNvmBin(d.path()).value());
		CPPUNIT_ASSERT(!ExecutableFinder::newestNvmBin(d.file("nohome")).has_value());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ExecutableFinderTest);
