//
// WakeRunnerTest.cpp
//
// Wake jobs with the fake CLIs (tests/fakecli) in a temp home, delivering to
// Telegram and Matrix stand-ins that are real HTTP servers in the test process.
//

#include "WakeRunner.h"
#include "FakeHTTPServer.h"
#include "LogCapture.h"
#include "SessionStore.h"
#include "WorkerTestSupport.h"
#include <Poco/File.h>
#include <Poco/StringTokenizer.h>
#include <cppunit/extensions/HelperMacros.h>

using Sygen::Hook;
using Sygen::JobOutcome;
using Sygen::RetryPolicy;
using Sygen::SessionStore;
using Sygen::WakeRunner;
using Sygen::WorkOrder;
using Sygen::Test::CronFixture;
using Sygen::Test::FakeHTTPServer;
using Sygen::Test::FakeReply;
using Sygen::Test::LogCapture;
using Sygen::Test::RecordedRequest;

namespace {

const std::string BOT_TOKEN = "4242:wake-unit-bot-token";

struct WakeFixture: CronFixture
{
	FakeHTTPServer telegram{[](const RecordedRequest&) { return FakeHTTPServer::telegramOk(); }};
	FakeHTTPServer matrix{[](const RecordedRequest&) { return FakeHTTPServer::matrixOk(); }};

	WakeFixture()
	{
		Poco::File(workspace()).createDirectories();
		settings.delivery.allowedUserIds = {"1001", "1002"};
		settings.delivery.telegramToken = BOT_TOKEN;
		settings.delivery.telegramApiBase = telegram.baseUrl();
		// Replies go out through the real program, as in a worker; its log lines
		// reach stderr only for failures.
		settings.deliverProgram = SYGEN_DELIVER;
		settings.deliverArguments = {"--log", "stderr", "--log-level", "error"};
	}

	std::string workspace() const { return home + "/workspace"; }

	void wakeControl(const std::string& json) const { Sygen::Test::writeFile(workspace() + "/fakecli.json", json); }

	std::vector<Poco::JSON::Object::Ptr> runs() const
	/// One object per CLI start (argv, stdin), from the fake CLI's started_log.
	{
		std::vector<Poco::JSON::Object::Ptr> out;
		if (!Poco::File(workspace() + "/started.jsonl").exists()) return out;
		Poco::StringTokenizer lines(Sygen::Test::readFile(workspace() + "/started.jsonl"), "\n", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
		for (const std::string& line: lines) out.push_back(Sygen::Test::parseObject(line));
		return out;
	}

	static Hook wakeHook()
	{
		Hook hook;
		hook.id = "wake-hook";
		hook.title = "Wake up";
		hook.mode = "wake";
		hook.promptTemplate = "x";
		return hook;
	}

	JobOutcome wake() const
	{
		RetryPolicy retry;
		retry.sleep = [](const Poco::Timespan&) { return true; };
		return WakeRunner(settings, Sygen::Clock::system(), retry).run(order(wakeHook(), wrapped("Ping")));
	}

	std::string startedLog() const { return "\"started_log\": \"" + workspace() + "/started.jsonl\""; }
};

std::vector<std::string> argvOf(const Poco::JSON::Object::Ptr& run)
{
	return Sygen::Test::stringsOf(run->getArray("argv"));
}

bool hasArgs(const std::vector<std::string>& argv, const std::string& a, const std::string& b)
{
	for (std::size_t i = 0; i + 1 < argv.size(); ++i)
		if (argv[i] == a && argv[i + 1] == b) return true;
	return false;
}

bool hasArg(const std::vector<std::string>& argv, const std::string& a)
{
	return std::find(argv.begin(), argv.end(), a) != argv.end();
}

Poco::Int64 chatOf(const RecordedRequest& r)
{
	return r.json()->getValue<Poco::Int64>("chat_id");
}

std::string textOf(const RecordedRequest& r)
{
	return r.json()->getValue<std::string>("text");
}

} // namespace

class WakeRunnerTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(WakeRunnerTest);
	CPPUNIT_TEST(testNoTransportIsNoWakeHandler);
	CPPUNIT_TEST(testNoChatIsNoResponse);
	CPPUNIT_TEST(testWakesEachChatInOrderAndDeliversItsReply);
	CPPUNIT_TEST(testSecondWakeResumesEachChatsSession);
	CPPUNIT_TEST(testFailingChatDoesNotStopTheNext);
	CPPUNIT_TEST(testEveryChatFailingIsNoResponse);
	CPPUNIT_TEST(testEmptyRepliesAreNoResponse);
	CPPUNIT_TEST(testUnknownSessionStartsAFreshOne);
	CPPUNIT_TEST(testRunsInTheWorkspaceHoldingTheChatLock);
	CPPUNIT_TEST(testLongReplyIsSplit);
	CPPUNIT_TEST(testSilentReplyCountsButIsNotSent);
	CPPUNIT_TEST(testMatrixRoomsAreChatsOfTheirOwn);
	CPPUNIT_TEST(testCodexThreadIsResumed);
	CPPUNIT_TEST(testMissingWorkspaceIsFolderMissing);
	CPPUNIT_TEST(testMissingCliIsNoResponse);
	CPPUNIT_TEST(testUndeliveredReplyStillCounts);
	CPPUNIT_TEST_SUITE_END();

public:
	void testNoTransportIsNoWakeHandler()
	{
		WakeFixture f;
		f.settings.delivery.telegramToken = "";
		f.wakeControl("{" + f.startedLog() + "}");
		JobOutcome o = f.wake();
		CPPUNIT_ASSERT_EQUAL(std::string("error:no_wake_handler"), o.status);
		CPPUNIT_ASSERT(o.delivered);
		CPPUNIT_ASSERT(f.runs().empty());
	}

	void testNoChatIsNoResponse()
	{
		WakeFixture f;
		f.settings.delivery.allowedUserIds.clear();
		f.wakeControl("{" + f.startedLog() + "}");
		JobOutcome o = f.wake();
		CPPUNIT_ASSERT_EQUAL(std::string("error:no_response"), o.status);
		CPPUNIT_ASSERT(f.runs().empty());
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), f.telegram.count());
	}

	void testWakesEachChatInOrderAndDeliversItsReply()
	{
		WakeFixture f;
		f.wakeControl("{\"new_sessions\": true, \"result\": \"reply {run} in {session}\", " + f.startedLog() + "}");
		JobOutcome o = f.wake();
		CPPUNIT_ASSERT_EQUAL(std::string("success"), o.status);
		CPPUNIT_ASSERT_EQUAL(std::string("reply 1 in claude-session-1\n\nreply 2 in claude-session-2"), o.text);
		CPPUNIT_ASSERT(o.delivered);
		std::vector<RecordedRequest> sent = f.telegram.requests();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), sent.size());
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(1001), chatOf(sent[0]));
		CPPUNIT_ASSERT_EQUAL(std::string("reply 1 in claude-session-1"), textOf(sent[0]));
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(1002), chatOf(sent[1]));
		CPPUNIT_ASSERT_EQUAL(std::string("reply 2 in claude-session-2"), textOf(sent[1]));
		std::vector<Poco::JSON::Object::Ptr> runs = f.runs();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), runs.size());
		std::vector<std::string> argv = argvOf(runs[0]);
		CPPUNIT_ASSERT(!hasArg(argv, "--resume"));
		CPPUNIT_ASSERT(!hasArg(argv, "--no-session-persistence"));
		CPPUNIT_ASSERT_EQUAL(CronFixture::wrapped("Ping"), argv.back());
		SessionStore sessions(f.settings.paths.stateDir + "/sessions.json");
		CPPUNIT_ASSERT_EQUAL(std::string("claude-session-1"), *sessions.get("telegram:1001", "claude"));
		CPPUNIT_ASSERT_EQUAL(std::string("claude-session-2"), *sessions.get("telegram:1002", "claude"));
	}

	void testSecondWakeResumesEachChatsSession()
	{
		WakeFixture f;
		f.wakeControl("{\"new_sessions\": true, \"result\": \"reply {run} in {session}\", " + f.startedLog() + "}");
		CPPUNIT_ASSERT_EQUAL(std::string("success"), f.wake().status);
		JobOutcome second = f.wake();
		CPPUNIT_ASSERT_EQUAL(std::string("success"), second.status);
		CPPUNIT_ASSERT_EQUAL(std::string("reply 3 in claude-session-1\n\nreply 4 in claude-session-2"), second.text);
		std::vector<Poco::JSON::Object::Ptr> runs = f.runs();
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), runs.size());
		CPPUNIT_ASSERT(hasArgs(argvOf(runs[2]), "--resume", "claude-session-1"));
		CPPUNIT_ASSERT(hasArgs(argvOf(runs[3]), "--resume", "claude-session-2"));
		std::vector<RecordedRequest> sent = f.telegram.requests();
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), sent.size());
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(1001), chatOf(sent[2]));
		CPPUNIT_ASSERT_EQUAL(std::string("reply 3 in claude-session-1"), textOf(sent[2]));
	}

	void testFailingChatDoesNotStopTheNext()
	{
		WakeFixture f;
		f.wakeControl(
			"{\"new_sessions\": true, \"result\": \"reply {run}\", \"sequence\": [{\"shape\": \"error\"}], " + f.startedLog() + "}");
		LogCapture log({"Sygen.WakeRunner"});
		JobOutcome o = f.wake();
		CPPUNIT_ASSERT_EQUAL(std::string("success"), o.status);
		CPPUNIT_ASSERT_EQUAL(std::string("reply 2"), o.text);
		std::vector<RecordedRequest> sent = f.telegram.requests();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), sent.size());
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(1002), chatOf(sent[0]));
		CPPUNIT_ASSERT(log.contains("telegram:1001"));
		CPPUNIT_ASSERT(log.contains("job_id=job-1"));
		CPPUNIT_ASSERT(log.contains("hook_id=wake-hook"));
		SessionStore sessions(f.settings.paths.stateDir + "/sessions.json");
		CPPUNIT_ASSERT(!sessions.get("telegram:1001", "claude"));
	}

	void testEveryChatFailingIsNoResponse()
	{
		WakeFixture f;
		f.wakeControl("{\"shape\": \"error\", " + f.startedLog() + "}");
		JobOutcome o = f.wake();
		CPPUNIT_ASSERT_EQUAL(std::string("error:no_response"), o.status);
		CPPUNIT_ASSERT_EQUAL(std::string(""), o.text);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), f.runs().size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), f.telegram.count());
	}

	void testEmptyRepliesAreNoResponse()
	{
		WakeFixture f;
		f.wakeControl("{\"result\": \"\", " + f.startedLog() + "}");
		CPPUNIT_ASSERT_EQUAL(std::string("error:no_response"), f.wake().status);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), f.telegram.count());
	}

	void testUnknownSessionStartsAFreshOne()
	{
		WakeFixture f;
		f.settings.delivery.allowedUserIds = {"1001"};
		SessionStore(f.settings.paths.stateDir + "/sessions.json").set("telegram:1001", "claude", "gone");
		f.wakeControl(
			"{\"new_sessions\": true, \"unknown_sessions\": [\"gone\"], \"result\": \"fresh {session}\", " + f.startedLog() + "}");
		JobOutcome o = f.wake();
		CPPUNIT_ASSERT_EQUAL(std::string("success"), o.status);
		std::vector<Poco::JSON::Object::Ptr> runs = f.runs();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), runs.size());
		CPPUNIT_ASSERT(hasArgs(argvOf(runs[0]), "--resume", "gone"));
		CPPUNIT_ASSERT(!hasArg(argvOf(runs[1]), "--resume"));
		CPPUNIT_ASSERT_EQUAL(std::string("fresh claude-session-2"), o.text);
		CPPUNIT_ASSERT_EQUAL(
			std::string("claude-session-2"), *SessionStore(f.settings.paths.stateDir + "/sessions.json").get("telegram:1001", "claude"));
	}

	void testRunsInTheWorkspaceHoldingTheChatLock()
	{
		WakeFixture f;
		f.settings.delivery.allowedUserIds = {"1001"};
		const std::string lock = f.settings.paths.stateDir + "/locks/chat-1001.lock";
		f.wakeControl("{\"probe_lock\": \"" + lock + "\"}");
		CPPUNIT_ASSERT_EQUAL(std::string("success"), f.wake().status);
		Poco::JSON::Object::Ptr record = Sygen::Test::parseObject(Sygen::Test::readFile(f.workspace() + "/fakecli-record.json"));
		CPPUNIT_ASSERT(record->getValue<bool>("lock_held"));
		char* real = ::realpath(f.workspace().c_str(), nullptr);
		std::string workspace(real);
		std::free(real);
		CPPUNIT_ASSERT_EQUAL(workspace, record->getValue<std::string>("cwd"));
		CPPUNIT_ASSERT_EQUAL(CronFixture::wrapped("Ping"), Sygen::Test::stringsOf(record->getArray("argv")).back());
	}

	void testLongReplyIsSplit()
	{
		WakeFixture f;
		f.settings.delivery.allowedUserIds = {"1001"};
		std::string reply(4096, 'a');
		reply += "tail";
		f.wakeControl("{\"result\": \"" + reply + "\"}");
		JobOutcome o = f.wake();
		CPPUNIT_ASSERT_EQUAL(std::string("success"), o.status);
		CPPUNIT_ASSERT_EQUAL(reply, o.text);
		std::vector<RecordedRequest> sent = f.telegram.requests();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), sent.size());
		CPPUNIT_ASSERT_EQUAL(std::string(4096, 'a'), textOf(sent[0]));
		CPPUNIT_ASSERT_EQUAL(std::string("tail"), textOf(sent[1]));
	}

	void testSilentReplyCountsButIsNotSent()
	{
		WakeFixture f;
		f.settings.delivery.allowedUserIds = {"1001"};
		f.wakeControl("{\"result\": \"[SILENT] nothing to say\"}");
		JobOutcome o = f.wake();
		CPPUNIT_ASSERT_EQUAL(std::string("success"), o.status);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), f.telegram.count());
	}

	void testMatrixRoomsAreChatsOfTheirOwn()
	{
		WakeFixture f;
		f.settings.delivery.telegramToken = "";
		f.settings.delivery.matrixHomeserver = f.matrix.baseUrl();
		f.settings.delivery.matrixAccessToken = "syt_wake_matrix";
		f.settings.delivery.matrixRoomIds = {"!one:example.org", "!two:example.org"};
		f.wakeControl("{\"new_sessions\": true, \"result\": \"hello {session}\", " + f.startedLog() + "}");
		JobOutcome o = f.wake();
		CPPUNIT_ASSERT_EQUAL(std::string("success"), o.status);
		std::vector<RecordedRequest> sent = f.matrix.requests();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), sent.size());
		CPPUNIT_ASSERT(sent[0].uri.find("/rooms/%21one%3Aexample.org/send/m.room.message/") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(std::string("hello claude-session-1"), sent[0].json()->getValue<std::string>("body"));
		CPPUNIT_ASSERT(sent[1].uri.find("/rooms/%21two%3Aexample.org/") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), f.telegram.count());
		SessionStore sessions(f.settings.paths.stateDir + "/sessions.json");
		CPPUNIT_ASSERT_EQUAL(std::string("claude-session-2"), *sessions.get("matrix:!two:example.org", "claude"));
		CPPUNIT_ASSERT(Poco::File(f.settings.paths.stateDir + "/locks/chat-matrix-%21two%3Aexample.org.lock").exists() ||
			Poco::File(f.settings.paths.stateDir + "/locks").exists());
	}

	void testCodexThreadIsResumed()
	{
		WakeFixture f;
		f.settings.provider = "codex";
		f.settings.model = "gpt-5";
		f.settings.delivery.allowedUserIds = {"1001"};
		f.wakeControl("{\"new_sessions\": true, \"result\": \"codex {session}\", " + f.startedLog() + "}");
		CPPUNIT_ASSERT_EQUAL(std::string("success"), f.wake().status);
		CPPUNIT_ASSERT_EQUAL(std::string("success"), f.wake().status);
		std::vector<Poco::JSON::Object::Ptr> runs = f.runs();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), runs.size());
		CPPUNIT_ASSERT(!hasArg(argvOf(runs[0]), "resume"));
		CPPUNIT_ASSERT(hasArgs(argvOf(runs[1]), "resume", "codex-session-1"));
		CPPUNIT_ASSERT_EQUAL(std::string("codex codex-session-1"), textOf(f.telegram.requests().at(1)));
	}

	void testMissingWorkspaceIsFolderMissing()
	{
		WakeFixture f;
		Poco::File(f.workspace()).remove(true);
		CPPUNIT_ASSERT_EQUAL(std::string("error:folder_missing"), f.wake().status);
	}

	void testMissingCliIsNoResponse()
	{
		WakeFixture f;
		f.settings.searchPath = "/nonexistent";
		LogCapture log({"Sygen.WakeRunner"});
		CPPUNIT_ASSERT_EQUAL(std::string("error:no_response"), f.wake().status);
		CPPUNIT_ASSERT(log.contains("claude CLI not found"));
	}

	void testUndeliveredReplyStillCounts()
	{
		WakeFixture f;
		f.settings.delivery.allowedUserIds = {"1001"};
		f.telegram.setResponder([](const RecordedRequest&) {
			FakeReply r;
			r.status = 403;
			r.body = R"({"ok":false,"description":"Forbidden: bot was blocked by the user"})";
			return r;
		});
		f.wakeControl("{\"result\": \"hi\"}");
		LogCapture log({"Sygen.WakeRunner", "Sygen.ReplyDeliverer"});
		JobOutcome o = f.wake();
		CPPUNIT_ASSERT_EQUAL(std::string("success"), o.status);
		CPPUNIT_ASSERT(log.contains("not delivered"));
		CPPUNIT_ASSERT(!log.contains(BOT_TOKEN));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), f.telegram.requests().size());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(WakeRunnerTest);
