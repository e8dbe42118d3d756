//
// PayloadStore.h
//
// The payloads of finished jobs, kept for `jobs retry` and `jobs show --payload`.
//

#ifndef Sygen_PayloadStore_INCLUDED
#define Sygen_PayloadStore_INCLUDED

#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

namespace Sygen {

class PayloadStore
/// One file per finished job (`<directory>/<job id>`, mode 0600, written
/// atomically) holding the raw body it was accepted with. At most `limit` are
/// kept (the job history's size): the oldest go first. The journal drops a
/// job's body when it compacts; this copy outlives that.
///
/// Thread-safe.
{
public:
	PayloadStore(const std::string& directory, std::size_t limit);

	void open();
	/// Creates the folder (0700) when missing and learns the files kept, oldest
	/// first. Throws Poco::FileException when the folder cannot be made.

	void keep(const std::string& jobId, const std::string& body);
	/// Stores the body and drops the oldest beyond the limit.
	/// Throws Poco::InvalidArgumentException for a malformed job id,
	/// Poco::FileException when the file cannot be written.

	std::optional<std::string> read(const std::string& jobId) const;
	/// The body, or nullopt when it is not (or no longer) kept.

	void discard(const std::string& jobId);
	/// Removes the job's payload if kept.

	void clear();
	/// Removes every payload kept (retention was turned off).

	static bool validJobId(const std::string& jobId);
	/// A job id as JobSpool::newJobId() makes them (hex digits and dashes): safe
	/// as a file name.

private:
	std::string pathOf(const std::string& jobId) const;

	std::string _directory;
	std::size_t _limit;
	mutable std::mutex _mutex;
	std::deque<std::string> _order; ///< Job ids kept, oldest first.
};

} // namespace Sygen

#endif // Sygen_PayloadStore_INCLUDED
