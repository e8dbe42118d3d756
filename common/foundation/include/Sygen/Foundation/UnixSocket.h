//
// UnixSocket.h
//
// Library: Sygen/Foundation
//
// AF_UNIX stream sockets as the worker and admin channels use them: a listening
// socket file with mode 0600, stale files from a crashed run replaced, and the
// connecting peer's credentials (SO_PEERCRED).
//

#ifndef Sygen_Foundation_UnixSocket_INCLUDED
#define Sygen_Foundation_UnixSocket_INCLUDED

#include <Poco/Exception.h>
#include <Poco/Timespan.h>
#include <atomic>
#include <string>
#include <sys/types.h>

namespace Sygen {

POCO_DECLARE_EXCEPTION(, ConnectionRefusedException, Poco::IOException)
/// Nobody listens on the socket file. Ours rather than Poco::Net's, so that the
/// programs using Unix sockets need not load libPocoNet (the worker's memory,
/// docs/DECISIONS.md); its displayText() reads the same, "Connection refused: <path>".

struct PeerCredentials
/// Who is at the other end of a connected Unix socket, as the kernel saw it
/// when the peer called connect() or listen().
{
	pid_t pid = 0;
	uid_t uid = 0;
	gid_t gid = 0;
};

class UnixSocket
/// Owns one AF_UNIX SOCK_STREAM descriptor (close-on-exec). Move-only.
///
/// Raw POSIX sockets rather than Poco::Net::StreamSocket: Poco 1.11 has
/// UNIX_LOCAL addresses but no SO_PEERCRED, no way to set the socket file's mode
/// before other users can reach it, and no stale-file handling.
///
/// A UnixSocket object is not thread-safe, except that shutdown() may be called
/// from another thread to wake a thread blocked in accept(), poll or read.
{
public:
	UnixSocket();
	/// An invalid (closed) socket.

	explicit UnixSocket(int fd);
	/// Takes ownership of fd.

	~UnixSocket();

	UnixSocket(UnixSocket&& other) noexcept;
	UnixSocket& operator=(UnixSocket&& other) noexcept;
	UnixSocket(const UnixSocket&) = delete;
	UnixSocket& operator=(const UnixSocket&) = delete;

	static UnixSocket listen(const std::string& path, int backlog = 64);
	/// Creates a listening socket bound to path with mode 0600 (bound under a 077
	/// umask, so there is no moment where others can connect).
	/// An existing socket file that nobody listens on is removed first.
	/// Throws Poco::FileExistsException when a live server listens on path or
	/// path exists and is not a socket, Poco::InvalidArgumentException when
	/// path is too long for sockaddr_un, Poco::IOException otherwise.

	static UnixSocket connect(const std::string& path);
	/// Connects to path. Throws ConnectionRefusedException when
	/// nobody listens, Poco::FileNotFoundException when path does not exist,
	/// Poco::InvalidArgumentException for a too long path, Poco::IOException otherwise.

	static void pair(UnixSocket& first, UnixSocket& second);
	/// socketpair(): two connected sockets. Throws Poco::IOException.

	UnixSocket accept(Poco::Timespan timeout);
	/// Waits up to timeout (negative: forever) for a connection on a listening
	/// socket. Returns an invalid socket on timeout or once shutdown() was called.
	/// Throws Poco::IOException on other errors.

	PeerCredentials peerCredentials() const;
	/// SO_PEERCRED of a connected socket. Throws Poco::IOException.

	bool peerIsTrusted() const;
	/// True when the peer runs as our effective uid or as root.

	bool valid() const;
	int fd() const;

	int release();
	/// Gives up ownership and returns the descriptor.

	void shutdown();
	/// shutdown(SHUT_RDWR): wakes blocked readers of this socket (they see end
	/// of stream). For a listening socket, accept() returns invalid. Thread-safe.

	void close();

	static bool waitReadable(int fd, Poco::Timespan timeout);
	/// poll() for input (or hang-up/error) up to timeout (negative: forever);
	/// EINTR is retried with the remaining time. Throws Poco::IOException.

private:
	int _fd;
	std::atomic<bool> _shutdown{false};
};

} // namespace Sygen

#endif // Sygen_Foundation_UnixSocket_INCLUDED
