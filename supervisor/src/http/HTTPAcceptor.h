//
// HTTPAcceptor.h
//
// The front stage of the HTTP server: accepts connections and keeps idle and
// slow clients off the thread pool.
//

#ifndef Sygen_HTTPAcceptor_INCLUDED
#define Sygen_HTTPAcceptor_INCLUDED

#include <Poco/AutoPtr.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/TCPServerDispatcher.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace Sygen {

class HTTPAcceptor
/// Replaces the accept loop of Poco's HTTPServer. Poco gives a pool thread to
/// each connection from accept to close, so idle and slow clients (slowloris,
/// thousands of idle sockets) would take every thread and stall /health.
///
/// The gate's own thread accepts connections and holds them in an epoll set
/// until the request head is complete, which it learns by peeking (MSG_PEEK
/// consumes nothing, so Poco's HTTPServerSession then parses the request as
/// usual; see RequestHead). Only then is the connection queued to a
/// Poco::Net::TCPServerDispatcher on the thread pool. The gate answers and
/// closes by itself:
///
///     head longer than headLimit                       431 request_header_too_large
///     not an HTTP request head (method, control bytes) 400 bad_request
///     head incomplete headTimeout after accept         408 request_timeout
///     maxConnections held, or the pool's queue full    503 server_busy + Retry-After
///
/// A complete head whose body is not all here yet (larger than the gate awaits,
/// or chunked) would hold a pool thread while the body trickles in. Such
/// hand-offs are rationed: at most bodySlots at once, bodySlotsPerClient per
/// client address; the others wait in the gate (holding no thread) for a slot
/// or for their body to arrive, within the head timeout (408). So clients that
/// announce large bodies and send nothing cannot take the pool from /health.
///
/// After a keep-alive response the pool thread waits keepAliveGrace for the
/// next complete request head (a busy client sends it at once; the round trip
/// through the gate would cost two thirds of the keep-alive throughput), then
/// gives the connection back (resume()): an idle keep-alive client costs a
/// descriptor, never a thread; it is closed silently after keepAliveTimeout.
/// Answers from the gate are followed by a lingering close (write side shut,
/// input drained for lingerTime) so the client reads the answer instead of a reset.
///
/// Thread safety: start() and stop() from one thread; resume() and stats()
/// from any thread.
{
public:
	struct Options
	{
		std::size_t maxConnections = 10000;                     ///< Connections held by the gate at once (not counting the pool's).
		std::size_t headLimit = 16384;                          ///< Request line + headers, bytes.
		std::size_t handOffLimit = 32768;                       ///< Wait for a body announced by Content-Length when head + body fit.
		Poco::Timespan headTimeout = Poco::Timespan(10, 0);     ///< From accept (or the first byte after keep-alive) to a complete head.
		Poco::Timespan keepAliveTimeout = Poco::Timespan(5, 0); ///< Idle time of a kept-alive connection before it is closed.
		Poco::Timespan lingerTime = Poco::Timespan(2, 0);       ///< How long a gate answer waits for the client to close.
		Poco::Timespan keepAliveGrace =
			Poco::Timespan(0, 50000); ///< How long a pool thread waits for a busy client's next request before giving the connection back.
		std::size_t bodySlots = 16;   ///< Pool threads that may wait for request bodies at once.
		std::size_t bodySlotsPerClient = 2; ///< Of those, per client address.
	};

	struct Stats
	{
		std::size_t held = 0;      ///< Connections waiting in the gate now.
		std::size_t handedOff = 0; ///< Connections given to the pool (each request after keep-alive counts).
		std::size_t timedOut = 0;  ///< 408 answers.
		std::size_t rejected = 0;  ///< 400 and 431 answers.
		std::size_t busy = 0;      ///< 503 answers.
	};

	HTTPAcceptor(const Poco::Net::ServerSocket& socket, Poco::Net::HTTPRequestHandlerFactory::Ptr factory, Poco::ThreadPool& threads,
		Poco::Net::HTTPServerParams::Ptr params, const Options& options);
	/// The listening socket must be bound and listening. params configures the
	/// pool side (timeouts, keep-alive, maxThreads, maxQueued) as for HTTPServer.

	~HTTPAcceptor();
	/// Stops the gate if it still runs.

	void start();
	/// Starts the gate's thread. Throws Poco::SystemException when epoll cannot be set up.

	void stop();
	/// Stops accepting, closes the connections the gate holds and the listening
	/// socket, stops the dispatcher and waits until running requests finish.

	void resume(const Poco::Net::StreamSocket& socket);
	/// Gives a kept-alive connection back to the gate after a response. After
	/// stop() the connection is closed instead.

	void closeGracefully(const Poco::Net::StreamSocket& socket);
	/// Gives a connection back for a lingering close after a final response
	/// (the client may still be sending a body nobody reads). After stop() the
	/// connection is closed at once.

	void releaseBodySlot(int fd);
	/// The pool is done with a connection (by its descriptor, still open): a
	/// body slot it held is free again. Any thread.

	Stats stats() const;

	const Options& options() const;

private:
	enum class Phase
	{
		FRESH, ///< Accepted; the head must be complete by the deadline.
		IDLE,  ///< Kept alive after a response, no byte of the next request yet.
		LINGER ///< Answered by the gate; draining until the client closes or the deadline.
	};

	struct Held
	{
		Poco::Net::StreamSocket socket;
		Phase phase = Phase::FRESH;
		Poco::Timestamp deadline;
	};

	void run();
	void acceptAll();
	void acceptOverflow();
	void onReadable(int fd, bool peerClosed);
	void expire();
	void adoptResumed();
	void giveBack(const Poco::Net::StreamSocket& socket, bool linger);
	void hold(const Poco::Net::StreamSocket& socket, Phase phase, Poco::Timestamp deadline);
	bool handOff(int fd);
	bool takeBodySlot(int fd, Held& held);
	void retryWaiting();
	void answer(int fd, int status, const std::string& reason, const std::string& error, int retryAfter = 0);
	void release(int fd);
	static void sendNow(int fd, const std::string& bytes);
	void wake();

	Poco::Net::ServerSocket _socket;
	Poco::Net::HTTPServerParams::Ptr _params;
	Poco::ThreadPool& _threads;
	Options _options;
	Poco::AutoPtr<Poco::Net::TCPServerDispatcher> _dispatcher;

	int _epoll = -1;
	int _wakeFd = -1;
	int _spareFd = -1;
	std::thread _thread;
	std::atomic<bool> _stopping{false};
	bool _started = false;
	bool _stopped = false;

	// Touched by the gate thread only.
	std::unordered_map<int, Held> _held;
	std::vector<char> _buffer;
	Poco::Timestamp _lastSweep;

	mutable std::mutex _mutex;
	std::vector<std::pair<Poco::Net::StreamSocket, bool>> _resumed; ///< Sockets back from the pool, true: to linger. Guarded by _mutex.
	Stats _stats;                                                   ///< Guarded by _mutex.
	std::unordered_map<int, std::string> _slotHolders;              ///< fd -> client address. Guarded by _mutex.
	std::unordered_map<std::string, std::size_t> _slotsByClient;    ///< Guarded by _mutex.
	std::vector<int> _waitingForSlot;                               ///< Gate thread only.
};

} // namespace Sygen

#endif // Sygen_HTTPAcceptor_INCLUDED
