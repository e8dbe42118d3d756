//
// SessionStore.h
//
// Library: Sygen/worker
//
// The wake sessions (SPEC §11): for each chat and provider, the session or
// thread id the CLI reported on the last wake turn, kept in <state>/sessions.json
// so that the next wake continues the same conversation.
//

#ifndef Sygen_SessionStore_INCLUDED
#define Sygen_SessionStore_INCLUDED

#include "Sygen/Foundation/Clock.h"
#include <optional>
#include <string>

namespace Sygen {

class SessionStore
/// The file is
///
///     {"sessions": {"<chat key>": {"<provider>": {"id": "...", "updated_at": "<ISO-8601>"}}}}
///
/// with chat keys such as "telegram:123456" and "matrix:!room:example.org".
/// Every operation reads the file under an exclusive flock on
/// "sessions.json.lock" (so workers in several processes never lose each
/// other's updates) and writes it back atomically (0600). Keys it does not know
/// are kept. A file that is not valid JSON is logged and treated as empty (and
/// replaced on the next update): a lost session only means a fresh
/// conversation. Thread-safe.
{
public:
	explicit SessionStore(const std::string& path, const Clock& clock = Clock::system());

	std::optional<std::string> get(const std::string& chatKey, const std::string& provider) const;
	/// The stored id, or nothing.

	void set(const std::string& chatKey, const std::string& provider, const std::string& sessionId) const;
	/// Stores sessionId. Throws Poco::FileException when the file cannot be written.

	void forget(const std::string& chatKey, const std::string& provider) const;
	/// Removes the id (a session the CLI no longer knows).

	const std::string& path() const { return _path; }

private:
	std::string _path;
	const Clock& _clock;
};

} // namespace Sygen

#endif // Sygen_SessionStore_INCLUDED
