//
// DependencyLock.cpp
//

#include "DependencyLock.h"
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Sygen {

DependencyLock::DependencyLock(const std::string& locksDir, const std::string& name):
	_path(locksDir + "/" + fileName(name)),
	_fd(-1)
{
	if (::mkdir(locksDir.c_str(), 0700) != 0 && errno != EEXIST)
	{
		Poco::File(locksDir).createDirectories();
	}
	_fd = ::open(_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (_fd < 0) throw Poco::FileException("cannot open dependency lock " + _path, errno);
	int rc;
	do rc = ::flock(_fd, LOCK_EX);
	while (rc != 0 && errno == EINTR);
	if (rc != 0)
	{
		int error = errno;
		::close(_fd);
		throw Poco::SystemException("cannot lock " + _path, error);
	}
}

DependencyLock::~DependencyLock()
{
	::close(_fd);
}

std::string DependencyLock::fileName(const std::string& name)
{
	std::string out;
	for (size_t i = 0; i < name.size(); ++i)
	{
		unsigned char c = static_cast<unsigned char>(name[i]);
		bool plain =
			(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || (c == '.' && i > 0);
		if (plain)
		{
			out += static_cast<char>(c);
		}
		else
		{
			char buf[4];
			std::snprintf(buf, sizeof(buf), "%%%02X", c);
			out += buf;
		}
	}
	return out + ".lock";
}

bool DependencyLock::isLocked(const std::string& path)
{
	int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0) return false;
	bool locked = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
	::close(fd);
	return locked;
}

} // namespace Sygen
