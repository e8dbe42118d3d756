//
// HookStore.cpp
//

#include "Sygen/Hooks/HookStore.h"
#include "Sygen/Foundation/AtomicFile.h"
#include "Sygen/Foundation/IsoTime.h"
#include "Sygen/Foundation/JSONWriter.h"
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/Path.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <sys/stat.h>
#include <unistd.h>

namespace Sygen {

namespace {

Poco::Logger& logger()
{
	return Poco::Logger::get("Sygen.HookStore");
}

const std::size_t NOT_FOUND = static_cast<std::size_t>(-1);

class FileDescriptor
{
public:
	explicit FileDescriptor(int fd):
		_fd(fd)
	{
	}
	~FileDescriptor()
	{
		if (_fd >= 0) ::close(_fd);
	}
	FileDescriptor(const FileDescriptor&) = delete;
	FileDescriptor& operator=(const FileDescriptor&) = delete;
	int get() const { return _fd; }

private:
	int _fd;
};

std::string readAll(int fd, const std::string& path)
{
	std::string content;
	char buf[65536];
	for (;;)
	{
		ssize_t n = ::read(fd, buf, sizeof(buf));
		if (n == 0) break;
		if (n < 0)
		{
			if (errno == EINTR) continue;
			throw Poco::ReadFileException(path + ": " + std::strerror(errno), errno);
		}
		content.append(buf, static_cast<std::size_t>(n));
	}
	return content;
}

} // namespace

bool HookStore::FileStamp::operator==(const FileStamp& other) const
{
	if (exists != other.exists) return false;
	if (!exists) return true;
	return device == other.device && inode == other.inode && size == other.size && mtime.tv_sec == other.mtime.tv_sec &&
		mtime.tv_nsec == other.mtime.tv_nsec;
}

HookStore::HookStore(const std::string& path, Clock& clock):
	_path(path),
	_clock(clock),
	_snapshot(std::make_shared<const HookSet>())
{
}

HookStore::~HookStore()
{
	stopPolling();
}

const std::string& HookStore::path() const
{
	return _path;
}

std::shared_ptr<const HookSet> HookStore::snapshot() const
{
	return std::atomic_load(&_snapshot);
}

std::string HookStore::location() const
{
	return _path;
}

namespace {

void releaseFreedHeap()
{
#ifdef __GLIBC__
	// Parsing webhooks.json allocates a JSON tree several times the size of the hooks
	// it yields, interleaved with them; once freed, glibc keeps those pages (10,000
	// hooks: 64 MiB RSS instead of 24 MiB). Hand them back after a (re)load, which is
	// rare (bench/README.md, "Fixes").
	::malloc_trim(0);
#endif
}

} // namespace

void HookStore::load()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		loadLocked(true);
	}
	releaseFreedHeap();
}

bool HookStore::reloadIfChanged()
{
	bool changed;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		std::shared_ptr<const HookSet> old = std::atomic_load(&_snapshot);
		loadLocked(false);
		changed = std::atomic_load(&_snapshot) != old;
	}
	if (changed) releaseFreedHeap();
	return changed;
}

HookStore::FileStamp HookStore::stampOf(int fd)
{
	FileStamp stamp;
	struct stat st;
	if (::fstat(fd, &st) != 0) return stamp;
	stamp.exists = true;
	stamp.device = st.st_dev;
	stamp.inode = st.st_ino;
	stamp.size = st.st_size;
	stamp.mtime = st.st_mtim;
	return stamp;
}

HookStore::FileStamp HookStore::statPath() const
{
	FileStamp stamp;
	struct stat st;
	if (::stat(_path.c_str(), &st) != 0) return stamp;
	stamp.exists = true;
	stamp.device = st.st_dev;
	stamp.inode = st.st_ino;
	stamp.size = st.st_size;
	stamp.mtime = st.st_mtim;
	return stamp;
}

bool HookStore::readFileLocked(std::string& content, FileStamp& stamp) const
{
	FileDescriptor fd(::open(_path.c_str(), O_RDONLY | O_CLOEXEC));
	if (fd.get() < 0)
	{
		if (errno == ENOENT) return false;
		throw Poco::OpenFileException(_path + ": " + std::strerror(errno), errno);
	}
	// The stamp comes from the descriptor we read, so it always matches the content.
	stamp = stampOf(fd.get());
	content = readAll(fd.get(), _path);
	return true;
}

void HookStore::loadLocked(bool force)
{
	if (!force && _loadedOnce && statPath() == _stamp) return;

	std::string content;
	FileStamp stamp;
	bool exists;
	try
	{
		exists = readFileLocked(content, stamp);
	}
	catch (Poco::Exception& e)
	{
		// Not recorded in _stamp: retried (and logged) at the next poll. Writes are
		// refused meanwhile, since we cannot merge with content we cannot read.
		logger().error("cannot read hooks: " + e.message());
		_diskInvalid = true;
		return;
	}
	if (!force && _loadedOnce && stamp == _stamp) return;

	bool hadFile = _stamp.exists;
	_stamp = stamp;
	if (!exists)
	{
		if (hadFile) logger().warning(_path + " was deleted; keeping " + std::to_string(snapshot()->size()) + " hooks in memory");
		_diskInvalid = false;
		if (!_loadedOnce) publish(_entries);
		_loadedOnce = true;
		return;
	}

	Poco::JSON::Object::Ptr top;
	Entries entries;
	_loadedOnce = true;
	if (!parseDocument(content, top, entries))
	{
		_diskInvalid = true;
		return;
	}
	_diskInvalid = false;
	_validOnce = true;
	_top = top;
	_entries = std::move(entries);
	applyPending(_entries);
	publish(_entries);
}

bool HookStore::parseDocument(const std::string& content, Poco::JSON::Object::Ptr& top, Entries& entries) const
{
	Poco::Dynamic::Var doc;
	try
	{
		Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
		doc = parser.parse(content);
	}
	catch (Poco::Exception& e)
	{
		logger().error(_path + ": not valid JSON, keeping the previous hooks: " + e.message());
		return false;
	}
	if (doc.type() != typeid(Poco::JSON::Object::Ptr) || !doc.extract<Poco::JSON::Object::Ptr>()->isArray("hooks"))
	{
		logger().error(_path + ": top level must be an object with a \"hooks\" array, keeping the previous hooks");
		return false;
	}
	top = doc.extract<Poco::JSON::Object::Ptr>();
	Poco::JSON::Array::Ptr array = top->getArray("hooks");
	std::unordered_map<std::string, bool> seen;
	for (unsigned i = 0; i < array->size(); ++i)
	{
		Entry entry;
		entry.raw = array->get(i);
		try
		{
			if (entry.raw.type() != typeid(Poco::JSON::Object::Ptr)) throw Poco::DataFormatException("expected an object");
			Hook hook = Hook::fromJSON(*entry.raw.extract<Poco::JSON::Object::Ptr>());
			if (!seen.emplace(hook.id, true).second) throw Poco::DataFormatException("id: duplicate '" + hook.id + "'");
			// The reference's model gives an entry without created_at the load time;
			// it is written with the hook from then on, so it stays fixed.
			if (hook.createdAt.empty()) hook.createdAt = defaultCreatedAt(hook.id);
			entry.hook = std::make_shared<const Hook>(std::move(hook));
			// A loaded hook is written back from entry.hook (its unknown keys are in
			// Hook::extra): keeping its parsed JSON as well doubled the memory per hook.
			entry.raw = Poco::Dynamic::Var();
		}
		catch (Poco::DataFormatException& e)
		{
			logger().error(_path + ": hook entry " + std::to_string(i) + " skipped: " + e.message());
		}
		entries.push_back(std::move(entry));
	}
	// _top is kept for its other keys and their order only; serialise() puts the hooks
	// array in place again. Dropping the parsed array here is what keeps the
	// supervisor's memory for 10,000 hooks down (bench/README.md, "Fixes").
	top->set("hooks", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
	return true;
}

std::string HookStore::defaultCreatedAt(const std::string& id) const
{
	// Until that write, a reload (a hand edit that still lacks it) keeps the time
	// first given instead of moving the hook's age to the reload.
	std::size_t index = indexOf(_entries, id);
	if (index != NOT_FOUND && !_entries[index].hook->createdAt.empty()) return _entries[index].hook->createdAt;
	return IsoTime::format(_clock.now());
}

void HookStore::applyPending(Entries& entries) const
{
	for (Entry& entry: entries)
	{
		if (!entry.hook) continue;
		auto it = _pending.find(entry.hook->id);
		if (it == _pending.end()) continue;
		Hook hook = *entry.hook;
		hook.triggerCount += it->second.count;
		hook.lastTriggeredAt = it->second.lastTriggeredAt;
		hook.lastError = it->second.lastError;
		entry.hook = std::make_shared<const Hook>(std::move(hook));
	}
}

void HookStore::publishTelemetry()
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_telemetryUnpublished) publish(_entries);
}

void HookStore::publish(const Entries& entries)
{
	// Every caller publishes _entries (or what becomes it), telemetry included.
	_telemetryUnpublished = false;
	std::vector<HookSet::HookPtr> hooks;
	hooks.reserve(entries.size());
	for (const Entry& entry: entries)
	{
		if (entry.hook) hooks.push_back(entry.hook);
	}
	std::atomic_store(&_snapshot, std::shared_ptr<const HookSet>(std::make_shared<const HookSet>(std::move(hooks))));
}

std::size_t HookStore::indexOf(const Entries& entries, const std::string& id)
{
	for (std::size_t i = 0; i < entries.size(); ++i)
	{
		if (entries[i].hook && entries[i].hook->id == id) return i;
	}
	return NOT_FOUND;
}

std::string HookStore::serialise(const Entries& entries) const
{
	Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
	for (const Entry& entry: entries)
	{
		array->add(entry.hook ? Poco::Dynamic::Var(entry.hook->toJSON()) : entry.raw);
	}
	Poco::JSON::Object::Ptr top = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	bool placed = false;
	if (_top)
	{
		for (const std::string& name: _top->getNames())
		{
			placed = placed || name == "hooks";
			top->set(name, name == "hooks" ? Poco::Dynamic::Var(array) : _top->get(name));
		}
	}
	if (!placed) top->set("hooks", array);
	return JSONWriter::file(top);
}

template <typename Mutation>
bool HookStore::commit(Mutation mutation)
{
	Poco::File(Poco::Path(_path).parent()).createDirectories();
	// The file lock first: while another process holds it, recordTrigger() and the
	// poll thread must not queue up behind our _mutex.
	AtomicFile::Lock fileLock(_path);
	std::lock_guard<std::mutex> lock(_mutex);
	// Hand edits win: pick up whatever is on disk now, then apply our change to it.
	loadLocked(false);
	if (_diskInvalid) throw Poco::DataFormatException(_path + " on disk is not a valid hooks file; fix it first");
	Entries entries = _entries;
	if (!mutation(entries)) return false;
	AtomicFile::write(_path, serialise(entries), 0600);
	_entries = std::move(entries);
	_pending.clear();
	_stamp = statPath();
	_validOnce = true;
	publish(_entries);
	return true;
}

std::string HookStore::problem() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_diskInvalid) return _path + " cannot be read or is not a valid hooks file (fix it; the jobs then run)";
	if (!_validOnce) return _path + " is missing or was never read (restore it; the jobs then run)";
	return "";
}

Hook HookStore::add(Hook hook)
{
	if (hook.id.empty()) throw Poco::InvalidArgumentException("hook id is empty");
	if (hook.createdAt.empty()) hook.createdAt = IsoTime::format(_clock.now());
	HookSet::HookPtr stored = std::make_shared<const Hook>(std::move(hook));
	commit([&stored](Entries& entries) {
		if (indexOf(entries, stored->id) != NOT_FOUND) throw Poco::ExistsException("Hook '" + stored->id + "' already exists");
		entries.push_back(Entry{stored, Poco::Dynamic::Var()});
		return true;
	});
	return *stored;
}

void HookStore::remove(const std::string& id)
{
	commit([&id](Entries& entries) {
		std::size_t index = indexOf(entries, id);
		if (index == NOT_FOUND) throw Poco::NotFoundException("Hook '" + id + "' not found");
		entries.erase(entries.begin() + static_cast<std::ptrdiff_t>(index));
		return true;
	});
}

Hook HookStore::update(const std::string& id, const Poco::JSON::Object& changes)
{
	checkChanges(id, changes);
	HookSet::HookPtr updated;
	commit([&](Entries& entries) {
		std::size_t index = indexOf(entries, id);
		if (index == NOT_FOUND) throw Poco::NotFoundException("Hook '" + id + "' not found");
		updated = std::make_shared<const Hook>(changed(*entries[index].hook, changes));
		entries[index].hook = updated;
		return true;
	});
	return *updated;
}

HookRepository::ImportCount HookStore::importHooks(const std::vector<Hook>& hooks)
{
	ImportCount count;
	commit([&](Entries& entries) {
		for (const Hook& hook: hooks)
		{
			HookSet::HookPtr stored = std::make_shared<const Hook>(hook);
			std::size_t index = indexOf(entries, hook.id);
			if (index == NOT_FOUND)
			{
				entries.push_back(Entry{stored, Poco::Dynamic::Var()});
				++count.added;
			}
			else
			{
				entries[index].hook = stored;
				++count.replaced;
			}
		}
		return true;
	});
	return count;
}

std::string HookStore::exportDocument() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return serialise(_entries);
}

bool HookStore::recordTrigger(const std::string& id, const std::string& status, const Poco::Timestamp& when)
{
	std::lock_guard<std::mutex> lock(_mutex);
	std::size_t index = indexOf(_entries, id);
	if (index == NOT_FOUND) return false;
	Telemetry& t = _pending[id];
	t.count += 1;
	t.lastTriggeredAt = IsoTime::format(when);
	t.lastError = status == "success" ? std::nullopt : std::optional<std::string>(status);

	Hook hook = *_entries[index].hook;
	hook.triggerCount += 1;
	hook.lastTriggeredAt = t.lastTriggeredAt;
	hook.lastError = t.lastError;
	_entries[index].hook = std::make_shared<const Hook>(std::move(hook));
	// Not published here: a new hook set is built from every entry, and this runs
	// for every finished job. The next flushTelemetry() publishes it.
	_telemetryUnpublished = true;
	return true;
}

bool HookStore::hasPendingTelemetry() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return !_pending.empty();
}

bool HookStore::flushTelemetry()
{
	try
	{
		bool wrote = commit([this](Entries&) { return !_pending.empty(); });
		if (wrote && _flushFailureLogged.exchange(false)) logger().information("pending hook telemetry written to " + _path);
		publishTelemetry();
		return wrote;
	}
	catch (Poco::Exception& e)
	{
		// Telemetry stays pending; log once per failure streak, not every second.
		if (!_flushFailureLogged.exchange(true)) logger().warning("hook telemetry kept in memory, not written: " + e.message());
		publishTelemetry();
		return false;
	}
}

void HookStore::startPolling(Poco::Timespan reloadInterval, Poco::Timespan flushInterval)
{
	PollingThread::Steps steps;
	steps.often = [this] { flushTelemetry(); };
	steps.occasionally = [this] { reloadIfChanged(); };
	steps.failed = [](const std::exception& e) { logger().error(std::string("hook poll failed: ") + e.what()); };
	_polling.start(flushInterval, reloadInterval, steps);
}

void HookStore::stopPolling()
{
	_polling.stop();
	flushTelemetry();
}

} // namespace Sygen
