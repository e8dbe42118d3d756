//
// WorkerChannelTest.cpp
//
// UnixSocket and WorkerChannel on real sockets.
//

#include "Sygen/Protocol/WorkerChannel.h"
#include "Sygen/Foundation/UnixSocket.h"
#include "TestSupport.h"
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Net/NetException.h>
#include <cppunit/extensions/HelperMacros.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace Sygen;

namespace {

Poco::JSON::Object::Ptr frame(const std::string& type)
{
	Poco::JSON::Object::Ptr obj = new Poco::JSON::Object;
	obj->set("type", type);
	return obj;
}

void writeRaw(int fd, const std::string& bytes)
{
	CPPUNIT_ASSERT_EQUAL(static_cast<ssize_t>(bytes.size()), ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL));
}

} // namespace

class WorkerChannelTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(WorkerChannelTest);
	CPPUNIT_TEST(testListeningSocketFileIsMode0600);
	CPPUNIT_TEST(testReplacesStaleSocketFile);
	CPPUNIT_TEST(testRefusesSocketSomeoneListensOn);
	CPPUNIT_TEST(testRefusesToReplaceRegularFile);
	CPPUNIT_TEST(testRejectsTooLongPath);
	CPPUNIT_TEST(testConnectToMissingSocketThrowsFileNotFound);
	CPPUNIT_TEST(testPeerCredentialsNameOurProcess);
	CPPUNIT_TEST(testAcceptTimesOutWithInvalidSocket);
	CPPUNIT_TEST(testFramesFlowBothWays);
	CPPUNIT_TEST(testReceiveTimesOutWithNull);
	CPPUNIT_TEST(testPeerCloseIsChannelClosed);
	CPPUNIT_TEST(testTruncatedFrameAtCloseIsReported);
	CPPUNIT_TEST(testGarbageFrameThrowsAndChannelStaysUsable);
	CPPUNIT_TEST(testOversizedFrameThrowsTooLarge);
	CPPUNIT_TEST(testCloseWakesBlockedReceiver);
	CPPUNIT_TEST(testSendToVanishedPeerIsChannelClosed);
	CPPUNIT_TEST(testConcurrentSendsDoNotInterleave);
	CPPUNIT_TEST_SUITE_END();

public:
	void testListeningSocketFileIsMode0600()
	{
		Test::TempDir dir;
		std::string path = dir.file("s.sock");
		UnixSocket listener = UnixSocket::listen(path);
		struct stat st;
		CPPUNIT_ASSERT_EQUAL(0, ::lstat(path.c_str(), &st));
		CPPUNIT_ASSERT(S_ISSOCK(st.st_mode));
		CPPUNIT_ASSERT_EQUAL(0600, static_cast<int>(st.st_mode & 0777));
	}

	void testReplacesStaleSocketFile()
	{
		Test::TempDir dir;
		std::string path = dir.file("s.sock");
		{
			UnixSocket first = UnixSocket::listen(path);
		}
		// The file is left behind, as after a crash; nobody listens on it.
		CPPUNIT_ASSERT(Poco::File(path).exists());
		UnixSocket second = UnixSocket::listen(path);
		UnixSocket client = UnixSocket::connect(path);
		CPPUNIT_ASSERT(second.accept(Poco::Timespan(5, 0)).valid());
	}

	void testRefusesSocketSomeoneListensOn()
	{
		Test::TempDir dir;
		std::string path = dir.file("s.sock");
		UnixSocket live = UnixSocket::listen(path);
		CPPUNIT_ASSERT_THROW(UnixSocket::listen(path), Poco::FileExistsException);
	}

	void testRefusesToReplaceRegularFile()
	{
		Test::TempDir dir;
		std::string path = dir.file("config.json");
		Test::writeFile(path, "{}");
		CPPUNIT_ASSERT_THROW(UnixSocket::listen(path), Poco::FileExistsException);
		CPPUNIT_ASSERT_EQUAL(std::string("{}"), Test::readFile(path));
	}

	void testRejectsTooLongPath()
	{
		CPPUNIT_ASSERT_THROW(UnixSocket::listen("/tmp/" + std::string(200, 'x')), Poco::InvalidArgumentException);
	}

	void testConnectToMissingSocketThrowsFileNotFound()
	{
		Test::TempDir dir;
		CPPUNIT_ASSERT_THROW(UnixSocket::connect(dir.file("none.sock")), Poco::FileNotFoundException);
	}

	void testPeerCredentialsNameOurProcess()
	{
		Test::TempDir dir;
		std::string path = dir.file("s.sock");
		UnixSocket listener = UnixSocket::listen(path);
		UnixSocket client = UnixSocket::connect(path);
		UnixSocket server = listener.accept(Poco::Timespan(5, 0));
		CPPUNIT_ASSERT(server.valid());
		PeerCredentials cred = server.peerCredentials();
		CPPUNIT_ASSERT_EQUAL(::getpid(), cred.pid);
		CPPUNIT_ASSERT_EQUAL(::geteuid(), cred.uid);
		CPPUNIT_ASSERT(server.peerIsTrusted());
	}

	void testAcceptTimesOutWithInvalidSocket()
	{
		Test::TempDir dir;
		UnixSocket listener = UnixSocket::listen(dir.file("s.sock"));
		CPPUNIT_ASSERT(!listener.accept(Poco::Timespan(0, 20000)).valid());
	}

	void testFramesFlowBothWays()
	{
		UnixSocket a, b;
		UnixSocket::pair(a, b);
		WorkerChannel left(std::move(a));
		WorkerChannel right(std::move(b));
		left.send(*frame("hello"));
		Poco::JSON::Object::Ptr got = right.receive(Poco::Timespan(5, 0));
		CPPUNIT_ASSERT(got);
		CPPUNIT_ASSERT_EQUAL(std::string("hello"), got->getValue<std::string>("type"));
		right.send(*frame("welcome"));
		got = left.receive(Poco::Timespan(5, 0));
		CPPUNIT_ASSERT(got);
		CPPUNIT_ASSERT_EQUAL(std::string("welcome"), got->getValue<std::string>("type"));
	}

	void testReceiveTimesOutWithNull()
	{
		UnixSocket a, b;
		UnixSocket::pair(a, b);
		WorkerChannel channel(std::move(a));
		CPPUNIT_ASSERT(!channel.receive(Poco::Timespan(0, 20000)));
	}

	void testPeerCloseIsChannelClosed()
	{
		UnixSocket a, b;
		UnixSocket::pair(a, b);
		WorkerChannel channel(std::move(a));
		b.close();
		CPPUNIT_ASSERT_THROW(channel.receive(Poco::Timespan(5, 0)), ChannelClosedException);
	}

	void testTruncatedFrameAtCloseIsReported()
	{
		UnixSocket a, b;
		UnixSocket::pair(a, b);
		WorkerChannel channel(std::move(a));
		std::string bytes = FrameCodec().encode(*frame("result"));
		writeRaw(b.fd(), bytes.substr(0, bytes.size() - 3));
		b.close();
		try
		{
			channel.receive(Poco::Timespan(5, 0));
			CPPUNIT_FAIL("no exception");
		}
		catch (ChannelClosedException& e)
		{
			CPPUNIT_ASSERT(e.displayText().find("truncated frame") != std::string::npos);
		}
	}

	void testGarbageFrameThrowsAndChannelStaysUsable()
	{
		UnixSocket a, b;
		UnixSocket::pair(a, b);
		WorkerChannel channel(std::move(a));
		writeRaw(b.fd(), std::string("\0\0\0\x05", 4) + "garbl" + FrameCodec().encode(*frame("after")));
		CPPUNIT_ASSERT_THROW(channel.receive(Poco::Timespan(5, 0)), FrameException);
		Poco::JSON::Object::Ptr got = channel.receive(Poco::Timespan(5, 0));
		CPPUNIT_ASSERT(got);
		CPPUNIT_ASSERT_EQUAL(std::string("after"), got->getValue<std::string>("type"));
	}

	void testOversizedFrameThrowsTooLarge()
	{
		UnixSocket a, b;
		UnixSocket::pair(a, b);
		WorkerChannel channel(std::move(a), 1024);
		writeRaw(b.fd(), std::string("\x7f\0\0\0", 4));
		CPPUNIT_ASSERT_THROW(channel.receive(Poco::Timespan(5, 0)), FrameTooLargeException);
	}

	void testCloseWakesBlockedReceiver()
	{
		UnixSocket a, b;
		UnixSocket::pair(a, b);
		WorkerChannel channel(std::move(a));
		bool closedSeen = false;
		std::thread reader([&] {
			try
			{
				channel.receive();
			}
			catch (ChannelClosedException&)
			{
				closedSeen = true;
			}
		});
		std::this_thread::sleep_for(std::chrono::milliseconds(50));
		channel.close();
		reader.join();
		CPPUNIT_ASSERT(closedSeen);
		CPPUNIT_ASSERT_THROW(channel.send(*frame("x")), ChannelClosedException);
	}

	void testSendToVanishedPeerIsChannelClosed()
	{
		UnixSocket a, b;
		UnixSocket::pair(a, b);
		WorkerChannel channel(std::move(a));
		b.close();
		CPPUNIT_ASSERT_THROW(channel.send(*frame("x")), ChannelClosedException);
	}

	void testConcurrentSendsDoNotInterleave()
	{
		UnixSocket a, b;
		UnixSocket::pair(a, b);
		auto sender = std::make_shared<WorkerChannel>(std::move(a));
		WorkerChannel receiver(std::move(b));
		const int threads = 4;
		const int perThread = 200;
		std::string big(20000, 'x');
		std::vector<std::thread> senders;
		for (int t = 0; t < threads; ++t)
		{
			senders.emplace_back([sender, t, &big] {
				for (int i = 0; i < perThread; ++i)
				{
					Poco::JSON::Object::Ptr f = frame("t" + std::to_string(t));
					f->set("pad", big);
					sender->send(*f);
				}
			});
		}
		int received = 0;
		while (received < threads * perThread)
		{
			Poco::JSON::Object::Ptr got = receiver.receive(Poco::Timespan(10, 0));
			CPPUNIT_ASSERT(got);
			CPPUNIT_ASSERT_EQUAL(big, got->getValue<std::string>("pad"));
			++received;
		}
		for (auto& s: senders) s.join();
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(WorkerChannelTest);
