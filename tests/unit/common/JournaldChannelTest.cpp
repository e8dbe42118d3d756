//
// JournaldChannelTest.cpp
//
// The channel is pointed at a datagram socket the test owns, in place of
// /run/systemd/journal/socket, and the test reads the fields it was sent.
//

#include "Sygen/Foundation/JournaldChannel.h"
#include "DatagramListener.h"
#include "Sygen/Foundation/LogFields.h"
#include "TestSupport.h"
#include <Poco/Message.h>
#include <cppunit/extensions/HelperMacros.h>
#include <fstream>
#include <memory>

using Sygen::JournaldChannel;
using Sygen::LogFields;
using Sygen::Test::DatagramListener;
using Sygen::Test::field;
using Sygen::Test::parseJournalEntry;

class JournaldChannelTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(JournaldChannelTest);
	CPPUNIT_TEST(testSendsMessagePriorityAndIdentifier);
	CPPUNIT_TEST(testSendsStructuredFieldsFromParameters);
	CPPUNIT_TEST(testLeavesOutFieldsThatAreNotSet);
	CPPUNIT_TEST(testMapsPocoPrioritiesToSyslogLevels);
	CPPUNIT_TEST(testMultiLineValueUsesBinaryForm);
	CPPUNIT_TEST(testSendsCodeLocationAndLogger);
	CPPUNIT_TEST(testEntryTooLargeForADatagramGoesThroughMemfd);
	CPPUNIT_TEST(testCutsValuesLongerThanTheLimit);
	CPPUNIT_TEST(testFallsBackToStderrWithoutJournal);
	CPPUNIT_TEST(testJournalNamesOfParameters);
	CPPUNIT_TEST(testProperties);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_dir = std::make_unique<Sygen::Test::TempDir>();
		_listener = std::make_unique<DatagramListener>(_dir->file("journal.socket"));
		_channel = new JournaldChannel("sygen-test", _listener->address());
	}

	void tearDown() override
	{
		_channel = nullptr;
		_listener.reset();
		_dir.reset();
	}

	std::multimap<std::string, std::string> receiveEntry()
	{
		std::string data;
		CPPUNIT_ASSERT_MESSAGE("no datagram received", _listener->receive(data));
		return parseJournalEntry(data);
	}

	void testSendsMessagePriorityAndIdentifier()
	{
		_channel->log(Poco::Message("Dispatcher", "job queued", Poco::Message::PRIO_INFORMATION));
		auto entry = receiveEntry();
		CPPUNIT_ASSERT_EQUAL(std::string("job queued"), field(entry, "MESSAGE"));
		CPPUNIT_ASSERT_EQUAL(std::string("6"), field(entry, "PRIORITY"));
		CPPUNIT_ASSERT_EQUAL(std::string("sygen-test"), field(entry, "SYSLOG_IDENTIFIER"));
	}

	void testSendsStructuredFieldsFromParameters()
	{
		Poco::Message msg("Dispatcher", "job finished", Poco::Message::PRIO_NOTICE);
		msg.set(LogFields::HOOK_ID, "github-push");
		msg.set(LogFields::JOB_ID, "j-123");
		msg.set(LogFields::WORKER_ID, "2");
		msg.set(LogFields::STATUS, "error:exit_1");
		msg.set(LogFields::DURATION_MS, "1500");
		_channel->log(msg);
		auto entry = receiveEntry();
		CPPUNIT_ASSERT_EQUAL(std::string("github-push"), field(entry, "HOOK_ID"));
		CPPUNIT_ASSERT_EQUAL(std::string("j-123"), field(entry, "JOB_ID"));
		CPPUNIT_ASSERT_EQUAL(std::string("2"), field(entry, "WORKER_ID"));
		CPPUNIT_ASSERT_EQUAL(std::string("error:exit_1"), field(entry, "STATUS"));
		CPPUNIT_ASSERT_EQUAL(std::string("1500"), field(entry, "DURATION_MS"));
		CPPUNIT_ASSERT_EQUAL(std::string("5"), field(entry, "PRIORITY"));
	}

	void testLeavesOutFieldsThatAreNotSet()
	{
		Poco::Message msg("x", "plain", Poco::Message::PRIO_INFORMATION);
		msg.set("unknown_param", "v");
		_channel->log(msg);
		auto entry = receiveEntry();
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), entry.count("HOOK_ID"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), entry.count("JOB_ID"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), entry.count("WORKER_ID"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), entry.count("STATUS"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), entry.count("UNKNOWN_PARAM"));
	}

	void testMapsPocoPrioritiesToSyslogLevels()
	{
		CPPUNIT_ASSERT_EQUAL(1, JournaldChannel::priorityOf(Poco::Message::PRIO_FATAL));
		CPPUNIT_ASSERT_EQUAL(2, JournaldChannel::priorityOf(Poco::Message::PRIO_CRITICAL));
		CPPUNIT_ASSERT_EQUAL(3, JournaldChannel::priorityOf(Poco::Message::PRIO_ERROR));
		CPPUNIT_ASSERT_EQUAL(4, JournaldChannel::priorityOf(Poco::Message::PRIO_WARNING));
		CPPUNIT_ASSERT_EQUAL(5, JournaldChannel::priorityOf(Poco::Message::PRIO_NOTICE));
		CPPUNIT_ASSERT_EQUAL(6, JournaldChannel::priorityOf(Poco::Message::PRIO_INFORMATION));
		CPPUNIT_ASSERT_EQUAL(7, JournaldChannel::priorityOf(Poco::Message::PRIO_DEBUG));
		CPPUNIT_ASSERT_EQUAL(7, JournaldChannel::priorityOf(Poco::Message::PRIO_TRACE));
		_channel->log(Poco::Message("x", "boom", Poco::Message::PRIO_ERROR));
		CPPUNIT_ASSERT_EQUAL(std::string("3"), field(receiveEntry(), "PRIORITY"));
	}

	void testMultiLineValueUsesBinaryForm()
	{
		const std::string text("first line\nsecond line\n");
		Poco::Message msg("x", text, Poco::Message::PRIO_WARNING);
		msg.set(LogFields::STATUS, "a\nb");
		std::string encoded = JournaldChannel::encode(msg, "id");
		std::string expected("MESSAGE\n");
		expected += static_cast<char>(text.size());
		expected += std::string(7, '\0');
		expected += text + "\n";
		CPPUNIT_ASSERT(encoded.find(expected) != std::string::npos);
		CPPUNIT_ASSERT(encoded.find("MESSAGE=") == std::string::npos);

		_channel->log(msg);
		auto entry = receiveEntry();
		CPPUNIT_ASSERT_EQUAL(text, field(entry, "MESSAGE"));
		CPPUNIT_ASSERT_EQUAL(std::string("a\nb"), field(entry, "STATUS"));
	}

	void testSendsCodeLocationAndLogger()
	{
		Poco::Message msg("WorkerPool", "respawn", Poco::Message::PRIO_INFORMATION, "/src/supervisor/src/WorkerPool.cpp", 42);
		_channel->log(msg);
		auto entry = receiveEntry();
		CPPUNIT_ASSERT_EQUAL(std::string("WorkerPool.cpp"), field(entry, "CODE_FILE"));
		CPPUNIT_ASSERT_EQUAL(std::string("42"), field(entry, "CODE_LINE"));
		CPPUNIT_ASSERT_EQUAL(std::string("WorkerPool"), field(entry, "LOGGER"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), entry.count("THREAD")); // the main thread is no Poco::Thread
	}

	void testEntryTooLargeForADatagramGoesThroughMemfd()
	{
		// The kernel caps a datagram at the send buffer, at most net.core.wmem_max
		// (212992 by default): a bigger entry must take the memfd path.
		long long wmemMax = 0;
		std::ifstream("/proc/sys/net/core/wmem_max") >> wmemMax;
		const std::string text(900 * 1024, 'x');
		_channel->log(Poco::Message("x", text, Poco::Message::PRIO_INFORMATION));
		auto entry = receiveEntry();
		CPPUNIT_ASSERT_EQUAL(text, field(entry, "MESSAGE"));
		CPPUNIT_ASSERT_EQUAL(std::string("sygen-test"), field(entry, "SYSLOG_IDENTIFIER"));
		if (wmemMax > 0 && 2 * wmemMax < static_cast<long long>(text.size()))
			CPPUNIT_ASSERT_MESSAGE("expected the memfd method", _listener->lastWasMemfd());

		// A small entry after it still goes as a plain datagram.
		_channel->log(Poco::Message("x", "small", Poco::Message::PRIO_INFORMATION));
		CPPUNIT_ASSERT_EQUAL(std::string("small"), field(receiveEntry(), "MESSAGE"));
		CPPUNIT_ASSERT(!_listener->lastWasMemfd());
	}

	void testCutsValuesLongerThanTheLimit()
	{
		const std::string text(JournaldChannel::MAX_FIELD_SIZE + 5000, 'y');
		_channel->log(Poco::Message("x", text, Poco::Message::PRIO_INFORMATION));
		std::string message = field(receiveEntry(), "MESSAGE");
		CPPUNIT_ASSERT_EQUAL(JournaldChannel::MAX_FIELD_SIZE, message.size());
		const std::string note("... [5000 bytes cut]");
		CPPUNIT_ASSERT_EQUAL(note, message.substr(message.size() - note.size()));
	}

	void testFallsBackToStderrWithoutJournal()
	{
		Poco::AutoPtr<JournaldChannel> channel(new JournaldChannel("sygen-test", _dir->file("no-such.socket")));
		Sygen::Test::StderrCapture capture(_dir->file("stderr.txt"));
		Poco::Message msg("x", "journal is gone", Poco::Message::PRIO_ERROR);
		msg.set(LogFields::JOB_ID, "j9");
		channel->log(msg);
		capture.restore();
		const std::string out = capture.text();
		CPPUNIT_ASSERT_MESSAGE(out, out.find("ERROR sygen-test[") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(out, out.find("journal is gone job_id=j9\n") != std::string::npos);
	}

	void testJournalNamesOfParameters()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("HOOK_ID"), LogFields::journalName(LogFields::HOOK_ID));
		CPPUNIT_ASSERT_EQUAL(std::string("A_B_C"), LogFields::journalName("a-b.c"));
		CPPUNIT_ASSERT_EQUAL(std::string(), LogFields::journalName("_hidden"));
		CPPUNIT_ASSERT_EQUAL(std::string(), LogFields::journalName("1st"));
		CPPUNIT_ASSERT_EQUAL(std::string(), LogFields::journalName(""));
		CPPUNIT_ASSERT_EQUAL(std::string(), LogFields::journalName(std::string(65, 'a')));
		for (const std::string& name: LogFields::names()) CPPUNIT_ASSERT(!LogFields::journalName(name).empty());
	}

	void testProperties()
	{
		_channel->setProperty(JournaldChannel::PROP_IDENTIFIER, "sygen-webhook-worker");
		CPPUNIT_ASSERT_EQUAL(std::string("sygen-webhook-worker"), _channel->getProperty("identifier"));
		CPPUNIT_ASSERT_EQUAL(_listener->address(), _channel->getProperty("socket"));
		CPPUNIT_ASSERT_EQUAL(std::string("/run/systemd/journal/socket"), JournaldChannel::DEFAULT_SOCKET);
		CPPUNIT_ASSERT_THROW(_channel->setProperty("facility", "x"), Poco::PropertyNotSupportedException);
		_channel->log(Poco::Message("x", "renamed", Poco::Message::PRIO_INFORMATION));
		CPPUNIT_ASSERT_EQUAL(std::string("sygen-webhook-worker"), field(receiveEntry(), "SYSLOG_IDENTIFIER"));
	}

private:
	std::unique_ptr<Sygen::Test::TempDir> _dir;
	std::unique_ptr<DatagramListener> _listener;
	JournaldChannel::Ptr _channel;
};

CPPUNIT_TEST_SUITE_REGISTRATION(JournaldChannelTest);
