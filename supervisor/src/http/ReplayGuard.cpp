//
// ReplayGuard.cpp
//

#include "http/ReplayGuard.h"
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/Path.h>
#include <Poco/SHA2Engine.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>
#include <vector>

namespace Sygen {

namespace {

const Poco::Timestamp::TimeDiff ABANDONED_AFTER = 60 * Poco::Timestamp::resolution();

Poco::Logger& logger()
{
	return Poco::Logger::get("Sygen.ReplayGuard");
}

[[noreturn]] void throwFileError(const std::string& what, const std::string& path)
{
	throw Poco::WriteFileException(what + " " + path + ": " + std::strerror(errno));
}

void writeAll(int fd, const std::string& data, const std::string& path)
{
	std::size_t done = 0;
	while (done < data.size())
	{
		ssize_t n = ::write(fd, data.data() + done, data.size() - done);
		if (n < 0)
		{
			if (errno == EINTR) continue;
			throwFileError("cannot write", path);
		}
		done += static_cast<std::size_t>(n);
	}
}

std::string lineFor(const std::string& key, const std::string& jobId, Poco::Timestamp::TimeVal at)
{
	Poco::JSON::Object obj;
	obj.set("k", key);
	obj.set("j", jobId);
	obj.set("t", static_cast<Poco::Int64>(at));
	std::ostringstream out;
	obj.stringify(out);
	out << '\n';
	return out.str();
}

} // namespace

ReplayGuard::ReplayGuard(const std::string& path, long long windowSeconds, Poco::Timestamp now, std::size_t capacity):
	_path(path),
	_window(0),
	_capacity(capacity == 0 ? 1 : capacity)
{
	if (windowSeconds <= 0) return;
	// A window longer than ~30 years is as good as forever and keeps µs arithmetic safe.
	const long long maxSeconds = 1000000000LL;
	_window = std::min(windowSeconds, maxSeconds) * Poco::Timestamp::resolution();
	load(now);
}

ReplayGuard::~ReplayGuard()
{
	if (_fd >= 0) ::close(_fd);
}

std::string ReplayGuard::makeKey(const std::string& hookId, const std::string& deliveryId)
{
	// Hashed so that arbitrary delivery-id bytes never reach the log file, every
	// entry has the same small size, and hook "a" + id "b\0c" cannot collide with
	// hook "a\0b" + id "c" (hook ids never contain NUL).
	Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
	sha.update(hookId);
	sha.update('\0');
	sha.update(deliveryId);
	return Poco::DigestEngine::digestToHex(sha.digest());
}

bool ReplayGuard::expired(const Entry& entry, Poco::Timestamp::TimeVal now) const
{
	// Exactly windowSeconds old still counts, as in the rate limiter.
	return now - entry.acceptedAt > _window;
}

void ReplayGuard::load(Poco::Timestamp now)
{
	struct Loaded
	{
		std::string key;
		std::string jobId;
		Poco::Timestamp::TimeVal at;
	};
	std::vector<Loaded> loaded;
	std::size_t malformed = 0;
	if (Poco::File(_path).exists())
	{
		std::ifstream in(_path, std::ios::binary);
		if (!in) throw Poco::OpenFileException(_path);
		std::string line;
		Poco::JSON::Parser parser;
		while (std::getline(in, line))
		{
			if (line.empty()) continue;
			try
			{
				parser.reset();
				Poco::JSON::Object::Ptr obj = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
				if (!obj) throw Poco::DataFormatException("not an object");
				loaded.push_back(Loaded{obj->getValue<std::string>("k"), obj->getValue<std::string>("j"), obj->getValue<Poco::Int64>("t")});
			}
			catch (Poco::Exception&)
			{
				// A crash can leave the last line torn; one bad line must not cost the rest.
				++malformed;
			}
		}
		if (in.bad()) throw Poco::ReadFileException(_path);
	}
	if (malformed > 0)
	{
		logger().warning(_path + ": skipped " + std::to_string(malformed) + " malformed line(s)");
	}

	// The log is in acceptance order unless the clock stepped back; sort so that
	// expiry and eviction (oldest first) stay right either way.
	std::stable_sort(loaded.begin(), loaded.end(), [](const Loaded& a, const Loaded& b) { return a.at < b.at; });
	const Poco::Timestamp::TimeVal t = now.epochMicroseconds();
	for (const Loaded& l: loaded)
	{
		if (t - l.at > _window) continue;
		remember(l.key, l.jobId, l.at);
	}
	rewrite();
}

void ReplayGuard::remember(const std::string& key, const std::string& jobId, Poco::Timestamp::TimeVal at)
{
	Entry& entry = _entries[key];
	entry.jobId = jobId;
	entry.acceptedAt = at;
	entry.pending = false;
	_order.push_back(Order{at, key});
	while (_order.size() > _capacity)
	{
		const Order& oldest = _order.front();
		auto it = _entries.find(oldest.key);
		// The key may have been remembered again since; only its latest record owns it.
		if (it != _entries.end() && !it->second.pending && it->second.acceptedAt == oldest.acceptedAt)
		{
			_entries.erase(it);
		}
		_order.pop_front();
	}
}

void ReplayGuard::prune(Poco::Timestamp::TimeVal now)
{
	while (!_order.empty() && now - _order.front().acceptedAt > _window)
	{
		const Order& oldest = _order.front();
		auto it = _entries.find(oldest.key);
		if (it != _entries.end() && !it->second.pending && it->second.acceptedAt == oldest.acceptedAt)
		{
			_entries.erase(it);
		}
		_order.pop_front();
	}
}

void ReplayGuard::rewrite()
{
	std::string content;
	std::size_t lines = 0;
	for (const Order& o: _order)
	{
		auto it = _entries.find(o.key);
		if (it == _entries.end() || it->second.pending || it->second.acceptedAt != o.acceptedAt) continue;
		content += lineFor(o.key, it->second.jobId, o.acceptedAt);
		++lines;
	}

	const std::string tmp = _path + ".tmp";
	int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) throwFileError("cannot create", tmp);
	try
	{
		writeAll(fd, content, tmp);
		if (::fsync(fd) != 0) throwFileError("cannot fsync", tmp);
	}
	catch (...)
	{
		::close(fd);
		::unlink(tmp.c_str());
		throw;
	}
	::close(fd);
	if (::rename(tmp.c_str(), _path.c_str()) != 0)
	{
		const int err = errno;
		::unlink(tmp.c_str());
		errno = err;
		throwFileError("cannot rename to", _path);
	}
	// The rename is durable only once the folder itself is synced.
	const std::string dir = Poco::Path(_path).makeParent().toString();
	int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0)
	{
		::fsync(dfd);
		::close(dfd);
	}

	if (_fd >= 0) ::close(_fd);
	_fd = -1;
	openLog();
	_logLines = lines;
}

void ReplayGuard::openLog()
{
	_fd = ::open(_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (_fd < 0) throwFileError("cannot open", _path);
}

void ReplayGuard::append(const std::string& key, const Entry& entry)
{
	if (_fd < 0) openLog();
	writeAll(_fd, lineFor(key, entry.jobId, entry.acceptedAt), _path);
	if (::fdatasync(_fd) != 0) throwFileError("cannot fdatasync", _path);
	++_logLines;
}

ReplayGuard::Result ReplayGuard::reserve(
	const std::string& hookId, const std::string& deliveryId, const std::string& jobId, Poco::Timestamp now)
{
	Result result;
	result.jobId = jobId;
	if (_window <= 0) return result;

	const std::string key = makeKey(hookId, deliveryId);
	const Poco::Timestamp::TimeVal t = now.epochMicroseconds();
	std::lock_guard<std::mutex> lock(_mutex);
	prune(t);
	auto it = _entries.find(key);
	if (it != _entries.end())
	{
		// A reservation nobody confirmed or rolled back within a minute belongs to a
		// request that died between the two calls; it must not block the id forever.
		const bool abandoned = it->second.pending && t - it->second.acceptedAt > ABANDONED_AFTER;
		if (it->second.pending && !abandoned)
		{
			result.outcome = IN_FLIGHT;
			result.jobId = it->second.jobId;
			return result;
		}
		if (!it->second.pending && !expired(it->second, t))
		{
			result.outcome = DUPLICATE;
			result.jobId = it->second.jobId;
			return result;
		}
	}
	Entry& entry = _entries[key];
	entry.jobId = jobId;
	entry.acceptedAt = t; // of a pending entry: when it was reserved
	entry.pending = true;
	return result;
}

void ReplayGuard::confirm(const std::string& hookId, const std::string& deliveryId, Poco::Timestamp now)
{
	if (_window <= 0) return;
	const std::string key = makeKey(hookId, deliveryId);
	std::lock_guard<std::mutex> lock(_mutex);
	auto it = _entries.find(key);
	if (it == _entries.end() || !it->second.pending) return;
	const std::string jobId = it->second.jobId;
	remember(key, jobId, now.epochMicroseconds());
	auto found = _entries.find(key);
	// capacity 1 with a concurrent reservation could have evicted it already.
	if (found == _entries.end()) return;
	append(key, found->second);
	if (_logLines > 2 * _order.size() + 1000) rewrite();
}

void ReplayGuard::rollback(const std::string& hookId, const std::string& deliveryId)
{
	if (_window <= 0) return;
	const std::string key = makeKey(hookId, deliveryId);
	std::lock_guard<std::mutex> lock(_mutex);
	auto it = _entries.find(key);
	if (it != _entries.end() && it->second.pending) _entries.erase(it);
}

ReplayGuard::Result ReplayGuard::checkAndRemember(
	const std::string& hookId, const std::string& deliveryId, const std::string& jobId, Poco::Timestamp now)
{
	Result result = reserve(hookId, deliveryId, jobId, now);
	if (result.outcome == NEW) confirm(hookId, deliveryId, now);
	return result;
}

std::size_t ReplayGuard::size() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _order.size();
}

} // namespace Sygen
