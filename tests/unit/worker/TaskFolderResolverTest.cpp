//
// TaskFolderResolverTest.cpp
//

#include "TaskFolderResolver.h"
#include "Sygen/Foundation/Config.h"
#include "TestSupport.h"
#include <Poco/File.h>
#include <climits>
#include <cppunit/extensions/HelperMacros.h>
#include <cstdlib>
#include <memory>
#include <unistd.h>

using Sygen::TaskFolderResolver;

class TaskFolderResolverTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(TaskFolderResolverTest);
	CPPUNIT_TEST(testNullOrEmptyIsNoTaskFolder);
	CPPUNIT_TEST(testExistingFolderResolvesToItsRealPath);
	CPPUNIT_TEST(testNestedFolderIsAllowed);
	CPPUNIT_TEST(testMissingFolderIsFolderMissing);
	CPPUNIT_TEST(testFileIsNotAFolder);
	CPPUNIT_TEST(testAbsolutePathIsInvalid);
	CPPUNIT_TEST(testDotDotComponentIsInvalidEvenWhenItExists);
	CPPUNIT_TEST(testSymlinkLeadingOutsideIsInvalid);
	CPPUNIT_TEST(testCronTasksItselfIsInvalid);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp()
	{
		_dir.reset(new Sygen::Test::TempDir);
		_cron = Sygen::Config::Paths::underHome(_dir->path() + "/home").cronTasksDir;
		Poco::File(_cron + "/report").createDirectories();
	}

	void testNullOrEmptyIsNoTaskFolder()
	{
		TaskFolderResolver r(_cron);
		CPPUNIT_ASSERT_EQUAL(std::string("error:no_task_folder"), r.resolve(std::nullopt).status);
		CPPUNIT_ASSERT_EQUAL(std::string("error:no_task_folder"), r.resolve(std::string()).status);
	}

	void testExistingFolderResolvesToItsRealPath()
	{
		TaskFolderResolver::Resolution res = TaskFolderResolver(_cron).resolve(std::string("report"));
		CPPUNIT_ASSERT_EQUAL(std::string(), res.status);
		CPPUNIT_ASSERT_EQUAL(realPath(_cron + "/report"), res.path);
	}

	void testNestedFolderIsAllowed()
	{
		Poco::File(_cron + "/team/daily").createDirectories();
		CPPUNIT_ASSERT_EQUAL(std::string(), TaskFolderResolver(_cron).resolve(std::string("team/daily")).status);
	}

	void testMissingFolderIsFolderMissing()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("error:folder_missing"), TaskFolderResolver(_cron).resolve(std::string("nope")).status);
	}

	void testFileIsNotAFolder()
	{
		Sygen::Test::writeFile(_cron + "/file", "x");
		CPPUNIT_ASSERT_EQUAL(std::string("error:folder_missing"), TaskFolderResolver(_cron).resolve(std::string("file")).status);
	}

	void testAbsolutePathIsInvalid()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("error:invalid_task_folder"), TaskFolderResolver(_cron).resolve(_cron + "/report").status);
	}

	void testDotDotComponentIsInvalidEvenWhenItExists()
	{
		TaskFolderResolver r(_cron);
		CPPUNIT_ASSERT_EQUAL(std::string("error:invalid_task_folder"), r.resolve(std::string("../cron_tasks/report")).status);
		CPPUNIT_ASSERT_EQUAL(std::string("error:invalid_task_folder"), r.resolve(std::string("report/..")).status);
		CPPUNIT_ASSERT_EQUAL(std::string("error:invalid_task_folder"), r.resolve(std::string("..")).status);
	}

	void testSymlinkLeadingOutsideIsInvalid()
	{
		Poco::File(_dir->path() + "/elsewhere").createDirectories();
		CPPUNIT_ASSERT_EQUAL(0, ::symlink((_dir->path() + "/elsewhere").c_str(), (_cron + "/escape").c_str()));
		CPPUNIT_ASSERT_EQUAL(std::string("error:invalid_task_folder"), TaskFolderResolver(_cron).resolve(std::string("escape")).status);
		// A link that stays inside is fine.
		CPPUNIT_ASSERT_EQUAL(0, ::symlink("report", (_cron + "/alias").c_str()));
		CPPUNIT_ASSERT_EQUAL(std::string(), TaskFolderResolver(_cron).resolve(std::string("alias")).status);
	}

	void testCronTasksItselfIsInvalid()
	{
		TaskFolderResolver r(_cron);
		CPPUNIT_ASSERT_EQUAL(std::string("error:invalid_task_folder"), r.resolve(std::string(".")).status);
		CPPUNIT_ASSERT_EQUAL(std::string("error:invalid_task_folder"), r.resolve(std::string("./")).status);
	}

private:
	static std::string realPath(const std::string& p)
	{
		char buf[PATH_MAX];
		return ::realpath(p.c_str(), buf) ? buf : "";
	}

	std::unique_ptr<Sygen::Test::TempDir> _dir;
	std::string _cron;
};

CPPUNIT_TEST_SUITE_REGISTRATION(TaskFolderResolverTest);
