//
// JobSpool.cpp
//
// Journal record layout, one after the other:
//
//     <type> <meta length> <body length> <crc32 of meta+body, hex>\n<meta><body>\n
//
// The meta part is a compact JSON object; only accepted records carry a body
// (the raw request bytes, stored as they came so that no re-encoding can alter them).
//

#include "jobs/JobSpool.h"
#include "Sygen/Foundation/JSONFields.h"
#include "Sygen/Foundation/JSONWriter.h"
#include <Poco/Checksum.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>
#include <Poco/NumberFormatter.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/UUIDGenerator.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Sygen {

POCO_IMPLEMENT_EXCEPTION(JournalWriteException, Poco::WriteFileException, "Job journal write failed")

namespace {

Poco::Logger& logger()
{
	return Poco::Logger::get("Sygen.JobSpool");
}

std::string crcHex(const std::string& meta, const std::string& body)
{
	Poco::Checksum crc(Poco::Checksum::TYPE_CRC32);
	crc.update(meta);
	crc.update(body);
	return Poco::NumberFormatter::formatHex(crc.checksum(), 8);
}

void writeAll(int fd, const char* data, std::size_t length)
{
	while (length > 0)
	{
		ssize_t n = ::write(fd, data, length);
		if (n < 0)
		{
			if (errno == EINTR) continue;
			throw Poco::WriteFileException("job journal", std::strerror(errno));
		}
		data += n;
		length -= static_cast<std::size_t>(n);
	}
}

void syncDirectory(const std::string& directory)
{
	int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) throw Poco::OpenFileException(directory, std::strerror(errno));
	int rc = ::fsync(fd);
	::close(fd);
	if (rc != 0) throw Poco::WriteFileException(directory, std::strerror(errno));
}

std::string preadAll(int fd, std::uint64_t offset, std::uint64_t length)
{
	std::string data(length, '\0');
	std::size_t done = 0;
	while (done < length)
	{
		ssize_t n = ::pread(fd, data.data() + done, length - done, static_cast<off_t>(offset + done));
		if (n < 0 && errno == EINTR) continue;
		if (n <= 0) throw Poco::ReadFileException("job journal", n < 0 ? std::strerror(errno) : "short read");
		done += static_cast<std::size_t>(n);
	}
	return data;
}

Poco::Int64 micros(Poco::Timestamp t)
{
	return t.epochMicroseconds();
}

// The meta part of each record kind, one writer each for the live path and the
// compaction. The accepted one is on every 202's path, so it is written by hand
// (a Poco::JSON::Object and its condensing cost more than the rest of the record).
std::string acceptedMeta(const std::string& jobId, const std::string& hookId, const std::string& dependency, Poco::Timestamp queuedAt,
	const std::string& retryOf)
{
	// retry_of only when set: the records of ordinary jobs stay as they were.
	return "{\"dependency\":" + JSONWriter::quote(dependency) + ",\"hook_id\":" + JSONWriter::quote(hookId) +
		",\"job_id\":" + JSONWriter::quote(jobId) + ",\"queued_at\":" + std::to_string(micros(queuedAt)) +
		(retryOf.empty() ? std::string() : ",\"retry_of\":" + JSONWriter::quote(retryOf)) + "}";
}

std::string startedMeta(const std::string& jobId, int workerId, Poco::Timestamp at)
{
	Poco::JSON::Object meta;
	meta.set("job_id", jobId);
	meta.set("worker_id", workerId);
	meta.set("at", micros(at));
	return JSONFields::compact(Poco::Dynamic::Var(meta));
}

std::string finishedMeta(const std::string& jobId, const std::string& dependency, Poco::Timestamp queuedAt, const WebhookResult& result,
	const std::string& retryOf)
{
	Poco::JSON::Object meta;
	meta.set("job_id", jobId);
	meta.set("dependency", dependency);
	meta.set("queued_at", micros(queuedAt));
	if (!retryOf.empty()) meta.set("retry_of", retryOf);
	meta.set("result", result.toJSON());
	return JSONFields::compact(Poco::Dynamic::Var(meta));
}

} // namespace

JobSpool::JobSpool(const std::string& directory, std::size_t historyLimit, std::uint64_t compactMinBytes):
	_directory(directory),
	_journalPath(directory + "/journal"),
	_historyLimit(std::max<std::size_t>(historyLimit, 1)),
	_compactMinBytes(compactMinBytes)
{
}

JobSpool::~JobSpool()
{
	stopFlusher();
	writeUnwrittenAtClose();
	if (_fd >= 0) ::close(_fd);
}

void JobSpool::writeUnwrittenAtClose()
{
	std::unique_lock<std::mutex> lock(_mutex);
	if (_unwritten.empty() || _fd < 0) return;
	std::string batch;
	for (const auto& item: _unwritten) batch += encodeRecord(RECORD_FINISHED, item.second, "", nullptr);
	try
	{
		writeAt(_fd, batch, _size);
		if (::fdatasync(_fd) != 0) throw Poco::WriteFileException("job journal", std::strerror(errno));
		logger().notice("job journal: %s results kept in memory were written at shutdown", std::to_string(_unwritten.size()));
		_size += batch.size();
		_unwritten.clear();
	}
	catch (Poco::Exception& exc)
	{
		logger().critical(
			"job journal: %s results could not be written at shutdown (%s); after a restart those jobs show error:worker_lost",
			std::to_string(_unwritten.size()), exc.message());
	}
}

void JobSpool::open()
{
	Poco::File(_directory).createDirectories();
	::chmod(_directory.c_str(), 0700);
	std::unique_lock<std::mutex> lock(_mutex);
	_fd = ::open(_journalPath.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (_fd < 0) throw Poco::OpenFileException(_journalPath, std::strerror(errno));
	replay();
	_liveBytesAtCompaction = _size;
	if (!_flusher.joinable()) _flusher = std::thread(&JobSpool::runFlusher, this);
}

void JobSpool::replay()
{
	struct stat st;
	if (::fstat(_fd, &st) != 0) throw Poco::FileException(_journalPath, std::strerror(errno));
	const std::uint64_t fileSize = static_cast<std::uint64_t>(st.st_size);
	std::uint64_t offset = 0;
	std::uint64_t goodEnd = 0;
	std::size_t records = 0;
	bool damagedInside = false;
	while (offset < fileSize)
	{
		char type = 0;
		std::string meta;
		std::uint64_t bodyOffset = 0, bodyLength = 0, next = 0;
		RecordCheck check = readRecordAt(offset, fileSize, type, meta, bodyOffset, bodyLength, next);
		if (check == RECORD_OK && applyRecord(type, meta, bodyOffset, bodyLength))
		{
			offset = next;
			goodEnd = next;
			++records;
			continue;
		}
		// A damaged record costs that record alone: go on with the next valid one.
		std::uint64_t resumeAt = resync(offset, fileSize);
		bool tail = resumeAt >= fileSize;
		if (!tail) damagedInside = true;
		quarantine(offset, resumeAt, tail && check == RECORD_TORN);
		offset = resumeAt;
	}
	if (!damagedInside && goodEnd < fileSize)
	{
		// Only a torn tail (a crash mid-append): nothing valid follows it, cut it off.
		if (::ftruncate(_fd, static_cast<off_t>(goodEnd)) != 0) throw Poco::WriteFileException(_journalPath, std::strerror(errno));
	}
	_size = damagedInside ? fileSize : goodEnd;
	settleDamage();
	for (auto& item: _unfinished)
	{
		if (item.second.info.status == "running") _interrupted.push_back(item.second.info);
	}
	std::sort(_interrupted.begin(), _interrupted.end(), [](const JobInfo& a, const JobInfo& b) { return a.queuedAt < b.queuedAt; });
	logger().information("job journal: %s records, %s unfinished, %s interrupted", std::to_string(records),
		std::to_string(_unfinished.size()), std::to_string(_interrupted.size()));
	if (damagedInside && !_quarantineFailed)
	{
		// The damaged bytes are safe in quarantine; a journal without them keeps the
		// next start from finding (and reporting) them again.
		rewriteLocked();
	}
}

namespace {

bool parseDecimal(const std::string& text, std::size_t& pos, std::uint64_t& value)
{
	std::size_t start = pos;
	value = 0;
	while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - start < 19)
		value = value * 10 + static_cast<std::uint64_t>(text[pos++] - '0');
	return pos > start;
}

bool parseHeader(const std::string& header, char& type, std::uint64_t& metaLength, std::uint64_t& bodyLength, std::string& crc)
{
	// "<type> <meta length> <body length> <crc hex>", nothing more, nothing less.
	if (header.size() < 2 || header[1] != ' ') return false;
	type = header[0];
	if (type != 'A' && type != 'S' && type != 'F') return false;
	std::size_t pos = 2;
	if (!parseDecimal(header, pos, metaLength) || pos >= header.size() || header[pos++] != ' ') return false;
	if (!parseDecimal(header, pos, bodyLength) || pos >= header.size() || header[pos++] != ' ') return false;
	crc = header.substr(pos);
	if (crc.size() != 8) return false;
	return crc.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
}

void collectJobIds(const std::string& bytes, std::vector<std::string>& ids)
{
	static const std::string key = "\"job_id\":\"";
	for (std::size_t pos = bytes.find(key); pos != std::string::npos; pos = bytes.find(key, pos + 1))
	{
		std::string id = bytes.substr(pos + key.size(), 36);
		if (id.size() != 36 || id.find_first_not_of("0123456789abcdef-") != std::string::npos) continue;
		if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
	}
}

} // namespace

JobSpool::RecordCheck JobSpool::readRecordAt(std::uint64_t offset, std::uint64_t fileSize, char& type, std::string& meta,
	std::uint64_t& bodyOffset, std::uint64_t& bodyLength, std::uint64_t& next) const
{
	// The header is short; read a bounded window and find its newline.
	std::string window = preadAll(_fd, offset, std::min<std::uint64_t>(128, fileSize - offset));
	std::size_t nl = window.find('\n');
	if (nl == std::string::npos) return window.size() < 128 ? RECORD_TORN : RECORD_BAD;
	std::uint64_t metaLength = 0;
	std::string crc;
	if (!parseHeader(window.substr(0, nl), type, metaLength, bodyLength, crc)) return RECORD_BAD;
	const std::uint64_t payloadOffset = offset + nl + 1;
	if (metaLength > fileSize || bodyLength > fileSize || payloadOffset + metaLength + bodyLength + 1 > fileSize) return RECORD_TORN;
	meta = preadAll(_fd, payloadOffset, metaLength);
	std::string body = preadAll(_fd, payloadOffset + metaLength, bodyLength);
	std::string tail = preadAll(_fd, payloadOffset + metaLength + bodyLength, 1);
	if (tail != "\n" || crcHex(meta, body) != Poco::toUpper(crc)) return RECORD_BAD;
	bodyOffset = payloadOffset + metaLength;
	next = bodyOffset + bodyLength + 1;
	return RECORD_OK;
}

std::uint64_t JobSpool::resync(std::uint64_t from, std::uint64_t fileSize) const
{
	// Every record starts right after a newline; try each one until a record checks out.
	const std::uint64_t CHUNK = 64 * 1024;
	for (std::uint64_t base = from; base < fileSize; base += CHUNK)
	{
		std::string chunk = preadAll(_fd, base, std::min<std::uint64_t>(CHUNK, fileSize - base));
		for (std::size_t nl = chunk.find('\n'); nl != std::string::npos; nl = chunk.find('\n', nl + 1))
		{
			std::uint64_t candidate = base + nl + 1;
			if (candidate >= fileSize) return fileSize;
			char type = 0;
			std::string meta;
			std::uint64_t bodyOffset = 0, bodyLength = 0, next = 0;
			if (readRecordAt(candidate, fileSize, type, meta, bodyOffset, bodyLength, next) == RECORD_OK) return candidate;
		}
	}
	return fileSize;
}

void JobSpool::quarantine(std::uint64_t offset, std::uint64_t end, bool torn)
{
	JournalDamage damage;
	damage.offset = offset;
	damage.length = end - offset;
	std::string bytes = preadAll(_fd, offset, damage.length);
	collectJobIds(bytes, damage.jobIds);
	const std::string folder = _directory + "/quarantine";
	damage.quarantineFile =
		folder + "/journal-at-" + std::to_string(offset) + "-" + std::to_string(Poco::Timestamp().epochMicroseconds()) + ".bin";
	try
	{
		Poco::File(folder).createDirectories();
		::chmod(folder.c_str(), 0700);
		int fd = ::open(damage.quarantineFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0) throw Poco::OpenFileException(damage.quarantineFile, std::strerror(errno));
		try
		{
			writeAll(fd, bytes.data(), bytes.size());
			if (::fsync(fd) != 0) throw Poco::WriteFileException(damage.quarantineFile, std::strerror(errno));
		}
		catch (...)
		{
			::close(fd);
			throw;
		}
		::close(fd);
		syncDirectory(folder);
	}
	catch (Poco::Exception& exc)
	{
		// Then the bytes stay where they are: the journal is not rewritten without them.
		_quarantineFailed = true;
		logger().error("job journal: cannot keep damaged bytes in quarantine: %s", exc.displayText());
		damage.quarantineFile.clear();
	}
	std::string ids;
	for (const std::string& id: damage.jobIds) ids += (ids.empty() ? "" : ", ") + id;
	if (torn)
	{
		logger().warning("job journal %s: torn record at offset %s (a crash mid-write), %s bytes cut off, kept in %s", _journalPath,
			std::to_string(offset), std::to_string(damage.length), damage.quarantineFile);
		return;
	}
	logger().error("job journal %s: damaged record at offset %s, %s bytes skipped and kept in %s; job ids in it: %s", _journalPath,
		std::to_string(offset), std::to_string(damage.length),
		damage.quarantineFile.empty() ? std::string("the journal") : damage.quarantineFile,
		ids.empty() ? std::string("none legible") : ids);
	_damage.push_back(damage);
}

void JobSpool::settleDamage()
{
	for (const JournalDamage& damage: _damage)
	{
		for (const std::string& id: damage.jobIds)
		{
			auto it = _unfinished.find(id);
			if (it != _unfinished.end())
			{
				// Its "started" record may be what was damaged: it may have run, so it
				// must not run again (it ends error:worker_lost).
				if (it->second.info.status == "queued")
				{
					it->second.info.status = "running";
					it->second.info.startedAt = it->second.info.queuedAt;
				}
				continue;
			}
			if (_history.count(id) == 0 && std::find(_lostJobs.begin(), _lostJobs.end(), id) == _lostJobs.end()) _lostJobs.push_back(id);
		}
	}
}

bool JobSpool::applyRecord(char type, const std::string& meta, std::uint64_t bodyOffset, std::uint64_t bodyLength)
{
	try
	{
		Poco::JSON::Object::Ptr obj = JSONFields::parseObject(meta);
		std::string jobId = JSONFields::requireString(*obj, "job_id");
		if (type == RECORD_ACCEPTED)
		{
			Entry entry;
			entry.info.jobId = jobId;
			entry.info.hookId = JSONFields::string(*obj, "hook_id");
			entry.info.dependency = JSONFields::string(*obj, "dependency");
			entry.info.status = "queued";
			entry.info.queuedAt = Poco::Timestamp(JSONFields::integer(*obj, "queued_at", 0));
			entry.info.retryOf = JSONFields::string(*obj, "retry_of");
			if (!entry.info.retryOf.empty()) _retriedBy[entry.info.retryOf] = jobId;
			entry.bodyOffset = bodyOffset;
			entry.bodyLength = bodyLength;
			_unfinished[jobId] = entry;
			_arrivalOrder.push_back(jobId);
			return true;
		}
		if (type == RECORD_STARTED)
		{
			auto it = _unfinished.find(jobId);
			if (it == _unfinished.end()) return true;
			it->second.info.status = "running";
			it->second.info.workerId = static_cast<int>(JSONFields::integer(*obj, "worker_id", 0));
			it->second.info.startedAt = Poco::Timestamp(JSONFields::integer(*obj, "at", 0));
			return true;
		}
		if (type == RECORD_FINISHED)
		{
			Poco::JSON::Object::Ptr resultObj = JSONFields::object(*obj, "result");
			if (!resultObj) return false;
			WebhookResult result = WebhookResult::fromJSON(*resultObj);
			Entry entry;
			auto it = _unfinished.find(jobId);
			if (it != _unfinished.end())
			{
				entry = it->second;
				_unfinished.erase(it);
			}
			else
			{
				// Compacted history: the finished record carries what the accept had.
				entry.info.jobId = jobId;
				entry.info.hookId = result.hookId;
				entry.info.dependency = JSONFields::string(*obj, "dependency");
				entry.info.queuedAt = Poco::Timestamp(JSONFields::integer(*obj, "queued_at", 0));
				entry.info.retryOf = JSONFields::string(*obj, "retry_of");
				if (!entry.info.retryOf.empty()) _retriedBy[entry.info.retryOf] = jobId;
			}
			remember(result, entry);
			return true;
		}
		return false;
	}
	catch (Poco::Exception& exc)
	{
		logger().error("job journal: unreadable record: %s", exc.displayText());
		return false;
	}
}

std::string JobSpool::encodeRecord(char type, const std::string& meta, const std::string& body, std::uint64_t* bodyStart)
{
	std::string header;
	header.reserve(48);
	header += type;
	header += ' ';
	header += std::to_string(meta.size());
	header += ' ';
	header += std::to_string(body.size());
	header += ' ';
	header += crcHex(meta, body);
	header += '\n';
	std::string record;
	record.reserve(header.size() + meta.size() + body.size() + 1);
	record += header;
	record += meta;
	record += body;
	record += '\n';
	if (bodyStart) *bodyStart = header.size() + meta.size();
	return record;
}

void JobSpool::writeRecord(
	int fd, char type, const std::string& meta, const std::string& body, std::uint64_t& offset, std::uint64_t* bodyOffset)
{
	std::uint64_t bodyStart = 0;
	std::string record = encodeRecord(type, meta, body, &bodyStart);
	writeAt(fd, record, offset);
	if (bodyOffset) *bodyOffset = offset + bodyStart;
	offset += record.size();
}

void JobSpool::writeAt(int fd, const std::string& bytes, std::uint64_t offset)
{
	try
	{
		writeAll(fd, bytes.data(), bytes.size());
	}
	catch (Poco::Exception&)
	{
		// Never leave a torn record in the middle: later records would be cut off with it.
		if (::ftruncate(fd, static_cast<off_t>(offset)) != 0)
			logger().critical("job journal: cannot remove a partial record: %s", std::string(std::strerror(errno)));
		throw;
	}
}

std::uint64_t JobSpool::appendLocked(
	std::unique_lock<std::mutex>& lock, const std::string& record, std::uint64_t bodyStart, std::uint64_t* bodyOffset)
{
	(void)lock;
	if (_fd < 0) throw Poco::IllegalStateException("job journal is not open");
	// Only copied here; the flusher writes the whole batch with one write(2) before
	// its fdatasync, so the lock is never held across a system call.
	if (bodyOffset) *bodyOffset = _size + bodyStart;
	_pending += record;
	_size += record.size();
	++_pendingRecords;
	return ++_written;
}

bool JobSpool::lostLocked(std::uint64_t sequence) const
{
	for (const LostRange& range: _lost)
	{
		if (sequence >= range.first && sequence <= range.last) return true;
	}
	return false;
}

std::uint64_t JobSpool::enlistLocked(std::unique_lock<std::mutex>& lock)
{
	// The flush that will cover a record written now is the next one to start: the
	// flusher takes its target (everything written) under this lock.
	std::uint64_t generation = _flushesStarted + 1;
	_wantedGeneration = generation;
	lock.unlock();
	_flushWanted.notify_one();
	return generation;
}

void JobSpool::waitDurable(std::unique_lock<std::mutex>& lock, std::uint64_t sequence, std::uint64_t generation)
{
	_flushed.waitFor(generation);
	// The common case needs no lock: nothing was lost since the spool opened.
	if (_durable.load(std::memory_order_acquire) >= sequence && !_anyLost.load(std::memory_order_acquire)) return;
	lock.lock();
	if (_durable.load() >= sequence && !lostLocked(sequence))
	{
		lock.unlock();
		return;
	}
	std::string error = _lastSyncError;
	lock.unlock();
	throw JournalWriteException(error);
}

void JobSpool::runFlusher()
{
	std::unique_lock<std::mutex> lock(_mutex);
	for (;;)
	{
		while (!_stopping && _wantedGeneration <= _flushesStarted)
		{
			// Results the disk refused are written again on the flusher's own clock,
			// so that nothing waits for a new request to bring them out.
			if (_unwritten.empty() || !_retrying.empty()) _flushWanted.wait(lock);
			else if (std::chrono::steady_clock::now() < _retryAt) _flushWanted.wait_until(lock, _retryAt);
			else queueRetriesLocked();
		}
		if (_wantedGeneration <= _flushesStarted) return; // stopping, nobody waits
		// Group commit: one write and one flush for everything appended so far, for everyone.
		std::string batch;
		batch.swap(_pending);
		const std::uint64_t batchStart = _size - batch.size();
		const std::uint64_t firstInBatch = _written - _pendingRecords + 1;
		const std::uint64_t target = _written;
		_pendingRecords = 0;
		std::uint64_t generation = ++_flushesStarted;
		int fd = _fd;
		_syncing = true;
		lock.unlock();
		std::string failure;
		try
		{
			if (!batch.empty()) writeAt(fd, batch, batchStart);
			if (::fdatasync(fd) != 0) failure = std::strerror(errno);
		}
		catch (Poco::Exception& exc)
		{
			failure = exc.message();
		}
		lock.lock();
		_syncing = false;
		if (failure.empty())
		{
			if (target > _durable.load()) _durable.store(target, std::memory_order_release);
			flushSucceededLocked(target);
		}
		else
		{
			// The callers of this batch fail (they answer 503 or retry), and so do those
			// appended meanwhile: their offsets assumed this batch in the file.
			_lastSyncError = failure;
			if (::ftruncate(fd, static_cast<off_t>(batchStart)) != 0)
				logger().critical("job journal: cannot remove a failed batch: %s", std::string(std::strerror(errno)));
			_size = batchStart;
			_pending.clear();
			if (firstInBatch <= _written) markLostLocked(firstInBatch, _written);
			_pendingRecords = 0;
			flushFailedLocked(failure);
		}
		_flushed.complete(generation);
	}
}

void JobSpool::flushSucceededLocked(std::uint64_t target)
{
	if (!_writeOk)
	{
		_writeOk = true;
		logger().notice("job journal writable again after %s failed writes", std::to_string(_failedSince));
		_failedSince = 0;
		_retryAt = std::chrono::steady_clock::now(); // unwritten results go at once
	}
	std::size_t written = 0;
	for (auto it = _retrying.begin(); it != _retrying.end();)
	{
		if (it->second > target)
		{
			++it;
			continue;
		}
		_unwritten.erase(it->first);
		it = _retrying.erase(it);
		++written;
	}
	if (written > 0)
	{
		logger().notice("job journal: %s results kept in memory are now written", std::to_string(written));
		_retryDelayMs = _firstRetryDelayMs;
	}
}

void JobSpool::flushFailedLocked(const std::string& failure)
{
	++_writeFailures;
	++_failedSince;
	// Once per episode: a full disk under a flood must not become a flood of log lines.
	if (_writeOk)
	{
		_writeOk = false;
		logger().critical(
			"job journal: cannot write (%s): new jobs are refused with 503, results are kept in memory and written when it works again",
			failure);
	}
	if (!_retrying.empty())
	{
		_retrying.clear();
		_retryAt = std::chrono::steady_clock::now() + std::chrono::milliseconds(_retryDelayMs);
		_retryDelayMs = std::min(_retryDelayMs * 2, _maxRetryDelayMs);
	}
}

void JobSpool::queueRetriesLocked()
{
	std::unique_lock<std::mutex> none;
	for (const auto& item: _unwritten)
		_retrying[item.first] = appendLocked(none, encodeRecord(RECORD_FINISHED, item.second, "", nullptr), 0, nullptr);
	_wantedGeneration = _flushesStarted + 1;
}

void JobSpool::markLostLocked(std::uint64_t first, std::uint64_t last)
{
	// A few ranges are plenty: a caller looks only at its own, right after its flush.
	if (_lost.size() >= 64) _lost.pop_front();
	_lost.push_back(LostRange{first, last});
	_anyLost.store(true, std::memory_order_release);
}

void JobSpool::stopFlusher()
{
	if (!_flusher.joinable()) return;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopping = true;
	}
	_flushWanted.notify_one();
	_flusher.join();
}

std::string JobSpool::newJobId()
{
	// A random (version 4) UUID from getrandom(2). Poco 1.11's UUIDGenerator::createRandom
	// takes a process-wide mutex and opens, reads and closes /dev/urandom on every call
	// (RandomInputStream); on the 202 path that was three syscalls and a shared lock per
	// request (bench/README.md, "Fixes").
	unsigned char bytes[16];
	std::size_t done = 0;
	while (done < sizeof(bytes))
	{
		ssize_t n = ::getrandom(bytes + done, sizeof(bytes) - done, 0);
		if (n < 0 && errno == EINTR) continue;
		if (n < 0) return Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
		done += static_cast<std::size_t>(n);
	}
	bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40); // version 4
	bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80); // RFC 4122 variant
	static const char HEX[] = "0123456789abcdef";
	std::string id;
	id.reserve(36);
	for (std::size_t i = 0; i < sizeof(bytes); ++i)
	{
		if (i == 4 || i == 6 || i == 8 || i == 10) id += '-';
		id += HEX[bytes[i] >> 4];
		id += HEX[bytes[i] & 0x0f];
	}
	return id;
}

void JobSpool::accept(const std::string& jobId, const std::string& hookId, const std::string& dependency, const std::string& body,
	Poco::Timestamp receivedAt, const std::string& retryOf)
{
	Entry entry;
	entry.info.jobId = jobId;
	entry.info.hookId = hookId;
	entry.info.dependency = dependency;
	entry.info.status = "queued";
	entry.info.queuedAt = receivedAt;
	entry.info.retryOf = retryOf;
	entry.bodyLength = body.size();

	std::string metaText = acceptedMeta(entry.info.jobId, hookId, dependency, receivedAt, retryOf);

	std::uint64_t bodyStart = 0;
	const std::string record = encodeRecord(RECORD_ACCEPTED, metaText, body, &bodyStart);

	std::unique_lock<std::mutex> lock(_mutex);
	std::uint64_t sequence = appendLocked(lock, record, bodyStart, &entry.bodyOffset);
	// Known in memory from the moment it is written, so that a compaction running
	// while this caller waits for the sync carries it over.
	_unfinished[entry.info.jobId] = entry;
	_arrivalOrder.push_back(entry.info.jobId);
	if (!retryOf.empty()) _retriedBy[retryOf] = entry.info.jobId;
	std::uint64_t generation = enlistLocked(lock);
	try
	{
		waitDurable(lock, sequence, generation);
	}
	catch (Poco::Exception&)
	{
		lock.lock();
		_unfinished.erase(entry.info.jobId);
		auto link = _retriedBy.find(retryOf);
		if (link != _retriedBy.end() && link->second == entry.info.jobId) _retriedBy.erase(link);
		throw;
	}
}

void JobSpool::markStarted(const std::string& jobId, int workerId, Poco::Timestamp at)
{
	std::string metaText = startedMeta(jobId, workerId, at);

	std::unique_lock<std::mutex> lock(_mutex);
	auto it = _unfinished.find(jobId);
	if (it == _unfinished.end()) throw Poco::NotFoundException("job " + jobId);
	std::uint64_t sequence = appendLocked(lock, encodeRecord(RECORD_STARTED, metaText, "", nullptr), 0, nullptr);
	const JobInfo before = it->second.info;
	it->second.info.status = "running";
	it->second.info.workerId = workerId;
	it->second.info.startedAt = at;
	std::uint64_t generation = enlistLocked(lock);
	try
	{
		waitDurable(lock, sequence, generation);
	}
	catch (Poco::Exception&)
	{
		// Not started after all: GET /jobs must show what the dispatcher shows (queued).
		lock.lock();
		auto again = _unfinished.find(jobId);
		if (again != _unfinished.end())
		{
			again->second.info.status = before.status;
			again->second.info.workerId = before.workerId;
			again->second.info.startedAt = before.startedAt;
		}
		throw;
	}
}

void JobSpool::markFinished(const WebhookResult& result)
{
	std::unique_lock<std::mutex> lock(_mutex);
	Entry entry;
	auto it = _unfinished.find(result.jobId);
	if (it != _unfinished.end()) entry = it->second;
	else
	{
		entry.info.jobId = result.jobId;
		entry.info.hookId = result.hookId;
	}
	std::string metaText = finishedMeta(result.jobId, entry.info.dependency, entry.info.queuedAt, result, entry.info.retryOf);

	std::uint64_t sequence = appendLocked(lock, encodeRecord(RECORD_FINISHED, metaText, "", nullptr), 0, nullptr);
	if (it != _unfinished.end()) _unfinished.erase(it);
	remember(result, entry);
	std::uint64_t generation = enlistLocked(lock);
	try
	{
		waitDurable(lock, sequence, generation);
	}
	catch (JournalWriteException&)
	{
		// The result is known (GET /jobs shows it) and kept until the disk takes it:
		// the flusher writes it again with backoff, the destructor at the latest.
		lock.lock();
		_unwritten[result.jobId] = metaText;
		if (_retrying.empty() && _unwritten.size() == 1)
		{
			_retryAt = std::chrono::steady_clock::now() + std::chrono::milliseconds(_retryDelayMs);
		}
		lock.unlock();
		_flushWanted.notify_one();
		return;
	}
	lock.lock();
	compactIfWorthIt(lock);
}

void JobSpool::remember(const WebhookResult& result, Entry& entry)
{
	entry.info.status = result.status;
	entry.info.result = result;
	if (_history.find(entry.info.jobId) == _history.end()) _historyOrder.push_back(entry.info.jobId);
	_history[entry.info.jobId] = entry.info;
	while (_historyOrder.size() > _historyLimit)
	{
		_retriedBy.erase(_historyOrder.front());
		_history.erase(_historyOrder.front());
		_historyOrder.pop_front();
	}
}

std::string JobSpool::readBody(const std::string& jobId) const
{
	std::unique_lock<std::mutex> lock(_mutex);
	auto it = _unfinished.find(jobId);
	if (it == _unfinished.end()) throw Poco::NotFoundException("job " + jobId);
	return preadAll(_fd, it->second.bodyOffset, it->second.bodyLength);
}

std::optional<JobInfo> JobSpool::find(const std::string& jobId) const
{
	std::unique_lock<std::mutex> lock(_mutex);
	auto it = _unfinished.find(jobId);
	if (it != _unfinished.end()) return linked(it->second.info);
	auto hist = _history.find(jobId);
	if (hist != _history.end()) return linked(hist->second);
	return std::nullopt;
}

JobInfo JobSpool::linked(const JobInfo& info) const
{
	// The link lives with the retry's record, so it survives compaction and restarts.
	JobInfo result = info;
	auto link = _retriedBy.find(info.jobId);
	if (link != _retriedBy.end()) result.retriedBy = link->second;
	return result;
}

std::vector<JobInfo> JobSpool::list(std::size_t limit) const
{
	std::unique_lock<std::mutex> lock(_mutex);
	std::vector<JobInfo> jobs;
	for (const std::string& id: _arrivalOrder)
	{
		if (jobs.size() >= limit) return jobs;
		auto it = _unfinished.find(id);
		if (it != _unfinished.end()) jobs.push_back(linked(it->second.info));
	}
	for (auto it = _historyOrder.rbegin(); it != _historyOrder.rend() && jobs.size() < limit; ++it)
	{
		jobs.push_back(linked(_history.at(*it)));
	}
	return jobs;
}

std::vector<JobInfo> JobSpool::pending() const
{
	std::unique_lock<std::mutex> lock(_mutex);
	std::vector<JobInfo> jobs;
	for (const std::string& id: _arrivalOrder)
	{
		auto it = _unfinished.find(id);
		if (it != _unfinished.end() && it->second.info.status == "queued") jobs.push_back(it->second.info);
	}
	return jobs;
}

std::vector<JobInfo> JobSpool::interrupted() const
{
	std::unique_lock<std::mutex> lock(_mutex);
	return _interrupted;
}

std::size_t JobSpool::unfinishedCount() const
{
	std::unique_lock<std::mutex> lock(_mutex);
	return _unfinished.size();
}

std::uint64_t JobSpool::journalBytes() const
{
	std::unique_lock<std::mutex> lock(_mutex);
	return _size;
}

std::vector<JournalDamage> JobSpool::damage() const
{
	std::unique_lock<std::mutex> lock(_mutex);
	return _damage;
}

std::vector<std::string> JobSpool::lostJobs() const
{
	std::unique_lock<std::mutex> lock(_mutex);
	return _lostJobs;
}

bool JobSpool::writable() const
{
	std::unique_lock<std::mutex> lock(_mutex);
	return _writeOk;
}

std::string JobSpool::lastWriteError() const
{
	std::unique_lock<std::mutex> lock(_mutex);
	return _lastSyncError;
}

std::uint64_t JobSpool::writeFailures() const
{
	std::unique_lock<std::mutex> lock(_mutex);
	return _writeFailures;
}

std::size_t JobSpool::unwrittenResults() const
{
	std::unique_lock<std::mutex> lock(_mutex);
	return _unwritten.size();
}

void JobSpool::setRetryDelays(int firstMs, int maxMs)
{
	std::unique_lock<std::mutex> lock(_mutex);
	_firstRetryDelayMs = std::max(1, firstMs);
	_maxRetryDelayMs = std::max(_firstRetryDelayMs, maxMs);
	_retryDelayMs = _firstRetryDelayMs;
}

void JobSpool::compactIfWorthIt(std::unique_lock<std::mutex>& lock)
{
	(void)lock;
	// The arrival list keeps finished ids until compaction; prune it cheaply here.
	while (!_arrivalOrder.empty() && _unfinished.find(_arrivalOrder.front()) == _unfinished.end()) _arrivalOrder.pop_front();

	// Not while a batch is on its way to the file: the rewrite reads bodies back from it.
	if (_syncing || !_pending.empty() || _size < _compactMinBytes || _size < 4 * _liveBytesAtCompaction) return;
	rewriteLocked();
}

void JobSpool::rewriteLocked()
{
	std::string tmpPath = _journalPath + ".compact";
	int fd = ::open(tmpPath.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
	{
		logger().error("job journal: cannot compact: %s", std::string(std::strerror(errno)));
		return;
	}
	try
	{
		std::uint64_t offset = 0;
		std::unordered_map<std::string, std::uint64_t> newOffsets;
		for (const std::string& id: _arrivalOrder)
		{
			auto it = _unfinished.find(id);
			if (it == _unfinished.end() || newOffsets.count(id)) continue;
			const Entry& entry = it->second;
			std::uint64_t bodyOffset = 0;
			writeRecord(fd, RECORD_ACCEPTED,
				acceptedMeta(id, entry.info.hookId, entry.info.dependency, entry.info.queuedAt, entry.info.retryOf),
				preadAll(_fd, entry.bodyOffset, entry.bodyLength), offset, &bodyOffset);
			newOffsets[id] = bodyOffset;
			if (entry.info.startedAt)
				writeRecord(fd, RECORD_STARTED, startedMeta(id, entry.info.workerId, *entry.info.startedAt), "", offset, nullptr);
		}
		for (const std::string& id: _historyOrder)
		{
			const JobInfo& info = _history.at(id);
			if (!info.result) continue;
			writeRecord(
				fd, RECORD_FINISHED, finishedMeta(id, info.dependency, info.queuedAt, *info.result, info.retryOf), "", offset, nullptr);
		}
		for (const auto& item: _unwritten)
		{
			// Already gone from the bounded history, still owed to the journal.
			if (_history.count(item.first) == 0) writeRecord(fd, RECORD_FINISHED, item.second, "", offset, nullptr);
		}
		if (::fdatasync(fd) != 0) throw Poco::WriteFileException(tmpPath, std::strerror(errno));
		if (::rename(tmpPath.c_str(), _journalPath.c_str()) != 0) throw Poco::WriteFileException(_journalPath, std::strerror(errno));
		syncDirectory(_directory);
		::close(_fd);
		_fd = fd;
		for (auto& item: newOffsets) _unfinished[item.first].bodyOffset = item.second;
		logger().information("job journal compacted from %s to %s bytes", std::to_string(_size), std::to_string(offset));
		_size = offset;
		_liveBytesAtCompaction = offset;
		_durable.store(_written, std::memory_order_release);
		_unwritten.clear();
		_retrying.clear();
	}
	catch (Poco::Exception& exc)
	{
		::close(fd);
		::unlink(tmpPath.c_str());
		logger().error("job journal: compaction failed, keeping the old journal: %s", exc.displayText());
	}
}

} // namespace Sygen
