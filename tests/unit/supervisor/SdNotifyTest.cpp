//
// SdNotifyTest.cpp
//
// $NOTIFY_SOCKET points at a datagram socket the test owns; the test reads what
// the service manager would have received.
//

#include "SdNotify.h"
#include "DatagramListener.h"
#include "TestSupport.h"
#include <cppunit/extensions/HelperMacros.h>
#include <cstdlib>
#include <memory>
#include <unistd.h>

using Sygen::SdNotify;
using Sygen::Test::DatagramListener;
using Sygen::Test::EnvGuard;

class SdNotifyTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SdNotifyTest);
	CPPUNIT_TEST(testDoesNothingWithoutNotifySocket);
	CPPUNIT_TEST(testReadySendsReadyToPathSocket);
	CPPUNIT_TEST(testReadyWithStatus);
	CPPUNIT_TEST(testStatusKeepsOneLine);
	CPPUNIT_TEST(testWatchdogStoppingReloading);
	CPPUNIT_TEST(testAbstractNamespaceSocket);
	CPPUNIT_TEST(testRejectsRelativeSocketPath);
	CPPUNIT_TEST(testFailsWhenNobodyListens);
	CPPUNIT_TEST(testWatchdogIntervalFromEnvironment);
	CPPUNIT_TEST(testWatchdogIntervalForAnotherPidIsZero);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_guards.emplace_back(new EnvGuard("NOTIFY_SOCKET"));
		_guards.emplace_back(new EnvGuard("WATCHDOG_USEC"));
		_guards.emplace_back(new EnvGuard("WATCHDOG_PID"));
		::unsetenv("NOTIFY_SOCKET");
		::unsetenv("WATCHDOG_USEC");
		::unsetenv("WATCHDOG_PID");
		_dir = std::make_unique<Sygen::Test::TempDir>();
	}

	void tearDown() override
	{
		_guards.clear();
		_dir.reset();
	}

	std::unique_ptr<DatagramListener> listen(const std::string& address)
	{
		auto listener = std::make_unique<DatagramListener>(address);
		::setenv("NOTIFY_SOCKET", address.c_str(), 1);
		return listener;
	}

	static std::string next(DatagramListener& listener)
	{
		std::string data;
		CPPUNIT_ASSERT_MESSAGE("no notification received", listener.receive(data));
		return data;
	}

	void testDoesNothingWithoutNotifySocket()
	{
		CPPUNIT_ASSERT(!SdNotify::enabled());
		CPPUNIT_ASSERT(!SdNotify::ready());
		CPPUNIT_ASSERT(!SdNotify::status("x"));
		CPPUNIT_ASSERT(!SdNotify::watchdog());
		CPPUNIT_ASSERT(!SdNotify::stopping());
		::setenv("NOTIFY_SOCKET", "", 1);
		CPPUNIT_ASSERT(!SdNotify::enabled());
		CPPUNIT_ASSERT(!SdNotify::ready());
	}

	void testReadySendsReadyToPathSocket()
	{
		auto listener = listen(_dir->file("notify"));
		CPPUNIT_ASSERT(SdNotify::enabled());
		CPPUNIT_ASSERT(SdNotify::ready());
		CPPUNIT_ASSERT_EQUAL(std::string("READY=1"), next(*listener));
	}

	void testReadyWithStatus()
	{
		auto listener = listen(_dir->file("notify"));
		CPPUNIT_ASSERT(SdNotify::ready("queue 0, workers busy 0/2"));
		CPPUNIT_ASSERT_EQUAL(std::string("READY=1\nSTATUS=queue 0, workers busy 0/2"), next(*listener));
	}

	void testStatusKeepsOneLine()
	{
		auto listener = listen(_dir->file("notify"));
		CPPUNIT_ASSERT(SdNotify::status("queue 3\nREADY=1"));
		CPPUNIT_ASSERT_EQUAL(std::string("STATUS=queue 3 READY=1"), next(*listener));
		CPPUNIT_ASSERT(SdNotify::status(""));
		CPPUNIT_ASSERT_EQUAL(std::string("STATUS="), next(*listener));
	}

	void testWatchdogStoppingReloading()
	{
		auto listener = listen(_dir->file("notify"));
		CPPUNIT_ASSERT(SdNotify::watchdog());
		CPPUNIT_ASSERT_EQUAL(std::string("WATCHDOG=1"), next(*listener));
		CPPUNIT_ASSERT(SdNotify::stopping("draining 1 job"));
		CPPUNIT_ASSERT_EQUAL(std::string("STOPPING=1\nSTATUS=draining 1 job"), next(*listener));
		CPPUNIT_ASSERT(SdNotify::reloading());
		const std::string reload = next(*listener);
		CPPUNIT_ASSERT_EQUAL(std::string("RELOADING=1\nMONOTONIC_USEC="), reload.substr(0, 27));
		CPPUNIT_ASSERT(reload.size() > 27);
		CPPUNIT_ASSERT(SdNotify::notify("ERRNO=5\nBUSERROR=x"));
		CPPUNIT_ASSERT_EQUAL(std::string("ERRNO=5\nBUSERROR=x"), next(*listener));
	}

	void testAbstractNamespaceSocket()
	{
		const std::string name = "@sygen-sdnotify-test-" + std::to_string(::getpid());
		auto listener = listen(name);
		CPPUNIT_ASSERT(SdNotify::ready());
		CPPUNIT_ASSERT_EQUAL(std::string("READY=1"), next(*listener));
	}

	void testRejectsRelativeSocketPath()
	{
		::setenv("NOTIFY_SOCKET", "relative/notify", 1);
		CPPUNIT_ASSERT(SdNotify::enabled());
		CPPUNIT_ASSERT(!SdNotify::ready());
	}

	void testFailsWhenNobodyListens()
	{
		::setenv("NOTIFY_SOCKET", _dir->file("nobody").c_str(), 1);
		CPPUNIT_ASSERT(!SdNotify::ready());
	}

	void testWatchdogIntervalFromEnvironment()
	{
		CPPUNIT_ASSERT_EQUAL(Poco::Timespan::TimeDiff(0), SdNotify::watchdogInterval().totalMicroseconds());
		::setenv("WATCHDOG_USEC", "30000000", 1);
		CPPUNIT_ASSERT_EQUAL(Poco::Timespan::TimeDiff(30000000), SdNotify::watchdogInterval().totalMicroseconds());
		CPPUNIT_ASSERT_EQUAL(Poco::Timespan::TimeDiff(15000000), SdNotify::watchdogPingInterval().totalMicroseconds());
		::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
		CPPUNIT_ASSERT_EQUAL(Poco::Timespan::TimeDiff(30000000), SdNotify::watchdogInterval().totalMicroseconds());
		::setenv("WATCHDOG_USEC", "soon", 1);
		CPPUNIT_ASSERT_EQUAL(Poco::Timespan::TimeDiff(0), SdNotify::watchdogInterval().totalMicroseconds());
		::setenv("WATCHDOG_USEC", "0", 1);
		CPPUNIT_ASSERT_EQUAL(Poco::Timespan::TimeDiff(0), SdNotify::watchdogPingInterval().totalMicroseconds());
	}

	void testWatchdogIntervalForAnotherPidIsZero()
	{
		// A worker inherits the supervisor's WATCHDOG_* variables; the watchdog is
		// not its business.
		::setenv("WATCHDOG_USEC", "30000000", 1);
		::setenv("WATCHDOG_PID", std::to_string(::getpid() + 1).c_str(), 1);
		CPPUNIT_ASSERT_EQUAL(Poco::Timespan::TimeDiff(0), SdNotify::watchdogInterval().totalMicroseconds());
		::setenv("WATCHDOG_PID", "not-a-pid", 1);
		CPPUNIT_ASSERT_EQUAL(Poco::Timespan::TimeDiff(0), SdNotify::watchdogInterval().totalMicroseconds());
	}

private:
	std::vector<std::unique_ptr<EnvGuard>> _guards;
	std::unique_ptr<Sygen::Test::TempDir> _dir;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SdNotifyTest);
