//
// SdNotify.h
//
// Library: Sygen/supervisor
//
// The systemd service notification protocol (sd_notify(3)) without libsystemd.
//

#ifndef Sygen_SdNotify_INCLUDED
#define Sygen_SdNotify_INCLUDED

#include <Poco/Timespan.h>
#include <string>

namespace Sygen {

class SdNotify
/// Sends state changes to the service manager through libsystemd's sd_notify(3)
/// (the datagram socket named by $NOTIFY_SOCKET: a path, or an abstract-namespace
/// name written with a leading '@'); the watchdog settings come from
/// sd_watchdog_enabled(3). When $NOTIFY_SOCKET is unset (not started by systemd with
/// Type=notify) every call does nothing and returns false, so callers need no
/// checks of their own.
///
/// The environment is read at every call, as sd_notify() does. Thread-safe.
/// Nothing here throws.
///
/// The unit uses NotifyAccess=main: only the supervisor (the unit's main
/// process) may notify; a worker that inherits NOTIFY_SOCKET is ignored by
/// systemd, and watchdogInterval() returns zero there because WATCHDOG_PID
/// names the supervisor.
{
public:
	static bool enabled();
	/// True when $NOTIFY_SOCKET is set and non-empty.

	static bool notify(const std::string& state);
	/// Sends state, one or more newline-separated VAR=value assignments.
	/// Returns true when the datagram was sent, false when notification is
	/// disabled or sending failed.

	static bool ready(const std::string& status = "");
	/// READY=1 (plus STATUS=status when given): start-up is complete.

	static bool status(const std::string& text);
	/// STATUS=text: the line `systemctl status` shows, e.g. "queue 3, workers busy 2/4".
	/// Newlines in text are replaced by spaces (they would end the assignment).

	static bool watchdog();
	/// WATCHDOG=1: the main loop is alive.

	static bool stopping(const std::string& status = "");
	/// STOPPING=1: shutdown has begun.

	static bool reloading(const std::string& status = "");
	/// RELOADING=1 with MONOTONIC_USEC=now: a reload has begun; send ready()
	/// when it is done.

	static Poco::Timespan watchdogInterval();
	/// The watchdog timeout from $WATCHDOG_USEC, or zero when the watchdog is not
	/// enabled for this process ($WATCHDOG_USEC unset or invalid, or
	/// $WATCHDOG_PID set to another process's pid).

	static Poco::Timespan watchdogPingInterval();
	/// Half of watchdogInterval() (zero when disabled): how often to send
	/// watchdog(), as sd_watchdog_enabled(3) recommends.
};

} // namespace Sygen

#endif // Sygen_SdNotify_INCLUDED
