//
// SdNotify.cpp
//

#include "SdNotify.h"
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace Sygen {

namespace {

std::string environment(const char* name)
{
	const char* value = std::getenv(name);
	return value ? std::string(value) : std::string();
}

bool parseUnsigned(const std::string& text, unsigned long long& value)
{
	if (text.empty()) return false;
	value = 0;
	for (char c: text)
	{
		if (c < '0' || c > '9') return false;
		unsigned long long next = value * 10 + static_cast<unsigned>(c - '0');
		if (next / 10 != value) return false;
		value = next;
	}
	return true;
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
	const std::string path = environment("NOTIFY_SOCKET");
	if (path.empty()) return false;

	sockaddr_un addr;
	std::memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	if (path.size() >= sizeof(addr.sun_path) || (path[0] != '/' && path[0] != '@')) return false;
	std::memcpy(addr.sun_path, path.data(), path.size());
	socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
	if (path[0] == '@')
	{
		// Abstract namespace: a leading NUL, and the length counts exactly the name.
		addr.sun_path[0] = '\0';
	}
	else
	{
		len += 1;
	}

	int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) return false;
	ssize_t rc;
	do
	{
		rc = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr), len);
	}
	while (rc < 0 && errno == EINTR);
	::close(fd);
	return rc == static_cast<ssize_t>(state.size());
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
	unsigned long long usec = static_cast<unsigned long long>(ts.tv_sec) * 1000000ULL + static_cast<unsigned long long>(ts.tv_nsec) / 1000ULL;
	return notify(withStatus("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec), status));
}

Poco::Timespan SdNotify::watchdogInterval()
{
	unsigned long long usec = 0;
	if (!parseUnsigned(environment("WATCHDOG_USEC"), usec) || usec == 0) return Poco::Timespan(0);
	const std::string pidText = environment("WATCHDOG_PID");
	if (!pidText.empty())
	{
		unsigned long long pid = 0;
		if (!parseUnsigned(pidText, pid) || pid != static_cast<unsigned long long>(::getpid())) return Poco::Timespan(0);
	}
	return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(usec));
}

Poco::Timespan SdNotify::watchdogPingInterval()
{
	return Poco::Timespan(watchdogInterval().totalMicroseconds() / 2);
}

} // namespace Sygen
