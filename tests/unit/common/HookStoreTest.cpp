//
// HookStoreTest.cpp
//

#include "Sygen/Hooks/HookStore.h"
#include "Sygen/Foundation/Clock.h"
#include "TestSupport.h"
#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <atomic>
#include <chrono>
#include <cppunit/extensions/HelperMacros.h>
#include <fcntl.h>
#include <mutex>
#include <sys/stat.h>
#include <thread>
#include <vector>

using Sygen::Hook;
using Sygen::HookStore;
using Sygen::ManualClock;
using Sygen::Test::readFile;
using Sygen::Test::TempDir;
using Sygen::Test::writeFile;

namespace {

class CapturingChannel: public Poco::Channel
{
public:
	void log(const Poco::Message& msg) override
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_messages.push_back(msg);
	}

	std::vector<Poco::Message> messages(Poco::Message::Priority prio)
	{
		std::lock_guard<std::mutex> lock(_mutex);
		std::vector<Poco::Message> result;
		for (const Poco::Message& m: _messages)
		{
			if (m.getPriority() == prio) result.push_back(m);
		}
		return result;
	}

private:
	std::mutex _mutex;
	std::vector<Poco::Message> _messages;
};

std::string entry(const std::string& id, const std::string& title = "T")
{
	return "{\"id\": \"" + id + "\", \"title\": \"" + title + "\", \"mode\": \"wake\", \"prompt_template\": \"p\"}";
}

std::string hooksFile(const std::vector<std::string>& entries)
{
	std::string text = "{\"hooks\": [";
	for (std::size_t i = 0; i < entries.size(); ++i) text += (i ? "," : "") + entries[i];
	return text + "]}";
}

struct stat statOf(const std::string& path)
{
	struct stat st;
	if (::stat(path.c_str(), &st) != 0) throw Poco::FileNotFoundException(path);
	return st;
}

void replaceFile(const std::string& path, const std::string& content)
/// A hand edit as editors do it: new file renamed over the old one.
{
	writeFile(path + ".edit", content);
	Poco::File(path + ".edit").renameTo(path);
}

Poco::JSON::Object::Ptr changes(const std::string& json)
{
	Poco::JSON::Parser parser;
	return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}

const Poco::Timestamp T0(Poco::Timestamp::TimeVal(1700000000123456LL));

} // namespace

class HookStoreTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(HookStoreTest);
	CPPUNIT_TEST(testMissingFileMeansNoHooks);
	CPPUNIT_TEST(testLoadsHooksInFileOrderWithLookupById);
	CPPUNIT_TEST(testSkipsEntryWithMissingTitleAndLogsIndexAndField);
	CPPUNIT_TEST(testSkipsEntryWithWrongTypeAndNonObjectEntry);
	CPPUNIT_TEST(testSkipsDuplicateId);
	CPPUNIT_TEST(testInvalidJsonKeepsLastGoodSet);
	CPPUNIT_TEST(testWrongTopLevelKeepsLastGoodSet);
	CPPUNIT_TEST(testDeletedFileKeepsHooksInMemoryWithWarning);
	CPPUNIT_TEST(testReloadIfChangedPicksUpEditOnlyOnce);
	CPPUNIT_TEST(testReloadDetectsNewInodeWithSameSizeAndMtime);
	CPPUNIT_TEST(testAddWritesReferenceFormatWithMode0600);
	CPPUNIT_TEST(testAddKeepsGivenCreatedAt);
	CPPUNIT_TEST(testLoadedEntryWithoutCreatedAtGetsOneAndKeepsIt);
	CPPUNIT_TEST(testReloadBeforeAWriteKeepsTheGivenCreatedAt);
	CPPUNIT_TEST(testAddDuplicateThrowsExists);
	CPPUNIT_TEST(testAddEmptyIdThrows);
	CPPUNIT_TEST(testRemoveDeletesOnlyThatHook);
	CPPUNIT_TEST(testRemoveUnknownThrowsNotFound);
	CPPUNIT_TEST(testUpdateChangesOnlyNamedFields);
	CPPUNIT_TEST(testUpdateNullRestoresDefault);
	CPPUNIT_TEST(testUpdateRejectsUnknownFieldIdChangeAndWrongType);
	CPPUNIT_TEST(testUpdateUnknownHookThrowsNotFound);
	CPPUNIT_TEST(testRecordTriggerUpdatesMemoryWithoutWriting);
	CPPUNIT_TEST(testTelemetryIsPublishedEvenWhenTheFileCannotBeWritten);
	CPPUNIT_TEST(testRecordTriggerUnknownIdIsIgnored);
	CPPUNIT_TEST(testCoalescedTelemetryWritesOnceForManyTriggers);
	CPPUNIT_TEST(testHandEditBetweenTelemetryWritesIsPreserved);
	CPPUNIT_TEST(testReloadReappliesPendingTelemetryOntoHandEdit);
	CPPUNIT_TEST(testUnknownKeysAndSkippedEntriesRoundTrip);
	CPPUNIT_TEST(testInvalidFileBlocksWritesAndKeepsTelemetryPending);
	CPPUNIT_TEST(testDeletedFileIsRecreatedByNextWrite);
	CPPUNIT_TEST(testUnreadableFileLogsErrorAndBlocksWrites);
	CPPUNIT_TEST(testStopPollingFlushesAndReturnsImmediately);
	CPPUNIT_TEST(testPollThreadReloadsAndFlushesInBackground);
	CPPUNIT_TEST(testDestructorFlushesPendingTelemetry);
	CPPUNIT_TEST(testReadersSeeConsistentSnapshotsDuringWrites);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_channel = new CapturingChannel;
		Poco::Logger& logger = Poco::Logger::get("Sygen.HookStore");
		_oldChannel = logger.getChannel();
		_oldLevel = logger.getLevel();
		logger.setChannel(_channel);
		logger.setLevel(Poco::Message::PRIO_DEBUG);
	}

	void tearDown() override
	{
		Poco::Logger& logger = Poco::Logger::get("Sygen.HookStore");
		logger.setChannel(_oldChannel);
		logger.setLevel(_oldLevel);
	}

	void testMissingFileMeansNoHooks()
	{
		TempDir dir;
		HookStore store(dir.file("webhooks.json"));
		store.load();
		CPPUNIT_ASSERT(store.snapshot()->empty());
		CPPUNIT_ASSERT(store.list().empty());
		CPPUNIT_ASSERT(!store.reloadIfChanged());
		CPPUNIT_ASSERT(_channel->messages(Poco::Message::PRIO_ERROR).empty());
	}

	void testLoadsHooksInFileOrderWithLookupById()
	{
		TempDir dir;
		writeFile(dir.file("webhooks.json"), hooksFile({entry("zeta"), entry("alpha"), entry("Mid")}));
		HookStore store(dir.file("webhooks.json"));
		store.load();
		std::vector<Hook> hooks = store.list();
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), hooks.size());
		CPPUNIT_ASSERT_EQUAL(std::string("zeta"), hooks[0].id);
		CPPUNIT_ASSERT_EQUAL(std::string("alpha"), hooks[1].id);
		CPPUNIT_ASSERT_EQUAL(std::string("Mid"), hooks[2].id);
		CPPUNIT_ASSERT(store.snapshot()->find("alpha"));
		CPPUNIT_ASSERT(!store.snapshot()->find("mid"));
		CPPUNIT_ASSERT(store.get("Mid"));
		CPPUNIT_ASSERT(!store.get("nope"));
	}

	void testSkipsEntryWithMissingTitleAndLogsIndexAndField()
	{
		TempDir dir;
		writeFile(dir.file("webhooks.json"),
			hooksFile({entry("a"), "{\"id\": \"b\", \"mode\": \"wake\", \"prompt_template\": \"p\"}", entry("c")}));
		HookStore store(dir.file("webhooks.json"));
		store.load();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), store.snapshot()->size());
		CPPUNIT_ASSERT(store.get("a") && store.get("c") && !store.get("b"));
		std::vector<Poco::Message> errors = _channel->messages(Poco::Message::PRIO_ERROR);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), errors.size());
		CPPUNIT_ASSERT(errors[0].getText().find("entry 1") != std::string::npos);
		CPPUNIT_ASSERT(errors[0].getText().find("title: missing") != std::string::npos);
	}

	void testSkipsEntryWithWrongTypeAndNonObjectEntry()
	{
		TempDir dir;
		writeFile(dir.file("webhooks.json"),
			hooksFile({"{\"id\": \"a\", \"title\": \"t\", \"mode\": \"wake\", \"prompt_template\": \"p\", \"enabled\": \"no\"}",
				"\"just a string\"", entry("c")}));
		HookStore store(dir.file("webhooks.json"));
		store.load();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), store.snapshot()->size());
		std::vector<Poco::Message> errors = _channel->messages(Poco::Message::PRIO_ERROR);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), errors.size());
		CPPUNIT_ASSERT(errors[0].getText().find("entry 0 skipped: enabled: expected true or false") != std::string::npos);
		CPPUNIT_ASSERT(errors[1].getText().find("entry 1 skipped: expected an object") != std::string::npos);
	}

	void testSkipsDuplicateId()
	{
		TempDir dir;
		writeFile(dir.file("webhooks.json"), hooksFile({entry("a", "first"), entry("a", "second")}));
		HookStore store(dir.file("webhooks.json"));
		store.load();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), store.snapshot()->size());
		CPPUNIT_ASSERT_EQUAL(std::string("first"), store.get("a")->title);
		std::vector<Poco::Message> errors = _channel->messages(Poco::Message::PRIO_ERROR);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), errors.size());
		CPPUNIT_ASSERT(errors[0].getText().find("entry 1 skipped: id: duplicate") != std::string::npos);
	}

	void testInvalidJsonKeepsLastGoodSet()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path, hooksFile({entry("a")}));
		HookStore store(path);
		store.load();
		replaceFile(path, "{\"hooks\": [");
		CPPUNIT_ASSERT(!store.reloadIfChanged());
		CPPUNIT_ASSERT(store.get("a"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _channel->messages(Poco::Message::PRIO_ERROR).size());
		// The same broken file is not reported again at every poll.
		CPPUNIT_ASSERT(!store.reloadIfChanged());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _channel->messages(Poco::Message::PRIO_ERROR).size());
	}

	void testWrongTopLevelKeepsLastGoodSet()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path, hooksFile({entry("a")}));
		HookStore store(path);
		store.load();
		replaceFile(path, "[" + entry("b") + "]");
		CPPUNIT_ASSERT(!store.reloadIfChanged());
		replaceFile(path, "{\"hooks\": {\"b\": 1}}");
		CPPUNIT_ASSERT(!store.reloadIfChanged());
		replaceFile(path, "{\"other\": []}");
		CPPUNIT_ASSERT(!store.reloadIfChanged());
		CPPUNIT_ASSERT(store.get("a"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), store.snapshot()->size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), _channel->messages(Poco::Message::PRIO_ERROR).size());
	}

	void testDeletedFileKeepsHooksInMemoryWithWarning()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path, hooksFile({entry("a")}));
		HookStore store(path);
		store.load();
		Poco::File(path).remove();
		CPPUNIT_ASSERT(!store.reloadIfChanged());
		CPPUNIT_ASSERT(store.get("a"));
		std::vector<Poco::Message> warnings = _channel->messages(Poco::Message::PRIO_WARNING);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), warnings.size());
		CPPUNIT_ASSERT(warnings[0].getText().find("deleted") != std::string::npos);
		// A file that comes back is loaded again.
		writeFile(path, hooksFile({entry("b")}));
		CPPUNIT_ASSERT(store.reloadIfChanged());
		CPPUNIT_ASSERT(store.get("b") && !store.get("a"));
	}

	void testReloadIfChangedPicksUpEditOnlyOnce()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path, hooksFile({entry("a")}));
		HookStore store(path);
		store.load();
		CPPUNIT_ASSERT(!store.reloadIfChanged());
		writeFile(path, hooksFile({entry("a"), entry("bb")})); // in place: size and mtime change
		CPPUNIT_ASSERT(store.reloadIfChanged());
		CPPUNIT_ASSERT(store.get("bb"));
		CPPUNIT_ASSERT(!store.reloadIfChanged());
	}

	void testReloadDetectsNewInodeWithSameSizeAndMtime()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path, hooksFile({entry("aa")}));
		HookStore store(path);
		store.load();
		struct stat before = statOf(path);
		writeFile(path + ".new", hooksFile({entry("bb")}));
		struct timespec times[2] = {before.st_atim, before.st_mtim};
		CPPUNIT_ASSERT_EQUAL(0, ::utimensat(AT_FDCWD, (path + ".new").c_str(), times, 0));
		Poco::File(path + ".new").renameTo(path);
		CPPUNIT_ASSERT_EQUAL(before.st_size, statOf(path).st_size);
		CPPUNIT_ASSERT(store.reloadIfChanged());
		CPPUNIT_ASSERT(store.get("bb"));
	}

	void testAddWritesReferenceFormatWithMode0600()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		ManualClock clock(T0);
		HookStore store(path, clock);
		store.load();
		Hook hook;
		hook.id = "gh";
		hook.title = "Gr\xC3\xBC\xC3\x9F"
					 "e";
		hook.mode = "cron_task";
		hook.promptTemplate = "Push {{ref}}\n";
		hook.taskFolder = "deploy";
		hook.cliParameters = {"--x"};
		Hook stored = store.add(hook);
		CPPUNIT_ASSERT_EQUAL(std::string("2023-11-14T22:13:20.123456+00:00"), stored.createdAt);
		const std::string expected = "{\n"
									 "  \"hooks\": [\n"
									 "    {\n"
									 "      \"id\": \"gh\",\n"
									 "      \"title\": \"Gr\xC3\xBC\xC3\x9F"
									 "e\",\n"
									 "      \"description\": \"\",\n"
									 "      \"mode\": \"cron_task\",\n"
									 "      \"prompt_template\": \"Push {{ref}}\\n\",\n"
									 "      \"enabled\": true,\n"
									 "      \"task_folder\": \"deploy\",\n"
									 "      \"auth_mode\": \"bearer\",\n"
									 "      \"token\": \"\",\n"
									 "      \"hmac_secret\": \"\",\n"
									 "      \"hmac_header\": \"\",\n"
									 "      \"hmac_algorithm\": \"sha256\",\n"
									 "      \"hmac_encoding\": \"hex\",\n"
									 "      \"hmac_sig_prefix\": \"sha256=\",\n"
									 "      \"hmac_sig_regex\": \"\",\n"
									 "      \"hmac_payload_prefix_regex\": \"\",\n"
									 "      \"created_at\": \"2023-11-14T22:13:20.123456+00:00\",\n"
									 "      \"trigger_count\": 0,\n"
									 "      \"last_triggered_at\": null,\n"
									 "      \"last_error\": null,\n"
									 "      \"provider\": null,\n"
									 "      \"model\": null,\n"
									 "      \"reasoning_effort\": null,\n"
									 "      \"cli_parameters\": [\n"
									 "        \"--x\"\n"
									 "      ],\n"
									 "      \"quiet_start\": null,\n"
									 "      \"quiet_end\": null,\n"
									 "      \"dependency\": null\n"
									 "    }\n"
									 "  ]\n"
									 "}\n";
		CPPUNIT_ASSERT_EQUAL(expected, readFile(path));
		CPPUNIT_ASSERT_EQUAL(mode_t(0600), statOf(path).st_mode & 07777);
		CPPUNIT_ASSERT(store.get("gh"));
		// Our own write is not mistaken for a hand edit.
		CPPUNIT_ASSERT(!store.reloadIfChanged());
	}

	void testAddKeepsGivenCreatedAt()
	{
		TempDir dir;
		HookStore store(dir.file("webhooks.json"));
		store.load();
		Hook hook = Hook::fromJSON(*changes(entry("a")));
		hook.createdAt = "2020-01-01T00:00:00+00:00";
		CPPUNIT_ASSERT_EQUAL(std::string("2020-01-01T00:00:00+00:00"), store.add(hook).createdAt);
	}

	void testLoadedEntryWithoutCreatedAtGetsOneAndKeepsIt()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path, hooksFile({entry("old")}));
		ManualClock clock(T0);
		HookStore store(path, clock);
		store.load();
		CPPUNIT_ASSERT_EQUAL(std::string("2023-11-14T22:13:20.123456+00:00"), store.get("old")->createdAt);
		clock.advanceSeconds(3600);
		store.add(Hook::fromJSON(*changes(entry("new"))));
		CPPUNIT_ASSERT(readFile(path).find("\"created_at\": \"2023-11-14T22:13:20.123456+00:00\"") != std::string::npos);
		clock.advanceSeconds(3600);
		HookStore again(path, clock);
		again.load();
		CPPUNIT_ASSERT_EQUAL(std::string("2023-11-14T22:13:20.123456+00:00"), again.get("old")->createdAt);
		CPPUNIT_ASSERT(again.get("new")->createdAt != again.get("old")->createdAt);
	}

	void testReloadBeforeAWriteKeepsTheGivenCreatedAt()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path, hooksFile({entry("a")}));
		ManualClock clock(T0);
		HookStore store(path, clock);
		store.load();
		// A hand edit that still lacks created_at: the time first given stays.
		clock.advanceSeconds(60);
		writeFile(path, hooksFile({entry("a", "edited"), entry("b")}));
		CPPUNIT_ASSERT(store.reloadIfChanged());
		CPPUNIT_ASSERT_EQUAL(std::string("2023-11-14T22:13:20.123456+00:00"), store.get("a")->createdAt);
		CPPUNIT_ASSERT_EQUAL(std::string("2023-11-14T22:14:20.123456+00:00"), store.get("b")->createdAt);
	}

	void testAddDuplicateThrowsExists()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path, hooksFile({entry("a")}));
		HookStore store(path);
		store.load();
		std::string before = readFile(path);
		try
		{
			store.add(Hook::fromJSON(*changes(entry("a", "other"))));
			CPPUNIT_FAIL("duplicate accepted");
		}
		catch (Poco::ExistsException& e)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("Hook 'a' already exists"), e.message());
		}
		CPPUNIT_ASSERT_EQUAL(before, readFile(path));
		CPPUNIT_ASSERT_EQUAL(std::string("T"), store.get("a")->title);
	}

	void testAddEmptyIdThrows()
	{
		TempDir dir;
		HookStore store(dir.file("webhooks.json"));
		store.load();
		Hook hook;
		CPPUNIT_ASSERT_THROW(store.add(hook), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT(!Poco::File(dir.file("webhooks.json")).exists());
	}

	void testRemoveDeletesOnlyThatHook()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path, hooksFile({entry("a"), entry("b"), entry("c")}));
		HookStore store(path);
		store.load();
		store.remove("b");
		CPPUNIT_ASSERT(!store.get("b"));
		HookStore fresh(path);
		fresh.load();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), fresh.list().size());
		CPPUNIT_ASSERT_EQUAL(std::string("c"), fresh.list()[1].id);
	}

	void testRemoveUnknownThrowsNotFound()
	{
		TempDir dir;
		HookStore store(dir.file("webhooks.json"));
		store.load();
		CPPUNIT_ASSERT_THROW(store.remove("x"), Poco::NotFoundException);
	}

	void testUpdateChangesOnlyNamedFields()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path,
			hooksFile({"{\"id\": \"a\", \"title\": \"T\", \"mode\": \"wake\", \"prompt_template\": \"p\", "
					   "\"description\": \"keep\", \"custom\": 1}"}));
		HookStore store(path);
		store.load();
		Hook updated = store.update("a", *changes("{\"title\": \"New\", \"enabled\": false, \"quiet_start\": 22}"));
		CPPUNIT_ASSERT_EQUAL(std::string("New"), updated.title);
		CPPUNIT_ASSERT(!updated.enabled);
		CPPUNIT_ASSERT_EQUAL(22, *updated.quietStart);
		CPPUNIT_ASSERT_EQUAL(std::string("keep"), updated.description);
		HookStore fresh(path);
		fresh.load();
		CPPUNIT_ASSERT_EQUAL(std::string("New"), fresh.get("a")->title);
		CPPUNIT_ASSERT_EQUAL(std::string("keep"), fresh.get("a")->description);
		CPPUNIT_ASSERT(readFile(path).find("\"custom\": 1") != std::string::npos);
	}

	void testUpdateNullRestoresDefault()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path,
			hooksFile({"{\"id\": \"a\", \"title\": \"T\", \"mode\": \"wake\", \"prompt_template\": \"p\", "
					   "\"auth_mode\": \"hmac\", \"dedupe_header\": \"X-Id\"}"}));
		HookStore store(path);
		store.load();
		Hook updated = store.update("a", *changes("{\"auth_mode\": null, \"dedupe_header\": null}"));
		CPPUNIT_ASSERT_EQUAL(std::string("bearer"), updated.authMode);
		CPPUNIT_ASSERT(!updated.dedupeHeader);
		CPPUNIT_ASSERT(readFile(path).find("dedupe_header") == std::string::npos);
	}

	void testUpdateRejectsUnknownFieldIdChangeAndWrongType()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path, hooksFile({entry("a")}));
		HookStore store(path);
		store.load();
		std::string before = readFile(path);
		CPPUNIT_ASSERT_THROW(store.update("a", *changes("{\"titel\": \"x\"}")), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT_THROW(store.update("a", *changes("{\"id\": \"b\"}")), Poco::InvalidArgumentException);
		try
		{
			store.update("a", *changes("{\"enabled\": \"no\"}"));
			CPPUNIT_FAIL("wrong type accepted");
		}
		catch (Poco::DataFormatException& e)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("enabled: expected true or false"), e.message());
		}
		CPPUNIT_ASSERT_THROW(store.update("a", *changes("{\"title\": null}")), Poco::DataFormatException);
		CPPUNIT_ASSERT_EQUAL(before, readFile(path));
		CPPUNIT_ASSERT(store.get("a")->enabled);
		// Naming the same id is allowed.
		CPPUNIT_ASSERT_EQUAL(std::string("x"), store.update("a", *changes("{\"id\": \"a\", \"title\": \"x\"}")).title);
	}

	void testUpdateUnknownHookThrowsNotFound()
	{
		TempDir dir;
		HookStore store(dir.file("webhooks.json"));
		store.load();
		CPPUNIT_ASSERT_THROW(store.update("x", *changes("{\"title\": \"y\"}")), Poco::NotFoundException);
	}

	void testRecordTriggerUpdatesMemoryWithoutWriting()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path, hooksFile({entry("a")}));
		HookStore store(path);
		store.load();
		std::string before = readFile(path);
		CPPUNIT_ASSERT(store.recordTrigger("a", "error:timeout", T0));
		CPPUNIT_ASSERT(store.recordTrigger("a", "success", T0 + 1000000));
		CPPUNIT_ASSERT(store.recordTrigger("a", "error:timeout", T0 + 2000000));
		CPPUNIT_ASSERT_EQUAL(before, readFile(path));
		CPPUNIT_ASSERT(store.hasPendingTelemetry());
		// The flush writes the file and publishes the telemetry to readers.
		CPPUNIT_ASSERT(store.flushTelemetry());
		Hook h = *store.get("a");
		CPPUNIT_ASSERT_EQUAL(3LL, h.triggerCount);
		CPPUNIT_ASSERT_EQUAL(std::string("2023-11-14T22:13:22.123456+00:00"), *h.lastTriggeredAt);
		CPPUNIT_ASSERT_EQUAL(std::string("error:timeout"), *h.lastError);
		CPPUNIT_ASSERT(store.recordTrigger("a", "success", T0 + 3000000));
		CPPUNIT_ASSERT(store.flushTelemetry());
		h = *store.get("a");
		CPPUNIT_ASSERT_EQUAL(4LL, h.triggerCount);
		CPPUNIT_ASSERT(!h.lastError);
		CPPUNIT_ASSERT_EQUAL(std::string("2023-11-14T22:13:23.123456+00:00"), *h.lastTriggeredAt);
		CPPUNIT_ASSERT(!store.hasPendingTelemetry());
	}

	void testTelemetryIsPublishedEvenWhenTheFileCannotBeWritten()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path, hooksFile({entry("a")}));
		HookStore store(path);
		store.load();
		writeFile(path, "{ not json"); // a broken hand edit: writes are refused
		CPPUNIT_ASSERT(store.recordTrigger("a", "success", T0));
		CPPUNIT_ASSERT(!store.flushTelemetry());
		CPPUNIT_ASSERT_EQUAL(1LL, store.get("a")->triggerCount);
		CPPUNIT_ASSERT(store.hasPendingTelemetry());
	}

	void testRecordTriggerUnknownIdIsIgnored()
	{
		TempDir dir;
		HookStore store(dir.file("webhooks.json"));
		store.load();
		CPPUNIT_ASSERT(!store.recordTrigger("ghost", "success", T0));
		CPPUNIT_ASSERT(!store.hasPendingTelemetry());
		CPPUNIT_ASSERT(!store.flushTelemetry());
		CPPUNIT_ASSERT(!Poco::File(dir.file("webhooks.json")).exists());
	}

	void testCoalescedTelemetryWritesOnceForManyTriggers()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path, hooksFile({entry("a"), entry("b")}));
		HookStore store(path);
		store.load();
		ino_t original = statOf(path).st_ino;
		for (int i = 0; i < 100; ++i) store.recordTrigger(i % 2 ? "a" : "b", "success", T0);
		CPPUNIT_ASSERT_EQUAL(original, statOf(path).st_ino);
		CPPUNIT_ASSERT(store.flushTelemetry());
		ino_t written = statOf(path).st_ino;
		CPPUNIT_ASSERT(written != original);
		CPPUNIT_ASSERT(!store.hasPendingTelemetry());
		CPPUNIT_ASSERT(!store.flushTelemetry());
		CPPUNIT_ASSERT_EQUAL(written, statOf(path).st_ino);
		HookStore fresh(path);
		fresh.load();
		CPPUNIT_ASSERT_EQUAL(50LL, fresh.get("a")->triggerCount);
		CPPUNIT_ASSERT_EQUAL(50LL, fresh.get("b")->triggerCount);
	}

	void testHandEditBetweenTelemetryWritesIsPreserved()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path, hooksFile({entry("a")}));
		HookStore store(path);
		store.load();
		store.recordTrigger("a", "success", T0);
		CPPUNIT_ASSERT(store.flushTelemetry());
		// Hand edit: keeps the count written so far, renames, adds a hook and a key.
		std::string edited = readFile(path);
		edited.replace(edited.find("\"title\": \"T\""), 12, "\"title\": \"Edited\"");
		edited.replace(edited.find("{\n  \"hooks\""), 1, "{\n  \"note\": \"mine\",");
		edited.replace(edited.rfind("]"), 1, "," + entry("b") + "]");
		writeFile(path, edited);
		store.recordTrigger("a", "error:exit_1", T0);
		CPPUNIT_ASSERT(store.flushTelemetry());
		HookStore fresh(path);
		fresh.load();
		CPPUNIT_ASSERT_EQUAL(std::string("Edited"), fresh.get("a")->title);
		CPPUNIT_ASSERT_EQUAL(2LL, fresh.get("a")->triggerCount);
		CPPUNIT_ASSERT_EQUAL(std::string("error:exit_1"), *fresh.get("a")->lastError);
		CPPUNIT_ASSERT(fresh.get("b"));
		CPPUNIT_ASSERT(readFile(path).find("{\n  \"note\": \"mine\",\n  \"hooks\": [") == 0);
	}

	void testReloadReappliesPendingTelemetryOntoHandEdit()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path, hooksFile({entry("a")}));
		HookStore store(path);
		store.load();
		store.recordTrigger("a", "error:timeout", T0);
		replaceFile(path,
			hooksFile({"{\"id\": \"a\", \"title\": \"Hand\", \"mode\": \"wake\", \"prompt_template\": \"p\", \"trigger_count\": 10}"}));
		CPPUNIT_ASSERT(store.reloadIfChanged());
		Hook h = *store.get("a");
		CPPUNIT_ASSERT_EQUAL(std::string("Hand"), h.title);
		CPPUNIT_ASSERT_EQUAL(11LL, h.triggerCount);
		CPPUNIT_ASSERT_EQUAL(std::string("error:timeout"), *h.lastError);
	}

	void testUnknownKeysAndSkippedEntriesRoundTrip()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path,
			"{\"version\": 2, \"hooks\": ["
			"{\"id\": \"a\", \"title\": \"T\", \"mode\": \"wake\", \"prompt_template\": \"p\", \"x_extra\": {\"k\": [1, 2.5]}},"
			"{\"id\": \"broken\", \"mode\": 5},"
			"42"
			"], \"trailer\": null}");
		HookStore store(path);
		store.load();
		store.recordTrigger("a", "success", T0);
		CPPUNIT_ASSERT(store.flushTelemetry());
		std::string text = readFile(path);
		CPPUNIT_ASSERT(text.find("{\n  \"version\": 2,\n  \"hooks\": [\n") == 0);
		CPPUNIT_ASSERT(
			text.find("\"dependency\": null,\n      \"x_extra\": {\n        \"k\": [\n          1,\n          2.5\n") != std::string::npos);
		CPPUNIT_ASSERT(text.find("    {\n      \"id\": \"broken\",\n      \"mode\": 5\n    },\n    42\n  ],\n  \"trailer\": null\n}\n") !=
			std::string::npos);
	}

	void testInvalidFileBlocksWritesAndKeepsTelemetryPending()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path, hooksFile({entry("a")}));
		HookStore store(path);
		store.load();
		store.recordTrigger("a", "success", T0);
		replaceFile(path, "{ half-finished edit");
		CPPUNIT_ASSERT(!store.flushTelemetry());
		CPPUNIT_ASSERT(store.hasPendingTelemetry());
		CPPUNIT_ASSERT_EQUAL(std::string("{ half-finished edit"), readFile(path));
		CPPUNIT_ASSERT_THROW(store.add(Hook::fromJSON(*changes(entry("b")))), Poco::DataFormatException);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _channel->messages(Poco::Message::PRIO_WARNING).size());
		CPPUNIT_ASSERT(!store.flushTelemetry());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _channel->messages(Poco::Message::PRIO_WARNING).size());
		replaceFile(path, hooksFile({entry("a", "Fixed")}));
		CPPUNIT_ASSERT(store.flushTelemetry());
		HookStore fresh(path);
		fresh.load();
		CPPUNIT_ASSERT_EQUAL(std::string("Fixed"), fresh.get("a")->title);
		CPPUNIT_ASSERT_EQUAL(1LL, fresh.get("a")->triggerCount);
	}

	void testDeletedFileIsRecreatedByNextWrite()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path, hooksFile({entry("a")}));
		HookStore store(path);
		store.load();
		Poco::File(path).remove();
		store.recordTrigger("a", "success", T0);
		CPPUNIT_ASSERT(store.flushTelemetry());
		HookStore fresh(path);
		fresh.load();
		CPPUNIT_ASSERT_EQUAL(1LL, fresh.get("a")->triggerCount);
	}

	void testUnreadableFileLogsErrorAndBlocksWrites()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		Poco::File(path).createDirectories(); // opens, but read() fails with EISDIR
		HookStore store(path);
		store.load();
		CPPUNIT_ASSERT(store.snapshot()->empty());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _channel->messages(Poco::Message::PRIO_ERROR).size());
		CPPUNIT_ASSERT_THROW(store.add(Hook::fromJSON(*changes(entry("a")))), Poco::DataFormatException);
		CPPUNIT_ASSERT(Poco::File(path).isDirectory());
	}

	void testStopPollingFlushesAndReturnsImmediately()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path, hooksFile({entry("a")}));
		HookStore store(path);
		store.load();
		store.startPolling(Poco::Timespan(3600, 0), Poco::Timespan(3600, 0));
		store.startPolling(); // idempotent
		store.recordTrigger("a", "success", T0);
		auto start = std::chrono::steady_clock::now();
		store.stopPolling();
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
		CPPUNIT_ASSERT(!store.hasPendingTelemetry());
		CPPUNIT_ASSERT(readFile(path).find("\"trigger_count\": 1") != std::string::npos);
		store.stopPolling(); // idempotent
	}

	void testPollThreadReloadsAndFlushesInBackground()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path, hooksFile({entry("a")}));
		HookStore store(path);
		store.load();
		store.startPolling(Poco::Timespan(0, 1000), Poco::Timespan(0, 1000));
		replaceFile(path, hooksFile({entry("a"), entry("b")}));
		// Waits for the event itself (bounded), not for a guessed duration.
		CPPUNIT_ASSERT(eventually([&] { return store.get("b").has_value(); }));
		store.recordTrigger("b", "success", T0);
		CPPUNIT_ASSERT(eventually([&] { return !store.hasPendingTelemetry(); }));
		CPPUNIT_ASSERT(readFile(path).find("\"trigger_count\": 1") != std::string::npos);
		store.stopPolling();
	}

	void testDestructorFlushesPendingTelemetry()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path, hooksFile({entry("a")}));
		{
			HookStore store(path);
			store.load();
			store.recordTrigger("a", "success", T0);
		}
		CPPUNIT_ASSERT(readFile(path).find("\"trigger_count\": 1") != std::string::npos);
	}

	void testReadersSeeConsistentSnapshotsDuringWrites()
	{
		TempDir dir;
		std::string path = dir.file("webhooks.json");
		writeFile(path, hooksFile({entry("a"), entry("b")}));
		HookStore store(path);
		store.load();
		std::atomic<bool> done(false);
		std::atomic<int> bad(0);
		std::vector<std::thread> readers;
		for (int r = 0; r < 2; ++r)
		{
			readers.emplace_back([&] {
				while (!done)
				{
					std::shared_ptr<const Sygen::HookSet> set = store.snapshot();
					const Hook* a = set->find("a");
					if (!a || !set->find("b") || set->size() < 2) ++bad;
				}
			});
		}
		for (int i = 0; i < 200; ++i)
		{
			store.recordTrigger("a", "success", T0);
			if (i % 50 == 0) store.flushTelemetry();
		}
		store.add(Hook::fromJSON(*changes(entry("c"))));
		done = true;
		for (std::thread& t: readers) t.join();
		CPPUNIT_ASSERT_EQUAL(0, bad.load());
		CPPUNIT_ASSERT_EQUAL(200LL, store.get("a")->triggerCount);
	}

private:
	template <typename Predicate>
	static bool eventually(Predicate done)
	{
		auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
		while (!done())
		{
			if (std::chrono::steady_clock::now() > deadline) return false;
			std::this_thread::yield();
		}
		return true;
	}

	Poco::AutoPtr<CapturingChannel> _channel;
	Poco::Channel::Ptr _oldChannel;
	int _oldLevel = 0;
};

CPPUNIT_TEST_SUITE_REGISTRATION(HookStoreTest);
