//
// AtomicFile.cpp
//

#include "Sygen/Foundation/AtomicFile.h"
#include <Poco/Exception.h>
#include <Poco/Path.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Sygen {

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path, int err)
{
	throw Poco::FileException(what + " " + path + ": " + std::strerror(err), err);
}

std::string folderOf(const std::string& path)
{
	Poco::Path p(path);
	std::string dir = p.parent().toString();
	return dir.empty() ? std::string(".") : dir;
}

void writeAll(int fd, const std::string& content, const std::string& path)
{
	const char* data = content.data();
	std::size_t left = content.size();
	while (left > 0)
	{
		ssize_t n = ::write(fd, data, left);
		if (n < 0)
		{
			if (errno == EINTR) continue;
			fail("cannot write", path, errno);
		}
		data += n;
		left -= static_cast<std::size_t>(n);
	}
}

class TempFile
/// The temporary sibling; unlinked on destruction unless released (renamed).
{
public:
	explicit TempFile(const std::string& target)
	{
		Poco::Path p(target);
		_path = folderOf(target) + "/." + p.getFileName() + ".tmp-XXXXXX";
		_fd = ::mkostemp(_path.data(), O_CLOEXEC);
		if (_fd < 0) fail("cannot create temporary file for", target, errno);
	}

	~TempFile()
	{
		if (_fd >= 0) ::close(_fd);
		if (!_path.empty()) ::unlink(_path.c_str());
	}

	int fd() const { return _fd; }
	const std::string& path() const { return _path; }

	void close()
	{
		int fd = _fd;
		_fd = -1;
		if (::close(fd) != 0) fail("cannot close", _path, errno);
	}

	void release() { _path.clear(); }

private:
	std::string _path;
	int _fd = -1;
};

} // namespace

void AtomicFile::write(const std::string& path, const std::string& content, mode_t mode)
{
	TempFile temp(path);
	// fchmod, unlike open's mode, is not masked by the umask: the file gets exactly `mode`.
	if (::fchmod(temp.fd(), mode) != 0) fail("cannot chmod", temp.path(), errno);
	writeAll(temp.fd(), content, temp.path());
	if (::fsync(temp.fd()) != 0) fail("cannot fsync", temp.path(), errno);
	temp.close();
	if (::rename(temp.path().c_str(), path.c_str()) != 0) fail("cannot rename over", path, errno);
	temp.release();
	syncDirectory(folderOf(path));
}

void AtomicFile::syncDirectory(const std::string& dir)
{
	int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) fail("cannot open folder", dir, errno);
	int rc = ::fsync(fd);
	int err = errno;
	::close(fd);
	if (rc != 0) fail("cannot fsync folder", dir, err);
}

std::string AtomicFile::lockPath(const std::string& path)
{
	return path + ".lock";
}

AtomicFile::Lock::Lock(const std::string& path)
{
	acquire(path, true);
}

AtomicFile::Lock::Lock(const std::string& path, bool wait)
{
	acquire(path, wait);
}

AtomicFile::Lock::~Lock()
{
	unlock();
}

bool AtomicFile::Lock::locked() const
{
	return _fd >= 0;
}

void AtomicFile::Lock::unlock()
{
	if (_fd < 0) return;
	// Closing the descriptor releases the flock.
	::close(_fd);
	_fd = -1;
}

void AtomicFile::Lock::acquire(const std::string& path, bool wait)
{
	std::string lockFile = lockPath(path);
	int fd = ::open(lockFile.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) fail("cannot open lock file", lockFile, errno);
	int rc;
	do
	{
		rc = ::flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB));
	} while (rc != 0 && errno == EINTR);
	if (rc == 0)
	{
		_fd = fd;
		return;
	}
	int err = errno;
	::close(fd);
	if (!wait && err == EWOULDBLOCK) return;
	fail("cannot lock", lockFile, err);
}

} // namespace Sygen
