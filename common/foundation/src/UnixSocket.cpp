//
// UnixSocket.cpp
//

#include "Sygen/Foundation/UnixSocket.h"
#include <Poco/Exception.h>
#include <Poco/Timestamp.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace Sygen {

POCO_IMPLEMENT_EXCEPTION(ConnectionRefusedException, Poco::IOException, "Connection refused")

namespace {

sockaddr_un makeAddress(const std::string& path)
{
	sockaddr_un addr;
	std::memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	if (path.empty() || path.size() >= sizeof(addr.sun_path))
		throw Poco::InvalidArgumentException(
			"Unix socket path must be 1 to " + std::to_string(sizeof(addr.sun_path) - 1) + " bytes long", path);
	std::memcpy(addr.sun_path, path.data(), path.size());
	return addr;
}

int newSocket()
{
	int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) throw Poco::IOException("socket(AF_UNIX)", std::strerror(errno), errno);
	return fd;
}

[[noreturn]] void throwErrno(const std::string& what, const std::string& path, int err)
{
	throw Poco::IOException(what + " " + path, std::strerror(err), err);
}

bool someoneListens(const std::string& path)
{
	sockaddr_un addr = makeAddress(path);
	UnixSocket probe(newSocket());
	return ::connect(probe.fd(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
}

} // namespace

UnixSocket::UnixSocket():
	_fd(-1)
{
}

UnixSocket::UnixSocket(int fd):
	_fd(fd)
{
}

UnixSocket::~UnixSocket()
{
	close();
}

UnixSocket::UnixSocket(UnixSocket&& other) noexcept:
	_fd(other._fd),
	_shutdown(other._shutdown.load())
{
	other._fd = -1;
}

UnixSocket& UnixSocket::operator=(UnixSocket&& other) noexcept
{
	if (this != &other)
	{
		close();
		_fd = other._fd;
		_shutdown = other._shutdown.load();
		other._fd = -1;
	}
	return *this;
}

UnixSocket UnixSocket::listen(const std::string& path, int backlog)
{
	sockaddr_un addr = makeAddress(path);

	struct stat st;
	if (::lstat(path.c_str(), &st) == 0)
	{
		// Only ever remove a socket file, and only one nobody answers on: a second
		// supervisor must not steal a live one's socket, and a typo in the config
		// must not delete a regular file.
		if (!S_ISSOCK(st.st_mode)) throw Poco::FileExistsException("not a socket", path);
		if (someoneListens(path)) throw Poco::FileExistsException("another process listens on", path);
		if (::unlink(path.c_str()) != 0 && errno != ENOENT) throwErrno("cannot remove stale socket", path, errno);
	}

	UnixSocket sock(newSocket());
	// bind() creates the file with the process umask applied; 077 makes it 0600
	// from the start instead of briefly world-connectable until the chmod below.
	mode_t old = ::umask(077);
	int rc = ::bind(sock._fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
	int err = errno;
	::umask(old);
	if (rc != 0) throwErrno("cannot bind", path, err);
	if (::chmod(path.c_str(), 0600) != 0) throwErrno("cannot chmod 0600", path, errno);
	if (::listen(sock._fd, backlog) != 0) throwErrno("cannot listen on", path, errno);
	return sock;
}

UnixSocket UnixSocket::connect(const std::string& path)
{
	sockaddr_un addr = makeAddress(path);
	UnixSocket sock(newSocket());
	int rc;
	do
	{
		rc = ::connect(sock._fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
	} while (rc != 0 && errno == EINTR);
	if (rc != 0)
	{
		int err = errno;
		if (err == ECONNREFUSED) throw ConnectionRefusedException(path);
		if (err == ENOENT) throw Poco::FileNotFoundException(path);
		throwErrno("cannot connect to", path, err);
	}
	return sock;
}

void UnixSocket::pair(UnixSocket& first, UnixSocket& second)
{
	int fds[2];
	if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) throw Poco::IOException("socketpair", std::strerror(errno), errno);
	first = UnixSocket(fds[0]);
	second = UnixSocket(fds[1]);
}

UnixSocket UnixSocket::accept(Poco::Timespan timeout)
{
	if (_fd < 0 || _shutdown) return UnixSocket();
	if (!waitReadable(_fd, timeout) || _shutdown) return UnixSocket();
	int fd = ::accept4(_fd, nullptr, nullptr, SOCK_CLOEXEC);
	if (fd < 0)
	{
		int err = errno;
		// The connection may have been reset between poll and accept; shutdown()
		// on a listening socket makes accept fail with EINVAL.
		if (err == EINTR || err == EAGAIN || err == ECONNABORTED || _shutdown) return UnixSocket();
		throw Poco::IOException("accept", std::strerror(err), err);
	}
	return UnixSocket(fd);
}

PeerCredentials UnixSocket::peerCredentials() const
{
	ucred cred;
	socklen_t len = sizeof(cred);
	if (::getsockopt(_fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		throw Poco::IOException("getsockopt(SO_PEERCRED)", std::strerror(errno), errno);
	PeerCredentials result;
	result.pid = cred.pid;
	result.uid = cred.uid;
	result.gid = cred.gid;
	return result;
}

bool UnixSocket::peerIsTrusted() const
{
	uid_t uid = peerCredentials().uid;
	return uid == ::geteuid() || uid == 0;
}

bool UnixSocket::valid() const
{
	return _fd >= 0;
}

int UnixSocket::fd() const
{
	return _fd;
}

int UnixSocket::release()
{
	int fd = _fd;
	_fd = -1;
	return fd;
}

void UnixSocket::shutdown()
{
	_shutdown = true;
	if (_fd >= 0) ::shutdown(_fd, SHUT_RDWR);
}

void UnixSocket::close()
{
	if (_fd >= 0)
	{
		::close(_fd);
		_fd = -1;
	}
}

bool UnixSocket::waitReadable(int fd, Poco::Timespan timeout)
{
	Poco::Timestamp start;
	for (;;)
	{
		int ms = -1;
		if (timeout >= 0)
		{
			Poco::Timespan left = timeout - Poco::Timespan(start.elapsed());
			ms = left > 0 ? static_cast<int>((left.totalMicroseconds() + 999) / 1000) : 0;
		}
		pollfd p;
		p.fd = fd;
		p.events = POLLIN;
		p.revents = 0;
		int rc = ::poll(&p, 1, ms);
		if (rc > 0) return true;
		if (rc == 0) return false;
		if (errno != EINTR) throw Poco::IOException("poll", std::strerror(errno), errno);
	}
}

} // namespace Sygen
