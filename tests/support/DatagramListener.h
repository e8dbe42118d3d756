//
// DatagramListener.h
//
// Test support: a Unix datagram socket standing in for journald's native socket
// or systemd's notification socket, and a parser of the journal native protocol.
// Header-only so that any test executable can use it without a CMake change.
//

#ifndef Sygen_DatagramListener_INCLUDED
#define Sygen_DatagramListener_INCLUDED

#include <Poco/Exception.h>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

namespace Sygen {
namespace Test {

class DatagramListener
/// Binds a SOCK_DGRAM socket to a path, or to an abstract name given with a
/// leading '@', and receives what is sent to it. A datagram carrying a file
/// descriptor (SCM_RIGHTS, journald's memfd method) yields that file's content.
{
public:
	explicit DatagramListener(const std::string& address):
		_address(address),
		_fd(-1),
		_lastWasMemfd(false)
	{
		sockaddr_un addr;
		std::memset(&addr, 0, sizeof(addr));
		addr.sun_family = AF_UNIX;
		if (address.empty() || address.size() >= sizeof(addr.sun_path)) throw Poco::InvalidArgumentException("bad socket address", address);
		std::memcpy(addr.sun_path, address.data(), address.size());
		socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size());
		if (address[0] == '@') addr.sun_path[0] = '\0';
		else len += 1;
		_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (_fd < 0) throw Poco::IOException("socket", std::strerror(errno));
		if (::bind(_fd, reinterpret_cast<sockaddr*>(&addr), len) != 0)
		{
			int err = errno;
			::close(_fd);
			throw Poco::IOException("bind " + address, std::strerror(err));
		}
	}

	~DatagramListener()
	{
		if (_fd >= 0) ::close(_fd);
		if (!_address.empty() && _address[0] != '@') ::unlink(_address.c_str());
	}

	DatagramListener(const DatagramListener&) = delete;
	DatagramListener& operator=(const DatagramListener&) = delete;

	bool receive(std::string& payload, int timeoutMs = 2000)
	/// Waits up to timeoutMs for one datagram. Returns false on timeout.
	{
		pollfd pfd{_fd, POLLIN, 0};
		if (::poll(&pfd, 1, timeoutMs) <= 0) return false;
		std::vector<char> buffer(4 * 1024 * 1024);
		iovec iov{buffer.data(), buffer.size()};
		union
		{
			cmsghdr header;
			char bytes[CMSG_SPACE(sizeof(int) * 4)];
		} control;
		msghdr mh;
		std::memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = control.bytes;
		mh.msg_controllen = sizeof(control.bytes);
		ssize_t n = ::recvmsg(_fd, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0) throw Poco::IOException("recvmsg", std::strerror(errno));
		if (mh.msg_flags & MSG_TRUNC) throw Poco::IOException("datagram truncated");
		_lastWasMemfd = false;
		for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		{
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			{
				int fd;
				std::memcpy(&fd, CMSG_DATA(c), sizeof(int));
				payload = readAll(fd);
				::close(fd);
				_lastWasMemfd = true;
				return true;
			}
		}
		payload.assign(buffer.data(), static_cast<std::size_t>(n));
		return true;
	}

	bool lastWasMemfd() const
	/// True when the last datagram passed a file descriptor.
	{
		return _lastWasMemfd;
	}

	const std::string& address() const { return _address; }

private:
	static std::string readAll(int fd)
	{
		std::string data;
		char chunk[65536];
		::lseek(fd, 0, SEEK_SET);
		for (;;)
		{
			ssize_t n = ::read(fd, chunk, sizeof(chunk));
			if (n < 0 && errno == EINTR) continue;
			if (n <= 0) break;
			data.append(chunk, static_cast<std::size_t>(n));
		}
		return data;
	}

	std::string _address;
	int _fd;
	bool _lastWasMemfd;
};

inline std::multimap<std::string, std::string> parseJournalEntry(const std::string& data)
/// Parses journald's native protocol: NAME=value\n, or NAME\n + 64-bit
/// little-endian length + value + \n. Throws Poco::DataFormatException when
/// the data does not follow it.
{
	std::multimap<std::string, std::string> fields;
	std::size_t pos = 0;
	while (pos < data.size())
	{
		std::size_t end = data.find_first_of("=\n", pos);
		if (end == std::string::npos) throw Poco::DataFormatException("unterminated field name");
		std::string name = data.substr(pos, end - pos);
		if (data[end] == '=')
		{
			std::size_t nl = data.find('\n', end + 1);
			if (nl == std::string::npos) throw Poco::DataFormatException("unterminated value of " + name);
			fields.emplace(name, data.substr(end + 1, nl - end - 1));
			pos = nl + 1;
		}
		else
		{
			if (end + 9 > data.size()) throw Poco::DataFormatException("short length of " + name);
			std::uint64_t len = 0;
			for (int i = 0; i < 8; ++i) len |= static_cast<std::uint64_t>(static_cast<unsigned char>(data[end + 1 + i])) << (8 * i);
			std::size_t start = end + 9;
			if (start + len + 1 > data.size() || data[start + len] != '\n') throw Poco::DataFormatException("bad binary value of " + name);
			fields.emplace(name, data.substr(start, len));
			pos = start + len + 1;
		}
	}
	return fields;
}

inline std::string field(const std::multimap<std::string, std::string>& fields, const std::string& name)
/// The value of a field that must occur exactly once; throws otherwise.
{
	if (fields.count(name) != 1)
		throw Poco::NotFoundException("field " + name + " occurs " + std::to_string(fields.count(name)) + " times");
	return fields.find(name)->second;
}

class StderrCapture
/// Points fd 2 at a file for as long as it lives, and gives back what was
/// written. Used to test what goes to standard error.
{
public:
	explicit StderrCapture(const std::string& path):
		_path(path)
	{
		_saved = ::dup(STDERR_FILENO);
		int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (_saved < 0 || fd < 0) throw Poco::IOException("cannot capture stderr");
		::dup2(fd, STDERR_FILENO);
		::close(fd);
	}

	~StderrCapture() { restore(); }

	void restore()
	{
		if (_saved < 0) return;
		::dup2(_saved, STDERR_FILENO);
		::close(_saved);
		_saved = -1;
	}

	std::string journalStream() const
	/// "device:inode" of the file now on fd 2, as systemd puts into $JOURNAL_STREAM.
	{
		struct stat st;
		if (::fstat(STDERR_FILENO, &st) != 0) return std::string();
		return std::to_string(static_cast<unsigned long long>(st.st_dev)) + ":" +
			std::to_string(static_cast<unsigned long long>(st.st_ino));
	}

	std::string text() const
	{
		int fd = ::open(_path.c_str(), O_RDONLY | O_CLOEXEC);
		if (fd < 0) return std::string();
		std::string data;
		char chunk[4096];
		ssize_t n;
		while ((n = ::read(fd, chunk, sizeof(chunk))) > 0) data.append(chunk, static_cast<std::size_t>(n));
		::close(fd);
		return data;
	}

private:
	std::string _path;
	int _saved;
};

}
} // namespace Sygen::Test

#endif // Sygen_DatagramListener_INCLUDED
