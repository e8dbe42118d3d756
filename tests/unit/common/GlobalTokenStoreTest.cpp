//
// GlobalTokenStoreTest.cpp
//

#include "Sygen/Auth/GlobalTokenStore.h"
#include "TestSupport.h"
#include <Poco/File.h>
#include <cppunit/extensions/HelperMacros.h>
#include <sys/stat.h>

using Sygen::Config;
using Sygen::GlobalTokenStore;
using Sygen::Test::readFile;
using Sygen::Test::TempDir;
using Sygen::Test::writeFile;

class GlobalTokenStoreTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(GlobalTokenStoreTest);
	CPPUNIT_TEST(testRotatesInTheConfigFileKeepingEveryOtherKey);
	CPPUNIT_TEST(testRotatesTheStateFileWhenTheConfigHasNoToken);
	CPPUNIT_TEST(testWithoutAnyTokenRotationWritesTheStateFile);
	CPPUNIT_TEST(testInvalidConfigIsAConfigError);
	CPPUNIT_TEST(testFingerprintHidesTheToken);
	CPPUNIT_TEST_SUITE_END();

public:
	Config::Paths paths(const TempDir& dir)
	{
		Config::Paths p;
		p.home = dir.path();
		p.configFile = dir.file("config/config.json");
		p.stateDir = dir.file("webhook-state");
		p.tokenFile = p.stateDir + "/token";
		return p;
	}

	void testRotatesInTheConfigFileKeepingEveryOtherKey()
	{
		TempDir dir;
		writeFile(dir.file("config/config.json"),
			"{\n  \"model\": \"sonnet\",\n  \"webhooks\": {\n    \"enabled\": true,\n    \"token\": \"old-token\",\n    \"port\": 1\n  },\n  \"zz\": 1\n}\n");
		::chmod(dir.file("config/config.json").c_str(), 0640);
		GlobalTokenStore store(paths(dir));
		CPPUNIT_ASSERT_EQUAL(GlobalTokenStore::CONFIG_FILE, store.locate());
		CPPUNIT_ASSERT_EQUAL(std::string("old-token"), store.read());
		std::string fresh = store.rotate();
		CPPUNIT_ASSERT_EQUAL(std::size_t(43), fresh.size());
		CPPUNIT_ASSERT_EQUAL("{\n  \"model\": \"sonnet\",\n  \"webhooks\": {\n    \"enabled\": true,\n    \"token\": \"" + fresh +
				"\",\n    \"port\": 1\n  },\n  \"zz\": 1\n}\n",
			readFile(dir.file("config/config.json")));
		struct stat st;
		::stat(dir.file("config/config.json").c_str(), &st);
		CPPUNIT_ASSERT_EQUAL(0640u, static_cast<unsigned>(st.st_mode & 0777));
		CPPUNIT_ASSERT(!Poco::File(dir.file("webhook-state/token")).exists());
		CPPUNIT_ASSERT_EQUAL(fresh, store.read());
	}

	void testRotatesTheStateFileWhenTheConfigHasNoToken()
	{
		TempDir dir;
		writeFile(dir.file("config/config.json"), "{\"webhooks\": {\"token\": \"\"}}\n");
		writeFile(dir.file("webhook-state/token"), "stored\n");
		GlobalTokenStore store(paths(dir));
		CPPUNIT_ASSERT_EQUAL(GlobalTokenStore::STATE_FILE, store.locate());
		std::string fresh = store.rotate();
		CPPUNIT_ASSERT_EQUAL(fresh + "\n", readFile(dir.file("webhook-state/token")));
		CPPUNIT_ASSERT_EQUAL(std::string("{\"webhooks\": {\"token\": \"\"}}\n"), readFile(dir.file("config/config.json")));
		struct stat st;
		::stat(dir.file("webhook-state/token").c_str(), &st);
		CPPUNIT_ASSERT_EQUAL(0600u, static_cast<unsigned>(st.st_mode & 0777));
	}

	void testWithoutAnyTokenRotationWritesTheStateFile()
	{
		TempDir dir;
		GlobalTokenStore store(paths(dir));
		CPPUNIT_ASSERT_EQUAL(GlobalTokenStore::NONE, store.locate());
		CPPUNIT_ASSERT_EQUAL(std::string(), store.path(GlobalTokenStore::NONE));
		std::string fresh = store.rotate();
		CPPUNIT_ASSERT_EQUAL(GlobalTokenStore::STATE_FILE, store.locate());
		CPPUNIT_ASSERT_EQUAL(fresh, store.read());
	}

	void testInvalidConfigIsAConfigError()
	{
		TempDir dir;
		writeFile(dir.file("config/config.json"), "{oops");
		GlobalTokenStore store(paths(dir));
		CPPUNIT_ASSERT_THROW(store.locate(), Sygen::ConfigError);
		CPPUNIT_ASSERT_THROW(store.rotate(), Sygen::ConfigError);
		writeFile(dir.file("config/config.json"), "{\"webhooks\": {\"token\": 5}}");
		CPPUNIT_ASSERT_THROW(store.read(), Sygen::ConfigError);
	}

	void testFingerprintHidesTheToken()
	{
		std::string f = GlobalTokenStore::fingerprint("secret-token");
		CPPUNIT_ASSERT_EQUAL(std::size_t(19), f.size());
		CPPUNIT_ASSERT_EQUAL(std::string("sha256:"), f.substr(0, 7));
		CPPUNIT_ASSERT(f != GlobalTokenStore::fingerprint("secret-token2"));
		CPPUNIT_ASSERT_EQUAL(std::string(), GlobalTokenStore::fingerprint(""));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(GlobalTokenStoreTest);
