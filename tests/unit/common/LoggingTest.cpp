//
// LoggingTest.cpp
//
// Logging::configure() end to end: Poco loggers -> LogFilterChannel ->
// JournaldChannel (a socket the test owns) or StderrChannel (fd 2 pointed at a file).
//

#include "Sygen/Foundation/Logging.h"
#include "DatagramListener.h"
#include "Sygen/Foundation/LogFields.h"
#include "Sygen/Foundation/LogFilterChannel.h"
#include "Sygen/Foundation/StderrChannel.h"
#include "TestSupport.h"
#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/Timestamp.h>
#include <cppunit/extensions/HelperMacros.h>
#include <cstdlib>
#include <memory>
#include <unistd.h>

using Sygen::LogFields;
using Sygen::LogFilterChannel;
using Sygen::Logging;
using Sygen::LogTarget;
using Sygen::StderrChannel;
using Sygen::Test::DatagramListener;
using Sygen::Test::EnvGuard;
using Sygen::Test::field;
using Sygen::Test::parseJournalEntry;
using Sygen::Test::StderrCapture;

class LoggingTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(LoggingTest);
	CPPUNIT_TEST(testParsesTargets);
	CPPUNIT_TEST(testParsesLevels);
	CPPUNIT_TEST(testAutoIsStderrOutsideSystemd);
	CPPUNIT_TEST(testAutoIsJournaldWithMatchingJournalStream);
	CPPUNIT_TEST(testJournalStreamOfAnotherFileDoesNotCount);
	CPPUNIT_TEST(testAutoIsJournaldWithInvocationId);
	CPPUNIT_TEST(testAutoIsStderrWhenJournalSocketIsMissing);
	CPPUNIT_TEST(testJournaldTargetSendsStructuredFields);
	CPPUNIT_TEST(testExistingAndNewLoggersAreConfigured);
	CPPUNIT_TEST(testLevelFiltersMessages);
	CPPUNIT_TEST(testProcessFieldIsAddedToEveryLine);
	CPPUNIT_TEST(testSecretsNeverReachTheJournal);
	CPPUNIT_TEST(testSecretsAreMaskedOnStderr);
	CPPUNIT_TEST(testStderrLineHasTimeLevelIdentifierAndFields);
	CPPUNIT_TEST(testStderrFormatQuotesAndIndents);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		for (const char* name: {"JOURNAL_STREAM", "INVOCATION_ID"})
		{
			_guards.emplace_back(new EnvGuard(name));
			::unsetenv(name);
		}
		_dir = std::make_unique<Sygen::Test::TempDir>();
	}

	void tearDown() override
	{
		Logging::configure("unit-common", LogTarget::Stderr);
		LogFilterChannel::clearSecrets();
		LogFilterChannel::clearFields();
		_guards.clear();
		_dir.reset();
	}

	std::unique_ptr<DatagramListener> journal(const std::string& level = "information")
	{
		auto listener = std::make_unique<DatagramListener>(_dir->file("journal.socket"));
		Logging::configure("sygen-test", LogTarget::Journald, level, listener->address());
		return listener;
	}

	static std::multimap<std::string, std::string> nextEntry(DatagramListener& listener, std::string* raw = nullptr)
	{
		std::string data;
		CPPUNIT_ASSERT_MESSAGE("no journal entry received", listener.receive(data));
		if (raw) *raw = data;
		return parseJournalEntry(data);
	}

	void testParsesTargets()
	{
		CPPUNIT_ASSERT(LogTarget::Auto == Logging::parseTarget("auto"));
		CPPUNIT_ASSERT(LogTarget::Journald == Logging::parseTarget("journald"));
		CPPUNIT_ASSERT(LogTarget::Stderr == Logging::parseTarget("stderr"));
		CPPUNIT_ASSERT_THROW(Logging::parseTarget("syslog"), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT_THROW(Logging::parseTarget("Journald"), Poco::InvalidArgumentException);
		for (LogTarget t: {LogTarget::Auto, LogTarget::Journald, LogTarget::Stderr})
			CPPUNIT_ASSERT(t == Logging::parseTarget(Logging::targetName(t)));
	}

	void testParsesLevels()
	{
		CPPUNIT_ASSERT_EQUAL(int(Poco::Message::PRIO_INFORMATION), Logging::parseLevel("information"));
		CPPUNIT_ASSERT_EQUAL(int(Poco::Message::PRIO_INFORMATION), Logging::parseLevel("info"));
		CPPUNIT_ASSERT_EQUAL(int(Poco::Message::PRIO_WARNING), Logging::parseLevel("warn"));
		CPPUNIT_ASSERT_EQUAL(int(Poco::Message::PRIO_DEBUG), Logging::parseLevel("debug"));
		CPPUNIT_ASSERT_EQUAL(int(Poco::Message::PRIO_TRACE), Logging::parseLevel("8"));
		CPPUNIT_ASSERT_EQUAL(0, Logging::parseLevel("none"));
		CPPUNIT_ASSERT_THROW(Logging::parseLevel("loud"), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT_THROW(Logging::configure("x", LogTarget::Stderr, "loud"), Poco::InvalidArgumentException);
	}

	void testAutoIsStderrOutsideSystemd()
	{
		CPPUNIT_ASSERT(!Logging::underSystemd());
		CPPUNIT_ASSERT(LogTarget::Stderr == Logging::resolve(LogTarget::Auto, "/"));
		CPPUNIT_ASSERT(LogTarget::Journald == Logging::resolve(LogTarget::Journald, "/nonexistent"));
		CPPUNIT_ASSERT(LogTarget::Stderr == Logging::resolve(LogTarget::Stderr, "/"));
	}

	void testAutoIsJournaldWithMatchingJournalStream()
	{
		StderrCapture capture(_dir->file("stderr.txt"));
		::setenv("JOURNAL_STREAM", capture.journalStream().c_str(), 1);
		const bool under = Logging::underSystemd();
		const LogTarget target = Logging::resolve(LogTarget::Auto, _dir->path());
		capture.restore();
		CPPUNIT_ASSERT(under);
		CPPUNIT_ASSERT(LogTarget::Journald == target);
	}

	void testJournalStreamOfAnotherFileDoesNotCount()
	{
		StderrCapture capture(_dir->file("stderr.txt"));
		::setenv("JOURNAL_STREAM", "1:2", 1);
		const bool under = Logging::underSystemd();
		::setenv("JOURNAL_STREAM", "garbage", 1);
		const bool underGarbage = Logging::underSystemd();
		capture.restore();
		CPPUNIT_ASSERT(!under);
		CPPUNIT_ASSERT(!underGarbage);
	}

	void testAutoIsJournaldWithInvocationId()
	{
		// fd 2 on a file (not a terminal), as under systemd.
		StderrCapture capture(_dir->file("stderr.txt"));
		::setenv("INVOCATION_ID", "0123456789abcdef0123456789abcdef", 1);
		const LogTarget target = Logging::resolve(LogTarget::Auto, _dir->path());
		capture.restore();
		CPPUNIT_ASSERT(LogTarget::Journald == target);
	}

	void testAutoIsStderrWhenJournalSocketIsMissing()
	{
		StderrCapture capture(_dir->file("stderr.txt"));
		::setenv("INVOCATION_ID", "0123456789abcdef0123456789abcdef", 1);
		const LogTarget target = Logging::resolve(LogTarget::Auto, _dir->file("no-journal"));
		capture.restore();
		CPPUNIT_ASSERT(LogTarget::Stderr == target);
	}

	void testJournaldTargetSendsStructuredFields()
	{
		auto listener = journal();
		Poco::Logger& logger = Poco::Logger::get("Dispatcher");
		Logging::log(logger, Poco::Message::PRIO_WARNING, "job finished",
			{{LogFields::HOOK_ID, "gh"}, {LogFields::JOB_ID, "j-1"}, {LogFields::WORKER_ID, "3"}, {LogFields::STATUS, "error:timeout"},
				{LogFields::PROVIDER, ""}},
			__FILE__, __LINE__);
		auto entry = nextEntry(*listener);
		CPPUNIT_ASSERT_EQUAL(std::string("job finished"), field(entry, "MESSAGE"));
		CPPUNIT_ASSERT_EQUAL(std::string("4"), field(entry, "PRIORITY"));
		CPPUNIT_ASSERT_EQUAL(std::string("sygen-test"), field(entry, "SYSLOG_IDENTIFIER"));
		CPPUNIT_ASSERT_EQUAL(std::string("gh"), field(entry, "HOOK_ID"));
		CPPUNIT_ASSERT_EQUAL(std::string("j-1"), field(entry, "JOB_ID"));
		CPPUNIT_ASSERT_EQUAL(std::string("3"), field(entry, "WORKER_ID"));
		CPPUNIT_ASSERT_EQUAL(std::string("error:timeout"), field(entry, "STATUS"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), entry.count("PROVIDER"));
		CPPUNIT_ASSERT_EQUAL(std::string("LoggingTest.cpp"), field(entry, "CODE_FILE"));
		CPPUNIT_ASSERT_EQUAL(std::string("Dispatcher"), field(entry, "LOGGER"));
	}

	void testExistingAndNewLoggersAreConfigured()
	{
		Poco::Logger& before = Poco::Logger::get("CreatedBefore");
		auto listener = journal();
		before.information("from an old logger");
		CPPUNIT_ASSERT_EQUAL(std::string("from an old logger"), field(nextEntry(*listener), "MESSAGE"));
		Poco::Logger::get("CreatedAfter.Child").error("from a new logger");
		CPPUNIT_ASSERT_EQUAL(std::string("from a new logger"), field(nextEntry(*listener), "MESSAGE"));
		Poco::Logger::root().notice("from root");
		CPPUNIT_ASSERT_EQUAL(std::string("from root"), field(nextEntry(*listener), "MESSAGE"));
	}

	void testLevelFiltersMessages()
	{
		auto listener = journal("warning");
		Poco::Logger& logger = Poco::Logger::get("Level");
		logger.information("dropped");
		Logging::log(logger, Poco::Message::PRIO_DEBUG, "dropped too", {{LogFields::JOB_ID, "x"}});
		logger.warning("kept");
		CPPUNIT_ASSERT_EQUAL(std::string("kept"), field(nextEntry(*listener), "MESSAGE"));
		std::string data;
		CPPUNIT_ASSERT(!listener->receive(data, 100));
	}

	void testProcessFieldIsAddedToEveryLine()
	{
		auto listener = journal();
		Logging::setField(LogFields::WORKER_ID, "2");
		Poco::Logger& logger = Poco::Logger::get("Worker");
		logger.information("started");
		CPPUNIT_ASSERT_EQUAL(std::string("2"), field(nextEntry(*listener), "WORKER_ID"));
		Logging::log(logger, Poco::Message::PRIO_INFORMATION, "explicit", {{LogFields::WORKER_ID, "7"}});
		CPPUNIT_ASSERT_EQUAL(std::string("7"), field(nextEntry(*listener), "WORKER_ID"));
		Logging::setField(LogFields::WORKER_ID, "");
		logger.information("none");
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), nextEntry(*listener).count("WORKER_ID"));
	}

	void testSecretsNeverReachTheJournal()
	{
		const std::string token("Zk3_p9-QrsTuvWxYz0123456789abcdefghijklmno");
		const std::string hmacSecret("It's a Secret to Everybody");
		Logging::addSecret(token);
		Logging::addSecret(hmacSecret);
		Logging::addSecret("abc"); // too short to mask
		auto listener = journal();
		Poco::Logger& logger = Poco::Logger::get("Auth");
		std::string raw;

		Logging::log(
			logger, Poco::Message::PRIO_ERROR, "rejected token " + token + " for hook abc", {{LogFields::STATUS, "secret=" + hmacSecret}});
		auto entry = nextEntry(*listener, &raw);
		CPPUNIT_ASSERT_EQUAL(std::string("rejected token [redacted] for hook abc"), field(entry, "MESSAGE"));
		CPPUNIT_ASSERT_EQUAL(std::string("secret=[redacted]"), field(entry, "STATUS"));
		CPPUNIT_ASSERT(raw.find(token) == std::string::npos);
		CPPUNIT_ASSERT(raw.find(hmacSecret) == std::string::npos);

		logger.warning("header was Authorization: Bearer unregistered-value, auth_mode bearer kept");
		CPPUNIT_ASSERT_EQUAL(
			std::string("header was Authorization: Bearer [redacted], auth_mode bearer kept"), field(nextEntry(*listener), "MESSAGE"));

		logger.warning("secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw in callback");
		CPPUNIT_ASSERT_EQUAL(std::string("secret [redacted] in callback"), field(nextEntry(*listener), "MESSAGE"));
	}

	void testSecretsAreMaskedOnStderr()
	{
		Logging::addSecret("telegram:bot-token-1234");
		StderrCapture capture(_dir->file("stderr.txt"));
		Logging::configure("sygen-test", LogTarget::Stderr);
		Poco::Logger::get("Telegram").error("sendMessage failed for https://x/bottelegram:bot-token-1234/sendMessage");
		capture.restore();
		const std::string out = capture.text();
		CPPUNIT_ASSERT_MESSAGE(out, out.find("bottelegram") == std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(out, out.find("https://x/bot[redacted]/sendMessage") != std::string::npos);
	}

	void testStderrLineHasTimeLevelIdentifierAndFields()
	{
		StderrCapture capture(_dir->file("stderr.txt"));
		Logging::configure("sygen-webhook-worker", LogTarget::Stderr, "debug");
		Logging::log(Poco::Logger::get("JobRunner"), Poco::Message::PRIO_DEBUG, "cli exited",
			{{LogFields::JOB_ID, "j 1"}, {LogFields::HOOK_ID, "h1"}, {LogFields::STATUS, "success"}});
		capture.restore();
		const std::string out = capture.text();
		const std::string expected =
			" DEBUG sygen-webhook-worker[" + std::to_string(::getpid()) + "]: cli exited hook_id=h1 job_id=\"j 1\" status=success\n";
		CPPUNIT_ASSERT_MESSAGE(out, out.size() > expected.size());
		CPPUNIT_ASSERT_EQUAL(expected, out.substr(out.size() - expected.size()));
		// 2024-05-01T12:00:00.123Z
		CPPUNIT_ASSERT_EQUAL(std::size_t(24), out.find(' '));
		CPPUNIT_ASSERT_EQUAL('T', out[10]);
		CPPUNIT_ASSERT_EQUAL('Z', out[23]);
	}

	void testStderrFormatQuotesAndIndents()
	{
		Poco::Message msg("src", "line one\nline two", Poco::Message::PRIO_CRITICAL);
		msg.setTime(Poco::Timestamp(Poco::Timestamp::TimeVal(1700000000123456LL)));
		msg.setPid(42);
		msg.set(LogFields::STATUS, "");
		msg.set(LogFields::HOOK_ID, "a=\"b\"\n");
		CPPUNIT_ASSERT_EQUAL(
			std::string("2023-11-14T22:13:20.123Z CRIT id[42]: line one\n    line two hook_id=\"a=\\\"b\\\"\\n\" status=\"\"\n"),
			StderrChannel::format(msg, "id"));
		CPPUNIT_ASSERT_EQUAL(std::string("plain-value:1"), StderrChannel::quote("plain-value:1"));
		CPPUNIT_ASSERT_EQUAL(std::string("\"a\\\\b\""), StderrChannel::quote("a\\b"));
		CPPUNIT_ASSERT_EQUAL(std::string("src[42]"), StderrChannel::format(msg, "").substr(30, 7));
	}

private:
	std::vector<std::unique_ptr<EnvGuard>> _guards;
	std::unique_ptr<Sygen::Test::TempDir> _dir;
};

CPPUNIT_TEST_SUITE_REGISTRATION(LoggingTest);
