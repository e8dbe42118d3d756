//
// WorkerChannel.cpp
//

#include "Sygen/Protocol/WorkerChannel.h"
#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace Sygen {

POCO_IMPLEMENT_EXCEPTION(ChannelClosedException, Poco::IOException, "Channel closed")

WorkerChannel::WorkerChannel(UnixSocket socket, std::size_t maxFrameSize):
	_socket(std::move(socket)),
	_encoder(maxFrameSize),
	_decoder(maxFrameSize)
{
	setSendTimeout(Poco::Timespan(DEFAULT_SEND_TIMEOUT_SECONDS, 0));
}

WorkerChannel::~WorkerChannel() {}

void WorkerChannel::setSendTimeout(Poco::Timespan timeout)
{
	timeval tv;
	tv.tv_sec = static_cast<time_t>(timeout.totalSeconds());
	tv.tv_usec = static_cast<suseconds_t>(timeout.useconds());
	if (::setsockopt(_socket.fd(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0)
		throw Poco::IOException("setsockopt(SO_SNDTIMEO)", std::strerror(errno), errno);
}

void WorkerChannel::send(const Poco::JSON::Object& frame)
{
	std::string bytes = _encoder.encode(frame);
	std::lock_guard<std::mutex> lock(_sendMutex);
	if (_closed) throw ChannelClosedException("channel closed");
	std::size_t sent = 0;
	while (sent < bytes.size())
	{
		// MSG_NOSIGNAL: a vanished peer is an error to handle, not a SIGPIPE.
		ssize_t n = ::send(_socket.fd(), bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
		if (n >= 0)
		{
			sent += static_cast<std::size_t>(n);
			continue;
		}
		int err = errno;
		if (err == EINTR) continue;
		if (err == EAGAIN || err == EWOULDBLOCK) throw Poco::TimeoutException("peer does not read; send timed out");
		if (err == EPIPE || err == ECONNRESET || err == ENOTCONN) throw ChannelClosedException("peer closed the connection");
		throw Poco::IOException("send", std::strerror(err), err);
	}
}

Poco::JSON::Object::Ptr WorkerChannel::receive(Poco::Timespan timeout)
{
	Poco::Timestamp start;
	for (;;)
	{
		Poco::JSON::Object::Ptr frame = _decoder.next();
		if (frame) return frame;
		if (_closed) throw ChannelClosedException("channel closed");

		Poco::Timespan wait = timeout;
		if (timeout >= 0)
		{
			wait = timeout - Poco::Timespan(start.elapsed());
			if (wait < 0) wait = 0;
		}
		if (!UnixSocket::waitReadable(_socket.fd(), wait)) return nullptr;

		char buffer[65536];
		ssize_t n = ::recv(_socket.fd(), buffer, sizeof(buffer), 0);
		if (n > 0)
		{
			_decoder.feed(buffer, static_cast<std::size_t>(n));
			continue;
		}
		if (n == 0 || errno == ECONNRESET)
		{
			if (_decoder.hasPartialFrame()) throw ChannelClosedException("peer closed the connection", "truncated frame");
			throw ChannelClosedException("peer closed the connection");
		}
		if (errno == EINTR || errno == EAGAIN) continue;
		throw Poco::IOException("recv", std::strerror(errno), errno);
	}
}

PeerCredentials WorkerChannel::peerCredentials() const
{
	return _socket.peerCredentials();
}

void WorkerChannel::close()
{
	_closed = true;
	_socket.shutdown();
}

bool WorkerChannel::closed() const
{
	return _closed;
}

} // namespace Sygen
