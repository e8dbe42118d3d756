//
// SdNotify.cpp
//

#include "SdNotify.h"
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <systemd/sd-daemon.h>

namespace Sygen {

namespace {

std::string environment(const char* name)
{
	const char* value = std::getenv(name);
	return value ? std::string(value) : std::string();
}

std::string oneLine(const std::string& text)
{
	std::string line(text);
	for (char& c: line)
	{
		if (c == '\n') c = ' ';
	}
	return line;
}

std::string withStatus(const std::string& state, const std::string& status)
{
	if (status.empty()) return state;
	return state + "\nSTATUS=" + oneLine(status);
}

} // namespace

bool SdNotify::enabled()
{
	return !environment("NOTIFY_SOCKET").empty();
}

bool SdNotify::notify(const std::string& state)
{
	// libsystemd's sd_notify(3): a path or '@' abstract name in $NOTIFY_SOCKET,
	// 0 when it is unset, < 0 when it is invalid or nobody receives.
	if (!enabled()) return false;
	return ::sd_notify(0, state.c_str()) > 0;
}

bool SdNotify::ready(const std::string& status)
{
	return notify(withStatus("READY=1", status));
}

bool SdNotify::status(const std::string& text)
{
	return notify("STATUS=" + oneLine(text));
}

bool SdNotify::watchdog()
{
	return notify("WATCHDOG=1");
}

bool SdNotify::stopping(const std::string& status)
{
	return notify(withStatus("STOPPING=1", status));
}

bool SdNotify::reloading(const std::string& status)
{
	// systemd 253+ (Type=notify-reload) needs MONOTONIC_USEC to match the reload
	// to its request; older versions ignore the extra assignment.
	timespec ts;
	::clock_gettime(CLOCK_MONOTONIC, &ts);
	unsigned long long usec =
		static_cast<unsigned long long>(ts.tv_sec) * 1000000ULL + static_cast<unsigned long long>(ts.tv_nsec) / 1000ULL;
	return notify(withStatus("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec), status));
}

Poco::Timespan SdNotify::watchdogInterval()
{
	// sd_watchdog_enabled(3) checks $WATCHDOG_PID against this process and
	// rejects a missing, invalid or zero $WATCHDOG_USEC.
	uint64_t usec = 0;
	if (::sd_watchdog_enabled(0, &usec) <= 0) return Poco::Timespan(0);
	return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(usec));
}

Poco::Timespan SdNotify::watchdogPingInterval()
{
	return Poco::Timespan(watchdogInterval().totalMicroseconds() / 2);
}

} // namespace Sygen
