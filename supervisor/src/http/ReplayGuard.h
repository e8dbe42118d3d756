//
// ReplayGuard.h
//
// Library: Sygen/supervisor
//
// SPEC §6 [beyond] replay protection: remembers the delivery ids of accepted
// requests so a redelivery is answered with the original job id instead of
// running again. The memory survives restarts.
//

#ifndef Sygen_ReplayGuard_INCLUDED
#define Sygen_ReplayGuard_INCLUDED

#include <Poco/Timestamp.h>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace Sygen {

class ReplayGuard
/// The set of (hook id, delivery id) pairs accepted within the last
/// windowSeconds, each with the job id it was accepted as.
///
/// Two-phase use by the HTTP handler, so that a request whose job could not be
/// spooled (queue full, disk error) does not make the sender's retry look like
/// a duplicate:
///
///     auto r = guard.reserve(hook.id, deliveryId, newJobId, now);
///     if (r.outcome == ReplayGuard::DUPLICATE) -> 200 {"job_id": r.jobId, "duplicate": true}
///     if (r.outcome == ReplayGuard::IN_FLIGHT) -> 409 / 503 + Retry-After (the
///         first copy is being spooled right now; its job id is r.jobId)
///     spool the job; success -> guard.confirm(...) ; failure -> guard.rollback(...)
///
/// checkAndRemember() does both steps at once for callers that have nothing to roll
/// back.
///
/// Persistence: `path` is an append-only log, one JSON line per confirmed entry
/// ({"k": <sha256 hex of hook id + NUL + delivery id>, "j": <job id>, "t": <epoch µs>}),
/// written with fdatasync before confirm() returns; mode 0600. Keys are stored
/// hashed so arbitrary delivery-id bytes never reach the file. On construction
/// the log is read (a torn or malformed line is skipped with a warning), expired
/// entries dropped, and the file rewritten compacted (temp file, fsync, rename,
/// fsync of the folder); it is compacted again whenever it holds more than
/// twice the live entries plus 1000 lines.
///
/// Bounds: at most `capacity` confirmed entries; beyond it the oldest is evicted
/// (and so could be run again if redelivered). windowSeconds <= 0 disables the
/// guard: every request is NEW and nothing is stored.
///
/// Thread safety: all methods are thread-safe (one mutex; confirm() holds it
/// during the append and fdatasync so the log order matches memory).
{
public:
	static constexpr std::size_t DEFAULT_CAPACITY = 100000;

	enum Outcome
	{
		NEW,       ///< Not seen in the window; now reserved (or remembered).
		DUPLICATE, ///< Accepted before within the window as job jobId.
		IN_FLIGHT  ///< Reserved by a concurrent request that is not confirmed yet.
	};

	struct Result
	{
		Outcome outcome = NEW;
		std::string jobId; ///< The original job for DUPLICATE / IN_FLIGHT; the given one for NEW.
	};

	ReplayGuard(const std::string& path, long long windowSeconds, Poco::Timestamp now, std::size_t capacity = DEFAULT_CAPACITY);
	/// Loads and compacts the log at path (a missing file is an empty set; its
	/// folder must exist). Throws Poco::FileException (or a subclass) when the
	/// log cannot be read or written.

	~ReplayGuard();

	ReplayGuard(const ReplayGuard&) = delete;
	ReplayGuard& operator=(const ReplayGuard&) = delete;

	Result reserve(const std::string& hookId, const std::string& deliveryId, const std::string& jobId, Poco::Timestamp now);
	/// Looks the pair up. NEW: it is reserved for jobId (in memory only) until
	/// confirm() or rollback(); a reservation left unconfirmed for more than 60 s
	/// counts as abandoned and is replaced. Never throws except std::bad_alloc.

	void confirm(const std::string& hookId, const std::string& deliveryId, Poco::Timestamp now);
	/// Makes a reservation permanent: remembered from now for the window and
	/// appended to the log. Without a reservation: does nothing.
	/// Throws Poco::FileException when the log cannot be written (the entry stays
	/// remembered in memory).

	void rollback(const std::string& hookId, const std::string& deliveryId);
	/// Drops a reservation (the job was not spooled). Never throws.

	Result checkAndRemember(const std::string& hookId, const std::string& deliveryId, const std::string& jobId, Poco::Timestamp now);
	/// reserve() followed, when NEW, by confirm().

	std::size_t size() const;
	/// Number of remembered (confirmed, possibly expired but not yet pruned) entries.

private:
	struct Entry
	{
		std::string jobId;
		Poco::Timestamp::TimeVal acceptedAt = 0;
		bool pending = false;
	};
	struct Order
	{
		Poco::Timestamp::TimeVal acceptedAt;
		std::string key;
	};

	static std::string makeKey(const std::string& hookId, const std::string& deliveryId);
	void load(Poco::Timestamp now);
	void prune(Poco::Timestamp::TimeVal now);
	void remember(const std::string& key, const std::string& jobId, Poco::Timestamp::TimeVal at);
	void rewrite();
	void openLog();
	void append(const std::string& key, const Entry& entry);
	bool expired(const Entry& entry, Poco::Timestamp::TimeVal now) const;

	mutable std::mutex _mutex;
	std::string _path;
	Poco::Timestamp::TimeDiff _window;
	std::size_t _capacity;
	std::unordered_map<std::string, Entry> _entries;
	std::deque<Order> _order; ///< Confirmed entries, oldest first.
	int _fd = -1;
	std::size_t _logLines = 0;
};

} // namespace Sygen

#endif // Sygen_ReplayGuard_INCLUDED
