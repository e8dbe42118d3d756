//
// JobSpool.h
//
// The durable record of every accepted job, from the 202 to its result.
//

#ifndef Sygen_JobSpool_INCLUDED
#define Sygen_JobSpool_INCLUDED

#include "Sygen/Protocol/WebhookResult.h"
#include "jobs/GenerationSignal.h"
#include <Poco/Exception.h>
#include <Poco/Timestamp.h>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace Sygen {

POCO_DECLARE_EXCEPTION(, JournalWriteException, Poco::WriteFileException)
/// The journal could not be written or synced (a full disk, an I/O error): the
/// record is not durable. Ingress answers 503 with Retry-After.

struct JournalDamage
/// One damaged stretch of the journal found by open(): its bytes were moved to a
/// quarantine file and replay went on with the next valid record.
{
	std::uint64_t offset = 0; ///< Where the stretch began in the journal.
	std::uint64_t length = 0;
	std::string quarantineFile;      ///< Where its bytes are kept.
	std::vector<std::string> jobIds; ///< Job ids still legible in the damaged bytes.
};

struct JobInfo
/// What is known about one job. `status` is "queued", "running" or the final
/// status of SPEC §16.
{
	std::string jobId;
	std::string hookId;
	std::string dependency;
	std::string status;
	Poco::Timestamp queuedAt;
	std::optional<Poco::Timestamp> startedAt;
	int workerId = 0;
	std::optional<WebhookResult> result; ///< Set once finished.
	std::string retryOf;                 ///< The job this one replays (jobs retry), or empty.
	std::string retriedBy;               ///< The newest job that replays this one, or empty.
};

class JobSpool
/// An append-only journal (`<state>/spool/journal`) of three record kinds:
/// accepted (hook id, dependency, received time, the job it retries if any, and
/// the raw body), started
/// (worker id) and finished (the WebhookResult). Every call that changes state
/// returns only after its record is on disk (fdatasync); concurrent callers share
/// one sync (group commit), so durability costs one disk flush per batch, not per
/// request. The flushes are made by a thread of the spool's own, started by open():
/// a caller writes its record, then sleeps until the flush that covers it is done.
///
/// On open() the journal is replayed: a torn tail (a crash mid-write) is cut off
/// with a warning. A damaged record in the middle costs that record alone: replay
/// resynchronises on the next valid record, the damaged bytes are kept in
/// `<directory>/quarantine/`, the loss is logged as an error and reported by
/// damage(), and the journal is rewritten without them (never truncated at the
/// damage). A queued job named in damaged bytes may have lost its "started"
/// record: it is reported as interrupted rather than run again.
/// Accepted jobs without a start are pending again;
/// jobs that had started but not finished are reported as interrupted, for the
/// caller to finish as error:worker_lost (never run twice).
///
/// Bodies stay on disk and are read back at dispatch, so queued jobs cost memory
/// only for their metadata. Finished jobs are kept for `historyLimit` results; the
/// journal is compacted when it has grown well beyond what is live.
///
/// A failed write or sync refuses the records of that batch (JournalWriteException),
/// logged once per episode (writable(), writeFailures()). A result that could not
/// be written is kept in memory (shown as finished) and written again with backoff
/// by the flusher until the disk takes it, and at the latest by the destructor.
///
/// Thread-safe.
{
public:
	static const std::uint64_t DEFAULT_COMPACT_MIN_BYTES = 64 * 1024 * 1024;

	JobSpool(const std::string& directory, std::size_t historyLimit, std::uint64_t compactMinBytes = DEFAULT_COMPACT_MIN_BYTES);
	/// The journal is rewritten with only what is live when it is larger than
	/// compactMinBytes and four times what was live after the last compaction.
	~JobSpool();

	JobSpool(const JobSpool&) = delete;
	JobSpool& operator=(const JobSpool&) = delete;

	void open();
	/// Creates the folder (0700) when missing and replays the journal.
	/// Throws Poco::FileException when the journal cannot be opened or written.

	static std::string newJobId();
	/// A fresh random job id (UUID text).

	void accept(const std::string& jobId, const std::string& hookId, const std::string& dependency, const std::string& body,
		Poco::Timestamp receivedAt, const std::string& retryOf = "");
	/// Records a new job durably (jobId from newJobId()). retryOf names the job
	/// it replays (kept in the accepted record as `retry_of`; that job then
	/// shows it as retriedBy).
	/// Throws Poco::IOException when the record could not be written or synced.

	void markStarted(const std::string& jobId, int workerId, Poco::Timestamp at);
	/// Records durably that the job was handed to a worker.

	void markFinished(const WebhookResult& result);
	/// Records the result durably and moves the job into the history.

	std::string readBody(const std::string& jobId) const;
	/// The raw body of an unfinished job. Throws Poco::NotFoundException.

	std::optional<JobInfo> find(const std::string& jobId) const;
	/// The job's state, or nullopt when unknown or dropped from the history.

	std::vector<JobInfo> list(std::size_t limit) const;
	/// Unfinished jobs in arrival order, then the newest finished ones, at most limit.

	std::vector<JobInfo> pending() const;
	/// Jobs accepted but never started, in arrival order.

	std::vector<JobInfo> interrupted() const;
	/// Jobs that were started before the last shutdown or crash and never finished.
	/// Filled by open() only.

	std::size_t unfinishedCount() const;

	std::uint64_t journalBytes() const;

	std::vector<JournalDamage> damage() const;
	/// The damaged stretches found by the last open().

	std::vector<std::string> lostJobs() const;
	/// Job ids legible in damaged bytes that the journal no longer knows at all:
	/// accepted, but their record is gone. Filled by open() only.

	bool writable() const;
	/// False from a failed write or sync until the next one that succeeds.

	std::string lastWriteError() const;

	std::uint64_t writeFailures() const;
	/// Failed flushes since open().

	std::size_t unwrittenResults() const;
	/// Results kept in memory because the journal could not take them yet.

	void setRetryDelays(int firstMs, int maxMs);
	/// Backoff for rewriting unwritten results (default 200 ms doubling to 10 s).

private:
	struct Entry
	{
		JobInfo info;
		std::uint64_t bodyOffset = 0;
		std::uint64_t bodyLength = 0;
	};

	enum RecordType : char
	{
		RECORD_ACCEPTED = 'A',
		RECORD_STARTED = 'S',
		RECORD_FINISHED = 'F'
	};

	void replay();
	enum RecordCheck
	{
		RECORD_OK,
		RECORD_TORN, ///< Incomplete: the file ends inside it.
		RECORD_BAD   ///< Complete, but its framing or checksum is wrong.
	};

	RecordCheck readRecordAt(std::uint64_t offset, std::uint64_t fileSize, char& type, std::string& meta, std::uint64_t& bodyOffset,
		std::uint64_t& bodyLength, std::uint64_t& next) const;
	/// Reads and checks (framing, CRC) the record at offset.
	std::uint64_t resync(std::uint64_t from, std::uint64_t fileSize) const;
	/// The offset of the next valid record after a damaged one at from, or fileSize.
	void quarantine(std::uint64_t offset, std::uint64_t end, bool complete);
	void settleDamage();
	void queueRetriesLocked();
	void flushSucceededLocked(std::uint64_t target);
	void flushFailedLocked(const std::string& failure);
	void writeUnwrittenAtClose();
	void rewriteLocked();
	bool applyRecord(char type, const std::string& meta, std::uint64_t bodyOffset, std::uint64_t bodyLength);
	static std::string encodeRecord(char type, const std::string& meta, const std::string& body, std::uint64_t* bodyStart);
	/// One record's bytes; bodyStart (if given) is where the body begins in them.
	std::uint64_t appendLocked(
		std::unique_lock<std::mutex>& lock, const std::string& record, std::uint64_t bodyStart, std::uint64_t* bodyOffset);
	/// Adds the record to the batch the flusher writes next; its sequence number.
	static void writeAt(int fd, const std::string& bytes, std::uint64_t offset);
	/// Appends bytes to the file that ends at offset; cuts a partial write off again.
	bool lostLocked(std::uint64_t sequence) const;
	void markLostLocked(std::uint64_t first, std::uint64_t last);
	std::uint64_t enlistLocked(std::unique_lock<std::mutex>& lock);
	/// After a write: the flush generation that will cover it. Releases the lock.
	void waitDurable(std::unique_lock<std::mutex>& lock, std::uint64_t sequence, std::uint64_t generation);
	/// With the lock released: until that flush is done; throws when it failed.
	void runFlusher();
	void stopFlusher();
	void remember(const WebhookResult& result, Entry& entry);
	JobInfo linked(const JobInfo& info) const;
	/// info with retriedBy filled in (the lock held).
	void compactIfWorthIt(std::unique_lock<std::mutex>& lock);
	void writeRecord(int fd, char type, const std::string& meta, const std::string& body, std::uint64_t& offset, std::uint64_t* bodyOffset);

	std::string _directory;
	std::string _journalPath;
	std::size_t _historyLimit;
	std::uint64_t _compactMinBytes;
	int _fd = -1;
	std::uint64_t _size = 0;
	std::uint64_t _liveBytesAtCompaction = 0;

	mutable std::mutex _mutex;
	struct LostRange
	{
		std::uint64_t first;
		std::uint64_t last;
	};

	std::uint64_t _written = 0; ///< Sequence number of the last record appended.
	std::string _pending;       ///< Records appended, not yet written (at _size - _pending.size()).
	std::uint64_t _pendingRecords = 0;
	std::deque<LostRange> _lost; ///< Sequences whose batch failed to reach the disk.
	std::atomic<bool> _anyLost{false};
	std::atomic<std::uint64_t> _durable{0}; ///< Sequence number known to be on disk.
	bool _syncing = false;                  ///< The flusher is writing a batch to _fd or syncing it.
	std::uint64_t _flushesStarted = 0;      ///< Generation of the flush in progress or last done.
	std::string _lastSyncError;
	std::condition_variable _flushWanted; ///< The flusher sleeps here.
	std::uint64_t _wantedGeneration = 0;  ///< The newest generation a caller waits for.
	bool _stopping = false;
	GenerationSignal _flushed; ///< Callers sleep here, per flush generation.
	std::thread _flusher;

	std::unordered_map<std::string, Entry> _unfinished;
	std::deque<std::string> _arrivalOrder; ///< Unfinished ids (lazily pruned).
	std::unordered_map<std::string, JobInfo> _history;
	std::deque<std::string> _historyOrder; ///< Oldest first.
	std::vector<JobInfo> _interrupted;
	std::vector<JournalDamage> _damage;
	std::vector<std::string> _lostJobs;
	std::unordered_map<std::string, std::string> _retriedBy; ///< Original job id -> its newest retry.
	bool _quarantineFailed = false;

	bool _writeOk = true;
	std::uint64_t _writeFailures = 0;
	std::uint64_t _failedSince = 0;                           ///< Failed flushes in the current episode.
	std::unordered_map<std::string, std::string> _unwritten;  ///< Finished records' meta not yet on disk, by job id.
	std::unordered_map<std::string, std::uint64_t> _retrying; ///< Job id -> sequence of its rewrite in flight.
	std::chrono::steady_clock::time_point _retryAt;
	int _retryDelayMs = 200;
	int _firstRetryDelayMs = 200;
	int _maxRetryDelayMs = 10000;
};

} // namespace Sygen

#endif // Sygen_JobSpool_INCLUDED
