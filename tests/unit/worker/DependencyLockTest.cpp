//
// DependencyLockTest.cpp
//

#include "DependencyLock.h"
#include "TestSupport.h"
#include <Poco/File.h>
#include <cppunit/extensions/HelperMacros.h>
#include <sys/stat.h>

using Sygen::DependencyLock;

class DependencyLockTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(DependencyLockTest);
	CPPUNIT_TEST(testHoldsTheFileLockUntilDestroyed);
	CPPUNIT_TEST(testCreatesLocksFolderAndPrivateFile);
	CPPUNIT_TEST(testNamesCannotEscapeTheLocksFolder);
	CPPUNIT_TEST(testDistinctNamesGiveDistinctFiles);
	CPPUNIT_TEST_SUITE_END();

public:
	void testHoldsTheFileLockUntilDestroyed()
	{
		Sygen::Test::TempDir dir;
		std::string path;
		{
			DependencyLock lock(dir.file("locks"), "nightly");
			path = lock.path();
			CPPUNIT_ASSERT_EQUAL(dir.file("locks/nightly.lock"), path);
			CPPUNIT_ASSERT(DependencyLock::isLocked(path));
		}
		CPPUNIT_ASSERT(!DependencyLock::isLocked(path));
		CPPUNIT_ASSERT(Poco::File(path).exists());
	}

	void testCreatesLocksFolderAndPrivateFile()
	{
		Sygen::Test::TempDir dir;
		DependencyLock lock(dir.file("state/locks"), "db");
		struct stat st;
		CPPUNIT_ASSERT_EQUAL(0, ::stat(lock.path().c_str(), &st));
		CPPUNIT_ASSERT_EQUAL(0600, static_cast<int>(st.st_mode & 0777));
	}

	void testNamesCannotEscapeTheLocksFolder()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("%2E.%2Fetc%2Fpasswd.lock"), DependencyLock::fileName("../etc/passwd"));
		CPPUNIT_ASSERT_EQUAL(std::string("%2E.lock"), DependencyLock::fileName("."));
		CPPUNIT_ASSERT_EQUAL(std::string("a.b-c_d.lock"), DependencyLock::fileName("a.b-c_d"));
		CPPUNIT_ASSERT_EQUAL(std::string("caf%C3%A9%20bar.lock"), DependencyLock::fileName("caf\xC3\xA9 bar"));
	}

	void testDistinctNamesGiveDistinctFiles()
	{
		CPPUNIT_ASSERT(DependencyLock::fileName("a/b") != DependencyLock::fileName("a_b"));
		CPPUNIT_ASSERT(DependencyLock::fileName("a%2Fb") != DependencyLock::fileName("a/b"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(DependencyLockTest);
