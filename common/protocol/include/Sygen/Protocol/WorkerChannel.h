//
// WorkerChannel.h
//
// Library: Sygen/Protocol
//
// Frames (FrameCodec) over one connected Unix socket: the supervisor ↔ worker
// link and an admin API connection.
//

#ifndef Sygen_Protocol_WorkerChannel_INCLUDED
#define Sygen_Protocol_WorkerChannel_INCLUDED

#include "Sygen/Foundation/UnixSocket.h"
#include "Sygen/Protocol/FrameCodec.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/Timespan.h>
#include <atomic>
#include <mutex>

namespace Sygen {

POCO_DECLARE_EXCEPTION(, ChannelClosedException, Poco::IOException)
/// The peer closed the connection (or it was shut down locally). When the peer
/// closed in the middle of a frame, the message says "truncated frame".

class WorkerChannel
/// Blocking send and receive of JSON object frames.
///
/// Thread safety: send() may be called from any number of threads (frames are
/// never interleaved); receive() from one thread at a time; close() from any
/// thread wakes a blocked receive(), which then throws ChannelClosedException.
{
public:
	static constexpr int DEFAULT_SEND_TIMEOUT_SECONDS = 10;

	explicit WorkerChannel(UnixSocket socket, std::size_t maxFrameSize = FrameCodec::DEFAULT_MAX_FRAME_SIZE);
	/// Takes the connected socket. Sends time out after
	/// DEFAULT_SEND_TIMEOUT_SECONDS so that a peer which stopped reading cannot
	/// block a sender forever.

	~WorkerChannel();

	WorkerChannel(const WorkerChannel&) = delete;
	WorkerChannel& operator=(const WorkerChannel&) = delete;

	void send(const Poco::JSON::Object& frame);
	/// Sends one frame. Throws FrameTooLargeException, ChannelClosedException when
	/// the peer is gone (EPIPE, ECONNRESET), Poco::TimeoutException when the
	/// peer did not read for the send timeout, Poco::IOException otherwise.

	Poco::JSON::Object::Ptr receive(Poco::Timespan timeout = Poco::Timespan(-1));
	/// Returns the next frame, or null when none arrived within timeout
	/// (negative: wait forever). Throws ChannelClosedException at end of stream,
	/// FrameException for a garbage frame (the channel stays usable),
	/// FrameTooLargeException for an oversized one (close the channel).

	void setSendTimeout(Poco::Timespan timeout);

	PeerCredentials peerCredentials() const;

	void close();
	/// Shuts the socket down; pending and later calls fail with
	/// ChannelClosedException. The descriptor is released by the destructor.

	bool closed() const;

private:
	UnixSocket _socket;
	FrameCodec _encoder;
	FrameCodec _decoder;
	std::mutex _sendMutex;
	std::atomic<bool> _closed{false};
};

} // namespace Sygen

#endif // Sygen_Protocol_WorkerChannel_INCLUDED
