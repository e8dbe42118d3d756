//
// JournaldChannel.h
//
// Library: Sygen/Foundation
//
// A Poco::Channel sending structured entries to systemd-journald over its native
// protocol (SPEC §15).
//

#ifndef Sygen_Foundation_JournaldChannel_INCLUDED
#define Sygen_Foundation_JournaldChannel_INCLUDED

#include <Poco/Channel.h>
#include <Poco/Message.h>
#include <Poco/Mutex.h>
#include <cstddef>
#include <string>

namespace Sygen {

class JournaldChannel: public Poco::Channel
/// Writes each message as one journal entry to journald's native datagram
/// socket (/run/systemd/journal/socket), the protocol sd_journal_send() speaks,
/// with these fields:
///
///   - MESSAGE: the message text;
///   - PRIORITY: the syslog level mapped from the Poco priority (see priorityOf());
///   - SYSLOG_IDENTIFIER: the "identifier" property (e.g. sygen-webhookd);
///   - HOOK_ID, JOB_ID, WORKER_ID, STATUS and the other LogFields, from the
///     message parameters of those names, when set;
///   - CODE_FILE, CODE_LINE when the message carries a source location;
///   - LOGGER (the Poco logger name) and THREAD (the Poco thread's name) when known.
///
/// journald adds the trusted fields (_PID, _UID, _SYSTEMD_UNIT, ...) itself.
/// A value holding a newline uses the protocol's binary form (name, newline,
/// 64-bit little-endian length, bytes, newline).
///
/// Large entries: each value is cut to MAX_FIELD_SIZE bytes (with a note of how
/// much was dropped). An entry the socket refuses as too large for one datagram
/// (EMSGSIZE, ENOBUFS) is written to a sealed memfd whose descriptor is passed
/// with SCM_RIGHTS, as libsystemd does.
///
/// When journald cannot be reached (no socket, connection refused) the message
/// goes to standard error instead, formatted by StderrChannel: it is never
/// silently lost. Logging never throws.
///
/// The socket path is a property so that tests can listen on their own socket.
/// The channel opens its socket on first use (or open()). Thread-safe.
{
public:
	using Ptr = Poco::AutoPtr<JournaldChannel>;

	JournaldChannel();
	/// Creates a channel with an empty identifier and the default socket path.

	explicit JournaldChannel(const std::string& identifier, const std::string& socketPath = DEFAULT_SOCKET);
	/// Creates a channel with the given identifier and socket path.

	void open() override;
	/// Creates the datagram socket. Throws Poco::IOException when socket(2) fails.

	void close() override;
	/// Closes the socket; the next log() opens it again.

	void log(const Poco::Message& msg) override;
	/// Sends the message as one journal entry. Never throws.

	void setProperty(const std::string& name, const std::string& value) override;
	/// Supported properties:
	///   - identifier: the SYSLOG_IDENTIFIER value;
	///   - socket: the path of journald's native socket (takes effect at the next
	///     open; set before logging).
	/// Throws Poco::PropertyNotSupportedException for any other name.

	std::string getProperty(const std::string& name) const override;
	/// Returns the value of the "identifier" or "socket" property.

	static std::string encode(const Poco::Message& msg, const std::string& identifier);
	/// Returns the entry for msg in the native protocol (what one datagram carries).

	static void appendField(std::string& entry, const std::string& name, const std::string& value);
	/// Appends one field: NAME=value\n, or the binary form when value contains '\n'.
	/// Cuts value to MAX_FIELD_SIZE.

	static int priorityOf(Poco::Message::Priority prio);
	/// Syslog level of a Poco priority, as Poco::SyslogChannel maps it:
	/// fatal 1 (alert), critical 2, error 3, warning 4, notice 5, information 6,
	/// debug and trace 7.

	static const std::string PROP_IDENTIFIER;
	static const std::string PROP_SOCKET;
	static const std::string DEFAULT_SOCKET; ///< "/run/systemd/journal/socket"
	static const std::size_t MAX_FIELD_SIZE; ///< 1 MiB per value.

protected:
	~JournaldChannel() override;

private:
	void openLocked();
	bool send(const std::string& entry);
	bool sendMemfd(const std::string& entry);

	std::string _identifier;
	std::string _socketPath;
	int _fd;
	Poco::FastMutex _mutex;
};

} // namespace Sygen

#endif // Sygen_Foundation_JournaldChannel_INCLUDED
