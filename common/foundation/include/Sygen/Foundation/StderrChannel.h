//
// StderrChannel.h
//
// Library: Sygen/Foundation
//
// A Poco::Channel writing readable lines with the structured fields to standard
// error (SPEC §15: the log target when not running under systemd).
//

#ifndef Sygen_Foundation_StderrChannel_INCLUDED
#define Sygen_Foundation_StderrChannel_INCLUDED

#include <Poco/Channel.h>
#include <Poco/Message.h>
#include <string>

namespace Sygen {

class StderrChannel: public Poco::Channel
/// Writes every message as one line
///
///     2024-05-01T12:00:00.123Z INFO sygen-webhookd[1234]: job finished hook_id=gh job_id=j1 status=success
///
/// (UTC timestamp, level, identifier and pid, text, then the LogFields that are
/// set as key=value, quoted when needed). Continuation lines of a multi-line text
/// are indented by four spaces.
///
/// Each line goes out with a single write(2): the supervisor and the workers it
/// spawns share one stderr, and an iostream would split a line into several
/// writes that interleave between processes. Thread-safe.
{
public:
	using Ptr = Poco::AutoPtr<StderrChannel>;

	explicit StderrChannel(const std::string& identifier = "", int fd = 2);
	/// Creates the channel for the given identifier writing to fd (not owned,
	/// never closed).

	void log(const Poco::Message& msg) override;
	/// Formats and writes the message. Write errors are ignored: there is
	/// nowhere left to report them.

	void setProperty(const std::string& name, const std::string& value) override;
	/// Supported property: "identifier". Throws Poco::PropertyNotSupportedException
	/// for any other name.

	std::string getProperty(const std::string& name) const override;
	/// Returns the "identifier" property.

	static std::string format(const Poco::Message& msg, const std::string& identifier);
	/// Returns the line for msg, ending in '\n'.

	static std::string levelName(Poco::Message::Priority prio);
	/// TRACE, DEBUG, INFO, NOTICE, WARN, ERROR, CRIT or FATAL.

	static std::string quote(const std::string& value);
	/// Returns value unchanged when it is non-empty and holds no space, quote,
	/// '=', backslash or control character; else a double-quoted form with \",
	/// \\, \n, \r, \t escaped.

	static const std::string PROP_IDENTIFIER;

protected:
	~StderrChannel() override;

private:
	std::string _identifier;
	int _fd;
};

} // namespace Sygen

#endif // Sygen_Foundation_StderrChannel_INCLUDED
