//
// LogFilterChannel.h
//
// Library: Sygen/Foundation
//
// The front of every process's logging chain: adds the process's own fields and
// masks secrets before a line reaches journald or stderr (SPEC §15).
//

#ifndef Sygen_Foundation_LogFilterChannel_INCLUDED
#define Sygen_Foundation_LogFilterChannel_INCLUDED

#include <Poco/Channel.h>
#include <Poco/Message.h>
#include <string>

namespace Sygen {

class LogFilterChannel: public Poco::Channel
/// Forwards every message to the next channel after two changes to a copy:
///
///   1. Process-wide fields (setField(), e.g. worker_id in a worker) are added
///      when the message does not carry that field already.
///   2. Secrets are masked in the text and in every LogFields value: each
///      registered secret (addSecret(): tokens, HMAC secrets, bot tokens) and
///      anything following "Bearer " or starting with "whsec_" becomes
///      "[redacted]".
///
/// Masking is a second line of defence: code must still never log a secret.
/// Secrets and fields are process-wide (static) because the code that learns a
/// secret (config and hook loading) does not know the logging chain.
/// Thread-safe.
{
public:
	using Ptr = Poco::AutoPtr<LogFilterChannel>;

	explicit LogFilterChannel(Poco::Channel::Ptr next);
	/// Creates the filter in front of next.

	void open() override;
	/// Opens the next channel.

	void close() override;
	/// Closes the next channel.

	void log(const Poco::Message& msg) override;
	/// Adds the fields, masks the secrets and forwards the copy.

	Poco::Channel::Ptr next() const;
	/// The channel messages are forwarded to.

	static void setField(const std::string& name, const std::string& value);
	/// Adds a field to every later message of this process. An empty value
	/// removes it.

	static void clearFields();
	/// Removes every field set with setField().

	static void addSecret(const std::string& secret);
	/// Masks secret from now on. Values shorter than MIN_SECRET_SIZE are ignored:
	/// masking every "abc" would garble the log without protecting anything.

	static void clearSecrets();
	/// Forgets every registered secret (the built-in patterns stay).

	static std::string redact(const std::string& text);
	/// Returns text with every secret masked.

	static const std::size_t MIN_SECRET_SIZE; ///< 4 bytes.
	static const std::string MASK;            ///< "[redacted]"

protected:
	~LogFilterChannel() override;

private:
	Poco::Channel::Ptr _next;
};

} // namespace Sygen

#endif // Sygen_Foundation_LogFilterChannel_INCLUDED
