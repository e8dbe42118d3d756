//
// HookStore.h
//
// Library: Sygen/Hooks
//
// webhooks.json: loading, polling for hand edits, changes and coalesced
// telemetry (SPEC §3, §5).
//

#ifndef Sygen_Hooks_HookStore_INCLUDED
#define Sygen_Hooks_HookStore_INCLUDED

#include "Sygen/Foundation/Clock.h"
#include "Sygen/Foundation/PollingThread.h"
#include "Sygen/Hooks/Hook.h"
#include "Sygen/Hooks/HookRepository.h"
#include "Sygen/Hooks/HookSet.h"
#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>
#include <atomic>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace Sygen {

class HookStore: public HookRepository
/// The hook definitions of <home>/webhooks.json (the single-node HookRepository) ({"hooks": [...]}).
///
/// Reading: snapshot() returns the current immutable HookSet without taking any
/// lock (std::atomic_load of a shared_ptr); get() and list() are conveniences on it.
///
/// Loading (load(), reloadIfChanged(), the poll thread): an entry with a missing
/// required field or a wrong type is skipped with one error log naming its index
/// and field, and the others load; a duplicate id is skipped the same way. A file
/// that is not JSON, or whose top level is not an object with a "hooks" array,
/// keeps the last good set (error log). A missing file means no hooks; a file
/// deleted after loading keeps the hooks in memory (warning log).
/// Skipped entries are not lost: they are written back unchanged on rewrite.
///
/// Writing (add, remove, update, flushTelemetry): under the cross-process
/// AtomicFile::Lock, the file is re-read when its mtime, size or inode changed
/// (hand edits win), the change is applied, pending telemetry is re-applied, and
/// the file is replaced atomically with mode 0600 in the reference's format
/// (JSONWriter::file). Unknown top-level keys and unknown entry keys are kept.
/// While the file on disk is invalid, changes throw Poco::DataFormatException and
/// telemetry stays pending, so nothing overwrites a half-finished hand edit.
/// A deleted file is recreated from memory by the next write.
///
/// Telemetry is coalesced: recordTrigger() updates memory only; the poll thread
/// writes it about once per second, and stopPolling() / the destructor flush it.
///
/// All public methods are thread-safe.
{
public:
	explicit HookStore(const std::string& path, Clock& clock = Clock::system());
	/// A store for the file at path. Loads nothing yet: call load().

	~HookStore() override;
	/// Stops polling and flushes pending telemetry (errors are logged).

	HookStore(const HookStore&) = delete;
	HookStore& operator=(const HookStore&) = delete;

	void load() override;
	/// Reads the file now (same rules as reloadIfChanged(), but unconditionally).
	/// Never throws for file content problems; they are logged.

	bool reloadIfChanged();
	/// Reloads when the file's mtime, size or inode changed since it was last
	/// read. Returns true when a new set was published from the file.

	std::shared_ptr<const HookSet> snapshot() const override;
	/// The current hooks. Lock-free; never null.

	std::string problem() const override;
	/// Empty when the hooks in memory come from a valid file read (or written) by
	/// this process and the file on disk is valid now; otherwise why not (the file
	/// is missing since start, unreadable, empty or invalid). A job whose hook is
	/// not found is not failed while there is a problem: it waits (SPEC §13 promise
	/// that an accepted job is never lost to a broken file).

	Hook add(Hook hook) override;
	/// Appends a hook and writes the file. Sets created_at to now when empty.
	/// Returns the stored hook. Throws Poco::InvalidArgumentException for an empty
	/// id, Poco::ExistsException "Hook '<id>' already exists" for a duplicate,
	/// Poco::DataFormatException when the file on disk is invalid, and
	/// Poco::FileException on I/O errors (memory is then unchanged).

	void remove(const std::string& id) override;
	/// Removes the hook and writes the file. Throws Poco::NotFoundException
	/// "Hook '<id>' not found", and as add().

	Hook update(const std::string& id, const Poco::JSON::Object& changes) override;
	/// Changes only the fields named in changes (JSON null = back to the default)
	/// and writes the file; returns the updated hook. Throws
	/// Poco::NotFoundException, Poco::InvalidArgumentException for an unknown field
	/// name or an attempt to change "id", Poco::DataFormatException for a wrong
	/// type (message names the field), and as add().

	bool recordTrigger(const std::string& id, const std::string& status, const Poco::Timestamp& when) override;
	/// Telemetry of one run: trigger_count + 1, last_triggered_at = when (ISO-8601
	/// UTC), last_error = status, or null when status is "success". Memory only:
	/// snapshot(), get() and list() show it after the next flushTelemetry(), which
	/// also writes the file (publishing a new hook set per finished job cost
	/// O(hooks), 0.9 ms with 10,000 hooks). Returns false (and records nothing)
	/// when no hook has this id.

	bool flushTelemetry() override;
	/// Writes pending telemetry, if any, in one file write, and publishes it to
	/// snapshot(). Returns true when it wrote. On failure (invalid file on disk,
	/// I/O error) logs, publishes the telemetry all the same and keeps it pending
	/// for the next flush; never throws.

	bool hasPendingTelemetry() const;

	void startPolling(Poco::Timespan reloadInterval = Poco::Timespan(5, 0), Poco::Timespan flushInterval = Poco::Timespan(1, 0)) override;
	/// Starts the background thread: reloadIfChanged() every reloadInterval,
	/// flushTelemetry() every flushInterval. Idempotent.

	void stopPolling() override;
	/// Stops the thread at once (no waiting for the interval) and flushes
	/// pending telemetry. Idempotent.

	ImportCount importHooks(const std::vector<Hook>& hooks) override;
	/// One file write (as add()): entries with these ids are replaced, the
	/// others appended; a replaced hook's pending telemetry is dropped with it.

	std::string exportDocument() const override;
	/// The file as it would be written now (kept unknown keys and skipped
	/// entries included).

	std::string location() const override;
	/// path().

	const std::string& path() const;

private:
	struct FileStamp
	{
		bool exists = false;
		dev_t device = 0;
		ino_t inode = 0;
		off_t size = 0;
		std::timespec mtime{};
		bool operator==(const FileStamp& other) const;
		bool operator!=(const FileStamp& other) const { return !(*this == other); }
	};

	struct Entry
	/// One element of the "hooks" array: a loaded hook, or (hook == null) an
	/// entry that failed to load and is written back as it was (raw).
	{
		HookSet::HookPtr hook;
		Poco::Dynamic::Var raw;
	};

	struct Telemetry
	/// Runs recorded since the last successful write, re-applied after a reload.
	{
		long long count = 0;
		std::string lastTriggeredAt;
		std::optional<std::string> lastError;
	};

	using Entries = std::vector<Entry>;

	void loadLocked(bool force);
	bool readFileLocked(std::string& content, FileStamp& stamp) const;
	bool parseDocument(const std::string& content, Poco::JSON::Object::Ptr& top, Entries& entries) const;
	std::string defaultCreatedAt(const std::string& id) const;
	/// created_at for a loaded entry without one: what the hook with that id got
	/// at an earlier load, or now. Called with _mutex held.

	void applyPending(Entries& entries) const;
	void publish(const Entries& entries);
	void publishTelemetry();
	template <typename Mutation>
	bool commit(Mutation mutation);
	/// Read-modify-write under both locks; mutation(entries) returns false for "nothing to write".
	std::string serialise(const Entries& entries) const;
	static FileStamp stampOf(int fd);
	FileStamp statPath() const;
	static std::size_t indexOf(const Entries& entries, const std::string& id);

	const std::string _path;
	Clock& _clock;

	mutable std::mutex _mutex;    // guards everything below except _snapshot
	Poco::JSON::Object::Ptr _top; // last good top-level object (other keys kept)
	Entries _entries;             // last good content + pending telemetry
	std::map<std::string, Telemetry> _pending;
	bool _telemetryUnpublished = false; ///< _entries has telemetry that snapshot() lacks.
	FileStamp _stamp;                   // of the content last looked at
	bool _loadedOnce = false;
	bool _diskInvalid = false;
	bool _validOnce = false; // a valid file was read or written by this process           // file on disk is not a valid hooks file

	std::shared_ptr<const HookSet> _snapshot; // std::atomic_load / atomic_store only
	std::atomic<bool> _flushFailureLogged{false};

	PollingThread _polling;
};

} // namespace Sygen

#endif // Sygen_Hooks_HookStore_INCLUDED
