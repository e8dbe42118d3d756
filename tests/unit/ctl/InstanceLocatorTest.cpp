//
// InstanceLocatorTest.cpp
//
// Which instance sygen-webhookctl uses: explicit options, $SYGEN_HOME, the
// installed system service (under $SYGEN_WEBHOOK_SYSTEM_ROOT, never the real
// /etc), else ~/.sygen.
//

#include "InstanceLocator.h"
#include "CtlApp.h"
#include "TestSupport.h"
#include <Poco/File.h>
#include <cppunit/extensions/HelperMacros.h>
#include <cstdlib>
#include <sstream>

using Sygen::CtlApp;
using Sygen::InstanceLocator;
using Sygen::Test::EnvGuard;
using Sygen::Test::TempDir;
using Sygen::Test::writeFile;

class InstanceLocatorTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(InstanceLocatorTest);
	CPPUNIT_TEST(testSystemPathsAreThoseOfThePackages);
	CPPUNIT_TEST(testSystemConfigPresentChoosesTheSystemInstance);
	CPPUNIT_TEST(testNoSystemConfigMeansTheUsersHome);
	CPPUNIT_TEST(testExplicitOptionsAndSygenHomeWin);
	CPPUNIT_TEST(testAFolderNamedLikeTheConfigIsNotAConfig);
	CPPUNIT_TEST(testCtlReadsTheSystemInstancesHooksWithNoFlags);
	CPPUNIT_TEST_SUITE_END();

public:
	void testSystemPathsAreThoseOfThePackages()
	{
		EnvGuard root("SYGEN_WEBHOOK_SYSTEM_ROOT", nullptr);
		// The unit's ExecStart (--home /var/lib/sygen-webhook --config /etc/...).
		CPPUNIT_ASSERT_EQUAL(std::string("/etc/sygen-webhook/config.json"), InstanceLocator::systemConfigFile());
		CPPUNIT_ASSERT_EQUAL(std::string("/var/lib/sygen-webhook"), InstanceLocator::systemHome());
		EnvGuard other("SYGEN_WEBHOOK_SYSTEM_ROOT", "/srv/root/");
		CPPUNIT_ASSERT_EQUAL(std::string("/srv/root/etc/sygen-webhook/config.json"), InstanceLocator::systemConfigFile());
		CPPUNIT_ASSERT_EQUAL(std::string("/srv/root/var/lib/sygen-webhook"), InstanceLocator::systemHome());
	}

	void testSystemConfigPresentChoosesTheSystemInstance()
	{
		TempDir dir;
		writeFile(dir.file("etc/sygen-webhook/config.json"), "{}\n");
		EnvGuard root("SYGEN_WEBHOOK_SYSTEM_ROOT", dir.path().c_str());
		EnvGuard home("SYGEN_HOME", nullptr);
		InstanceLocator::Location l = InstanceLocator::resolve("", "");
		CPPUNIT_ASSERT(l.system);
		CPPUNIT_ASSERT_EQUAL(dir.file("etc/sygen-webhook/config.json"), l.config);
		CPPUNIT_ASSERT_EQUAL(dir.file("var/lib/sygen-webhook"), l.home);
		// An empty $SYGEN_HOME is no choice (as Config::resolveHome treats it).
		EnvGuard empty("SYGEN_HOME", "");
		CPPUNIT_ASSERT(InstanceLocator::resolve("", "").system);
	}

	void testNoSystemConfigMeansTheUsersHome()
	{
		TempDir dir;
		EnvGuard root("SYGEN_WEBHOOK_SYSTEM_ROOT", dir.path().c_str());
		EnvGuard home("SYGEN_HOME", nullptr);
		InstanceLocator::Location l = InstanceLocator::resolve("", "");
		CPPUNIT_ASSERT(!l.system);
		CPPUNIT_ASSERT_EQUAL(std::string(), l.home);
		CPPUNIT_ASSERT_EQUAL(std::string(), l.config);
	}

	void testExplicitOptionsAndSygenHomeWin()
	{
		TempDir dir;
		writeFile(dir.file("etc/sygen-webhook/config.json"), "{}\n");
		EnvGuard root("SYGEN_WEBHOOK_SYSTEM_ROOT", dir.path().c_str());
		{
			EnvGuard home("SYGEN_HOME", nullptr);
			InstanceLocator::Location l = InstanceLocator::resolve("/tmp/h", "");
			CPPUNIT_ASSERT(!l.system);
			CPPUNIT_ASSERT_EQUAL(std::string("/tmp/h"), l.home);
			CPPUNIT_ASSERT_EQUAL(std::string(), l.config);
			l = InstanceLocator::resolve("", "/tmp/c.json");
			CPPUNIT_ASSERT(!l.system);
			CPPUNIT_ASSERT_EQUAL(std::string(), l.home);
			CPPUNIT_ASSERT_EQUAL(std::string("/tmp/c.json"), l.config);
		}
		EnvGuard home("SYGEN_HOME", "/srv/sygen");
		InstanceLocator::Location l = InstanceLocator::resolve("", "");
		CPPUNIT_ASSERT(!l.system);
		CPPUNIT_ASSERT_EQUAL(std::string(), l.home);
	}

	void testAFolderNamedLikeTheConfigIsNotAConfig()
	{
		TempDir dir;
		Poco::File(dir.file("etc/sygen-webhook/config.json")).createDirectories();
		EnvGuard root("SYGEN_WEBHOOK_SYSTEM_ROOT", dir.path().c_str());
		EnvGuard home("SYGEN_HOME", nullptr);
		CPPUNIT_ASSERT(!InstanceLocator::resolve("", "").system);
	}

	void testCtlReadsTheSystemInstancesHooksWithNoFlags()
	{
		TempDir dir;
		writeFile(
			dir.file("etc/sygen-webhook/config.json"), "{\"webhooks\": {\"admin_socket\": \"" + dir.file("run/admin.sock") + "\"}}\n");
		Poco::File(dir.file("var/lib/sygen-webhook")).createDirectories();
		EnvGuard root("SYGEN_WEBHOOK_SYSTEM_ROOT", dir.path().c_str());
		EnvGuard home("SYGEN_HOME", nullptr);
		CtlApp probe(_out, _err);
		CPPUNIT_ASSERT_EQUAL(dir.file("run/admin.sock"), probe.adminSocket());
		CPPUNIT_ASSERT_EQUAL(dir.file("var/lib/sygen-webhook/webhooks.json"), probe.config().paths.hooksFile);

		// Nobody listens on the socket: hooks add and list work on the system
		// instance's webhooks.json.
		std::ostringstream out, err;
		int code = CtlApp(out, err).run({"hooks", "add", "system-hook", "--mode", "wake", "--prompt", "x"});
		CPPUNIT_ASSERT_EQUAL_MESSAGE(out.str() + err.str(), 0, code);
		CPPUNIT_ASSERT(Poco::File(dir.file("var/lib/sygen-webhook/webhooks.json")).isFile());
		std::ostringstream listed, listErr;
		code = CtlApp(listed, listErr).run({"hooks", "list"});
		CPPUNIT_ASSERT_EQUAL_MESSAGE(listed.str() + listErr.str(), 0, code);
		CPPUNIT_ASSERT_MESSAGE(listed.str(), listed.str().find("system-hook") != std::string::npos);
	}

private:
	std::ostringstream _out;
	std::ostringstream _err;
};

CPPUNIT_TEST_SUITE_REGISTRATION(InstanceLocatorTest);
