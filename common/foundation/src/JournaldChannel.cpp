//
// JournaldChannel.cpp
//

#include "Sygen/Foundation/JournaldChannel.h"
#include "Sygen/Foundation/LogFields.h"
#include "Sygen/Foundation/StderrChannel.h"
#include <Poco/Exception.h>
#include <Poco/Path.h>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

namespace Sygen {

const std::string JournaldChannel::PROP_IDENTIFIER("identifier");
const std::string JournaldChannel::PROP_SOCKET("socket");
const std::string JournaldChannel::DEFAULT_SOCKET("/run/systemd/journal/socket");
const std::size_t JournaldChannel::MAX_FIELD_SIZE = 1024 * 1024;

namespace {

bool socketAddress(const std::string& path, sockaddr_un& addr, socklen_t& len)
{
	std::memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	if (path.empty() || path.size() >= sizeof(addr.sun_path)) return false;
	std::memcpy(addr.sun_path, path.data(), path.size());
	len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
	return true;
}

} // namespace

JournaldChannel::JournaldChannel():
	JournaldChannel(std::string())
{
}

JournaldChannel::JournaldChannel(const std::string& identifier, const std::string& socketPath):
	_identifier(identifier),
	_socketPath(socketPath),
	_fd(-1)
{
}

JournaldChannel::~JournaldChannel()
{
	if (_fd >= 0) ::close(_fd);
}

void JournaldChannel::open()
{
	Poco::FastMutex::ScopedLock lock(_mutex);
	openLocked();
}

void JournaldChannel::openLocked()
{
	if (_fd >= 0) return;
	int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) throw Poco::IOException("cannot create journal socket", std::strerror(errno));
	// As libsystemd does: a large send buffer lets big entries go out as one
	// datagram. The kernel caps it at net.core.wmem_max; larger entries use a memfd.
	int size = 8 * 1024 * 1024;
	::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	_fd = fd;
}

void JournaldChannel::close()
{
	Poco::FastMutex::ScopedLock lock(_mutex);
	if (_fd >= 0) ::close(_fd);
	_fd = -1;
}

void JournaldChannel::log(const Poco::Message& msg)
{
	const std::string entry = encode(msg, _identifier);
	bool sent = false;
	{
		Poco::FastMutex::ScopedLock lock(_mutex);
		try
		{
			openLocked();
			sent = send(entry);
		}
		catch (Poco::Exception&)
		{
			sent = false;
		}
	}
	if (!sent)
	{
		// journald is not there (or refused the entry): the line must not be lost,
		// and under systemd stderr is the journal's stream anyway.
		Poco::AutoPtr<StderrChannel> fallback(new StderrChannel(_identifier));
		fallback->log(msg);
	}
}

bool JournaldChannel::send(const std::string& entry)
{
	sockaddr_un addr;
	socklen_t addrLen = 0;
	if (!socketAddress(_socketPath, addr, addrLen)) return false;

	iovec iov;
	iov.iov_base = const_cast<char*>(entry.data());
	iov.iov_len = entry.size();
	msghdr mh;
	std::memset(&mh, 0, sizeof(mh));
	mh.msg_name = &addr;
	mh.msg_namelen = addrLen;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	for (;;)
	{
		if (::sendmsg(_fd, &mh, MSG_NOSIGNAL) >= 0) return true;
		if (errno == EINTR) continue;
		if (errno == EMSGSIZE || errno == ENOBUFS) return sendMemfd(entry);
		return false;
	}
}

bool JournaldChannel::sendMemfd(const std::string& entry)
{
	int mfd = ::memfd_create("journal-entry", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0) return false;
	const char* p = entry.data();
	std::size_t left = entry.size();
	while (left > 0)
	{
		ssize_t n = ::write(mfd, p, left);
		if (n < 0 && errno == EINTR) continue;
		if (n <= 0)
		{
			::close(mfd);
			return false;
		}
		p += n;
		left -= static_cast<std::size_t>(n);
	}
	// journald accepts a passed memfd only when it is sealed against changes.
	if (::fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
	{
		::close(mfd);
		return false;
	}

	sockaddr_un addr;
	socklen_t addrLen = 0;
	socketAddress(_socketPath, addr, addrLen);
	union
	{
		cmsghdr header;
		char buffer[CMSG_SPACE(sizeof(int))];
	} control;
	std::memset(&control, 0, sizeof(control));
	msghdr mh;
	std::memset(&mh, 0, sizeof(mh));
	mh.msg_name = &addr;
	mh.msg_namelen = addrLen;
	mh.msg_control = control.buffer;
	mh.msg_controllen = sizeof(control.buffer);
	cmsghdr* cmsg = CMSG_FIRSTHDR(&mh);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	std::memcpy(CMSG_DATA(cmsg), &mfd, sizeof(int));
	ssize_t rc;
	do
	{
		rc = ::sendmsg(_fd, &mh, MSG_NOSIGNAL);
	} while (rc < 0 && errno == EINTR);
	::close(mfd);
	return rc >= 0;
}

void JournaldChannel::setProperty(const std::string& name, const std::string& value)
{
	if (name == PROP_IDENTIFIER)
	{
		_identifier = value;
	}
	else if (name == PROP_SOCKET)
	{
		Poco::FastMutex::ScopedLock lock(_mutex);
		_socketPath = value;
	}
	else
	{
		Channel::setProperty(name, value);
	}
}

std::string JournaldChannel::getProperty(const std::string& name) const
{
	if (name == PROP_IDENTIFIER) return _identifier;
	if (name == PROP_SOCKET) return _socketPath;
	return Channel::getProperty(name);
}

std::string JournaldChannel::encode(const Poco::Message& msg, const std::string& identifier)
{
	std::string entry;
	entry.reserve(msg.getText().size() + 256);
	appendField(entry, "PRIORITY", std::to_string(priorityOf(msg.getPriority())));
	if (!identifier.empty()) appendField(entry, "SYSLOG_IDENTIFIER", identifier);
	appendField(entry, "MESSAGE", msg.getText());
	for (const std::string& name: LogFields::names())
	{
		if (msg.has(name)) appendField(entry, LogFields::journalName(name), msg.get(name));
	}
	if (msg.getSourceFile())
	{
		appendField(entry, "CODE_FILE", Poco::Path(msg.getSourceFile()).getFileName());
		if (msg.getSourceLine() > 0) appendField(entry, "CODE_LINE", std::to_string(msg.getSourceLine()));
	}
	if (!msg.getSource().empty()) appendField(entry, "LOGGER", msg.getSource());
	// Poco's thread id is its own counter, not the kernel's TID: send the name.
	if (!msg.getThread().empty()) appendField(entry, "THREAD", msg.getThread());
	return entry;
}

void JournaldChannel::appendField(std::string& entry, const std::string& name, const std::string& value)
{
	std::string cut;
	const std::string* v = &value;
	if (value.size() > MAX_FIELD_SIZE)
	{
		const std::string note = "... [" + std::to_string(value.size() - MAX_FIELD_SIZE) + " bytes cut]";
		cut = value.substr(0, MAX_FIELD_SIZE - note.size()) + note;
		v = &cut;
	}
	entry += name;
	if (v->find('\n') == std::string::npos)
	{
		entry += '=';
		entry += *v;
	}
	else
	{
		entry += '\n';
		std::uint64_t len = v->size();
		for (int i = 0; i < 8; ++i) entry += static_cast<char>((len >> (8 * i)) & 0xff);
		entry += *v;
	}
	entry += '\n';
}

int JournaldChannel::priorityOf(Poco::Message::Priority prio)
{
	switch (prio)
	{
	case Poco::Message::PRIO_FATAL: return LOG_ALERT;
	case Poco::Message::PRIO_CRITICAL: return LOG_CRIT;
	case Poco::Message::PRIO_ERROR: return LOG_ERR;
	case Poco::Message::PRIO_WARNING: return LOG_WARNING;
	case Poco::Message::PRIO_NOTICE: return LOG_NOTICE;
	case Poco::Message::PRIO_INFORMATION: return LOG_INFO;
	case Poco::Message::PRIO_DEBUG:
	case Poco::Message::PRIO_TRACE: return LOG_DEBUG;
	}
	return LOG_INFO;
}

} // namespace Sygen
