//
// Logging.h
//
// Library: Sygen/Foundation
//
// The one place that sets up Poco logging for a process (SPEC §15).
//

#ifndef Sygen_Foundation_Logging_INCLUDED
#define Sygen_Foundation_Logging_INCLUDED

#include "Sygen/Foundation/JournaldChannel.h"
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <initializer_list>
#include <string>
#include <utility>

namespace Sygen {

enum class LogTarget
/// Where a process's log lines go.
{
	Auto,     ///< journald when running under systemd (see Logging::underSystemd()), else stderr.
	Journald, ///< journald's native socket, with structured fields.
	Stderr    ///< readable lines on standard error.
};

class Logging
/// Configures the Poco loggers of a process and offers a helper to log with
/// structured fields.
///
/// Every process calls configure() once, early (sygen-webhookd in initialize(),
/// the worker and the ctl at start), with its own identifier. The chain is
///
///     every Poco::Logger -> LogFilterChannel (fields, secret masking)
///                        -> JournaldChannel or StderrChannel
///
/// configure() may be called again (e.g. after the options were parsed); it
/// replaces the chain on every existing logger.
{
public:
	using Field = std::pair<std::string, std::string>;

	static void configure(const std::string& identifier, LogTarget target = LogTarget::Auto, const std::string& level = "information",
		const std::string& journalSocket = JournaldChannel::DEFAULT_SOCKET);
	/// Sets the channel and level of the root logger and of every existing
	/// logger. identifier becomes SYSLOG_IDENTIFIER (journald) or the name in
	/// front of each stderr line. Auto is resolved with resolve().
	/// Throws Poco::InvalidArgumentException for an unknown level (see parseLevel()).

	static LogTarget resolve(LogTarget target, const std::string& journalSocket = JournaldChannel::DEFAULT_SOCKET);
	/// Journald and Stderr stay as they are. Auto gives Journald when
	/// underSystemd() is true and journalSocket exists, else Stderr.

	static bool underSystemd();
	/// True when the process runs as (or was spawned by) a systemd service:
	/// $JOURNAL_STREAM names the device and inode of our stderr, or
	/// $INVOCATION_ID is set and stderr is not a terminal. Both checks guard
	/// against a variable merely inherited by a shell started from a service
	/// (a terminal emulator run as a user service passes them on).

	static LogTarget parseTarget(const std::string& name);
	/// "auto", "journald" or "stderr" (the values of the --log option).
	/// Throws Poco::InvalidArgumentException for anything else.

	static std::string targetName(LogTarget target);
	/// The inverse of parseTarget().

	static int parseLevel(const std::string& level);
	/// A Poco level: none, fatal, critical, error, warning, notice,
	/// information, debug, trace (also info, warn, err, crit), or 1-8.
	/// Throws Poco::InvalidArgumentException for anything else.

	static void setField(const std::string& name, const std::string& value);
	/// Adds a field to every later line of this process (a worker sets
	/// LogFields::WORKER_ID once). See LogFilterChannel::setField().

	static void addSecret(const std::string& secret);
	/// Masks secret in every later line. Call it for the global token, every
	/// hook token and HMAC secret, the bot token and the Matrix access token.
	/// See LogFilterChannel::addSecret().

	static void log(Poco::Logger& logger, Poco::Message::Priority prio, const std::string& text, std::initializer_list<Field> fields = {},
		const char* file = nullptr, int line = 0);
	/// Logs text with structured fields when logger's level lets prio through:
	///
	///     Logging::log(logger, Poco::Message::PRIO_INFORMATION, "job finished",
	///         {{LogFields::HOOK_ID, hook.id}, {LogFields::JOB_ID, jobId}, {LogFields::STATUS, status}});
	///
	/// Fields with an empty value are left out. file must be a static string
	/// such as __FILE__ (Poco keeps the pointer).
};

} // namespace Sygen

#endif // Sygen_Foundation_Logging_INCLUDED
