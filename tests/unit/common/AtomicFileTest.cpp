//
// AtomicFileTest.cpp
//

#include "Sygen/Foundation/AtomicFile.h"
#include "TestSupport.h"
#include <Poco/DirectoryIterator.h>
#include <Poco/Exception.h>
#include <cppunit/extensions/HelperMacros.h>
#include <sys/stat.h>

using Sygen::AtomicFile;
using Sygen::Test::readFile;
using Sygen::Test::TempDir;
using Sygen::Test::writeFile;

namespace {

mode_t modeOf(const std::string& path)
{
	struct stat st;
	if (::stat(path.c_str(), &st) != 0) throw Poco::FileNotFoundException(path);
	return st.st_mode & 07777;
}

ino_t inodeOf(const std::string& path)
{
	struct stat st;
	if (::stat(path.c_str(), &st) != 0) throw Poco::FileNotFoundException(path);
	return st.st_ino;
}

std::size_t entriesIn(const std::string& dir)
{
	std::size_t n = 0;
	for (Poco::DirectoryIterator it(dir), end; it != end; ++it) ++n;
	return n;
}

} // namespace

class AtomicFileTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(AtomicFileTest);
	CPPUNIT_TEST(testWritesContentWithMode0600ByDefault);
	CPPUNIT_TEST(testWritesRequestedModeRegardlessOfUmask);
	CPPUNIT_TEST(testReplacesExistingFileByRename);
	CPPUNIT_TEST(testLeavesNoTemporaryFileBehind);
	CPPUNIT_TEST(testThrowsWhenFolderIsMissing);
	CPPUNIT_TEST(testThrowsWhenTargetIsAFolderAndCleansUp);
	CPPUNIT_TEST(testSyncDirectoryThrowsForMissingFolder);
	CPPUNIT_TEST(testLockExcludesSecondHolderUntilReleased);
	CPPUNIT_TEST(testLockFileIsCreatedWithMode0600);
	CPPUNIT_TEST(testUnlockIsIdempotent);
	CPPUNIT_TEST(testLockThrowsWhenLockFileCannotBeCreated);
	CPPUNIT_TEST_SUITE_END();

public:
	void testWritesContentWithMode0600ByDefault()
	{
		TempDir dir;
		AtomicFile::write(dir.file("a.json"), "{}\n");
		CPPUNIT_ASSERT_EQUAL(std::string("{}\n"), readFile(dir.file("a.json")));
		CPPUNIT_ASSERT_EQUAL(mode_t(0600), modeOf(dir.file("a.json")));
	}

	void testWritesRequestedModeRegardlessOfUmask()
	{
		TempDir dir;
		mode_t old = ::umask(077);
		AtomicFile::write(dir.file("b"), "x", 0644);
		::umask(old);
		CPPUNIT_ASSERT_EQUAL(mode_t(0644), modeOf(dir.file("b")));
	}

	void testReplacesExistingFileByRename()
	{
		TempDir dir;
		writeFile(dir.file("c"), "old content");
		::chmod(dir.file("c").c_str(), 0644);
		ino_t before = inodeOf(dir.file("c"));
		AtomicFile::write(dir.file("c"), "new", 0600);
		CPPUNIT_ASSERT_EQUAL(std::string("new"), readFile(dir.file("c")));
		CPPUNIT_ASSERT(inodeOf(dir.file("c")) != before);
		CPPUNIT_ASSERT_EQUAL(mode_t(0600), modeOf(dir.file("c")));
	}

	void testLeavesNoTemporaryFileBehind()
	{
		TempDir dir;
		AtomicFile::write(dir.file("d"), "1");
		AtomicFile::write(dir.file("d"), "2");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), entriesIn(dir.path()));
	}

	void testThrowsWhenFolderIsMissing()
	{
		TempDir dir;
		CPPUNIT_ASSERT_THROW(AtomicFile::write(dir.file("missing/e"), "x"), Poco::FileException);
	}

	void testThrowsWhenTargetIsAFolderAndCleansUp()
	{
		TempDir dir;
		writeFile(dir.file("sub/keep"), "k");
		CPPUNIT_ASSERT_THROW(AtomicFile::write(dir.file("sub"), "x"), Poco::FileException);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), entriesIn(dir.path()));
		CPPUNIT_ASSERT_EQUAL(std::string("k"), readFile(dir.file("sub/keep")));
	}

	void testSyncDirectoryThrowsForMissingFolder()
	{
		TempDir dir;
		AtomicFile::syncDirectory(dir.path());
		CPPUNIT_ASSERT_THROW(AtomicFile::syncDirectory(dir.file("nope")), Poco::FileException);
	}

	void testLockExcludesSecondHolderUntilReleased()
	{
		TempDir dir;
		std::string target = dir.file("hooks.json");
		{
			AtomicFile::Lock first(target);
			CPPUNIT_ASSERT(first.locked());
			AtomicFile::Lock second(target, false);
			CPPUNIT_ASSERT(!second.locked());
		}
		AtomicFile::Lock third(target, false);
		CPPUNIT_ASSERT(third.locked());
	}

	void testLockFileIsCreatedWithMode0600()
	{
		TempDir dir;
		std::string target = dir.file("hooks.json");
		AtomicFile::Lock lock(target);
		CPPUNIT_ASSERT_EQUAL(target + ".lock", AtomicFile::lockPath(target));
		CPPUNIT_ASSERT_EQUAL(mode_t(0), modeOf(target + ".lock") & 0177); // owner-only
	}

	void testUnlockIsIdempotent()
	{
		TempDir dir;
		std::string target = dir.file("f");
		AtomicFile::Lock lock(target);
		lock.unlock();
		CPPUNIT_ASSERT(!lock.locked());
		lock.unlock();
		AtomicFile::Lock other(target, false);
		CPPUNIT_ASSERT(other.locked());
	}

	void testLockThrowsWhenLockFileCannotBeCreated()
	{
		TempDir dir;
		CPPUNIT_ASSERT_THROW(AtomicFile::Lock(dir.file("missing/f")), Poco::FileException);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(AtomicFileTest);
