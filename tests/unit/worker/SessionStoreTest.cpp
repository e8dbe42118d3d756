//
// SessionStoreTest.cpp
//

#include "SessionStore.h"
#include "TestSupport.h"
#include "WorkerTestSupport.h"
#include <cppunit/extensions/HelperMacros.h>
#include <sys/stat.h>
#include <thread>
#include <vector>

using Sygen::SessionStore;
using Sygen::Test::TempDir;

class SessionStoreTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SessionStoreTest);
	CPPUNIT_TEST(testMissingFileHasNoSession);
	CPPUNIT_TEST(testKeyedByChatAndProvider);
	CPPUNIT_TEST(testFileShapeAndMode);
	CPPUNIT_TEST(testForget);
	CPPUNIT_TEST(testUnknownKeysAreKept);
	CPPUNIT_TEST(testCorruptFileStartsAfresh);
	CPPUNIT_TEST(testConcurrentWritersLoseNothing);
	CPPUNIT_TEST_SUITE_END();

public:
	void testMissingFileHasNoSession()
	{
		TempDir dir;
		SessionStore store(dir.path() + "/state/sessions.json");
		CPPUNIT_ASSERT(!store.get("telegram:1", "claude"));
	}

	void testKeyedByChatAndProvider()
	{
		TempDir dir;
		SessionStore store(dir.path() + "/state/sessions.json");
		store.set("telegram:1", "claude", "c-1");
		store.set("telegram:2", "claude", "c-2");
		store.set("telegram:1", "codex", "x-1");
		CPPUNIT_ASSERT_EQUAL(std::string("c-1"), *store.get("telegram:1", "claude"));
		CPPUNIT_ASSERT_EQUAL(std::string("c-2"), *store.get("telegram:2", "claude"));
		CPPUNIT_ASSERT_EQUAL(std::string("x-1"), *store.get("telegram:1", "codex"));
		CPPUNIT_ASSERT(!store.get("telegram:2", "codex"));
		store.set("telegram:1", "claude", "c-1b");
		CPPUNIT_ASSERT_EQUAL(std::string("c-1b"), *SessionStore(store.path()).get("telegram:1", "claude"));
	}

	void testFileShapeAndMode()
	{
		TempDir dir;
		Sygen::ManualClock clock(Poco::Timestamp::fromEpochTime(1767225600));
		SessionStore store(dir.path() + "/sessions.json", clock);
		store.set("matrix:!r:x.org", "gemini", "g-1");
		Poco::JSON::Object::Ptr root = Sygen::Test::parseObject(Sygen::Test::readFile(store.path()));
		Poco::JSON::Object::Ptr entry = root->getObject("sessions")->getObject("matrix:!r:x.org")->getObject("gemini");
		CPPUNIT_ASSERT_EQUAL(std::string("g-1"), entry->getValue<std::string>("id"));
		CPPUNIT_ASSERT(entry->getValue<std::string>("updated_at").compare(0, 19, "2026-01-01T00:00:00") == 0);
		struct stat st;
		CPPUNIT_ASSERT_EQUAL(0, ::stat(store.path().c_str(), &st));
		CPPUNIT_ASSERT_EQUAL(0600, static_cast<int>(st.st_mode & 0777));
	}

	void testForget()
	{
		TempDir dir;
		SessionStore store(dir.path() + "/sessions.json");
		store.set("telegram:1", "claude", "c-1");
		store.set("telegram:1", "codex", "x-1");
		store.forget("telegram:1", "claude");
		store.forget("telegram:9", "claude");
		CPPUNIT_ASSERT(!store.get("telegram:1", "claude"));
		CPPUNIT_ASSERT_EQUAL(std::string("x-1"), *store.get("telegram:1", "codex"));
	}

	void testUnknownKeysAreKept()
	{
		TempDir dir;
		Sygen::Test::writeFile(dir.path() + "/sessions.json",
			"{\"version\": 3, \"sessions\": {\"telegram:1\": {\"claude\": {\"id\": \"old\", \"note\": \"hand\"}}}}");
		SessionStore store(dir.path() + "/sessions.json");
		CPPUNIT_ASSERT_EQUAL(std::string("old"), *store.get("telegram:1", "claude"));
		store.set("telegram:2", "claude", "new");
		Poco::JSON::Object::Ptr root = Sygen::Test::parseObject(Sygen::Test::readFile(store.path()));
		CPPUNIT_ASSERT_EQUAL(3, root->getValue<int>("version"));
		CPPUNIT_ASSERT_EQUAL(std::string("old"), *store.get("telegram:1", "claude"));
	}

	void testCorruptFileStartsAfresh()
	{
		TempDir dir;
		Sygen::Test::writeFile(dir.path() + "/sessions.json", "{broken");
		SessionStore store(dir.path() + "/sessions.json");
		CPPUNIT_ASSERT(!store.get("telegram:1", "claude"));
		store.set("telegram:1", "claude", "c");
		CPPUNIT_ASSERT_EQUAL(std::string("c"), *store.get("telegram:1", "claude"));
	}

	void testConcurrentWritersLoseNothing()
	{
		TempDir dir;
		const std::string path = dir.path() + "/sessions.json";
		std::vector<std::thread> threads;
		for (int t = 0; t < 4; ++t)
		{
			threads.emplace_back([path, t] {
				SessionStore store(path);
				for (int i = 0; i < 10; ++i) store.set("telegram:" + std::to_string(t * 100 + i), "claude", "s");
			});
		}
		for (std::thread& th: threads) th.join();
		SessionStore store(path);
		for (int t = 0; t < 4; ++t)
			for (int i = 0; i < 10; ++i) CPPUNIT_ASSERT(store.get("telegram:" + std::to_string(t * 100 + i), "claude"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(SessionStoreTest);
