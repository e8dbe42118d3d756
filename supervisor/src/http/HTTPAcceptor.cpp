//
// HTTPAcceptor.cpp
//

#include "http/HTTPAcceptor.h"
#include "http/HTTPConnectionFactory.h"
#include "http/RequestHead.h"
#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/Net/StreamSocketImpl.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Sygen {

namespace {

Poco::Logger& logger()
{
	return Poco::Logger::get("Sygen.HTTPAcceptor");
}

// How often deadlines are checked: the granularity of 408s and idle closes.
const int SWEEP_MILLISECONDS = 100;
// Connections accepted per wake-up before the other events get a turn.
const int ACCEPT_BATCH = 256;
// Sent with 503: a client should come back soon, the overload is momentary.
const int BUSY_RETRY_SECONDS = 1;

// The gate's own answers: JSON like every other error of the API (SPEC §8).
std::string replyText(int status, const std::string& reason, const std::string& error, int retryAfter)
{
	std::string body = "{\"error\": \"" + error + "\"}";
	std::string reply = "HTTP/1.1 " + std::to_string(status) + " " + reason +
		"\r\n"
		"Content-Type: application/json; charset=utf-8\r\n"
		"Content-Length: " +
		std::to_string(body.size()) + "\r\n";
	if (retryAfter > 0) reply += "Retry-After: " + std::to_string(retryAfter) + "\r\n";
	return reply + "Connection: close\r\n\r\n" + body;
}

} // namespace

HTTPAcceptor::HTTPAcceptor(const Poco::Net::ServerSocket& socket, Poco::Net::HTTPRequestHandlerFactory::Ptr factory,
	Poco::ThreadPool& threads, Poco::Net::HTTPServerParams::Ptr params, const Options& options):
	_socket(socket),
	_params(params),
	_threads(threads),
	_options(options)
{
	Poco::Net::TCPServerConnectionFactory::Ptr connections = new HTTPConnectionFactory(*this, params, factory);
	_dispatcher = new Poco::Net::TCPServerDispatcher(connections, threads, params);
	std::size_t peek = _options.headLimit > _options.handOffLimit ? _options.headLimit : _options.handOffLimit;
	_buffer.resize(peek + 1);
}

HTTPAcceptor::~HTTPAcceptor()
{
	try
	{
		stop();
	}
	catch (Poco::Exception& exc)
	{
		logger().error("stopping the connection gate: %s", exc.displayText());
	}
}

const HTTPAcceptor::Options& HTTPAcceptor::options() const
{
	return _options;
}

void HTTPAcceptor::start()
{
	if (_started) return;
	_epoll = ::epoll_create1(EPOLL_CLOEXEC);
	if (_epoll < 0) throw Poco::SystemException("epoll_create1", std::strerror(errno));
	_wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (_wakeFd < 0) throw Poco::SystemException("eventfd", std::strerror(errno));
	// Kept for the moment the process runs out of descriptors: closing it frees
	// one to accept and close a connection, so the listening socket does not stay
	// readable and spin the loop.
	_spareFd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
	_socket.setBlocking(false);

	epoll_event event{};
	event.events = EPOLLIN;
	event.data.fd = _socket.impl()->sockfd();
	if (::epoll_ctl(_epoll, EPOLL_CTL_ADD, event.data.fd, &event) < 0) throw Poco::SystemException("epoll_ctl", std::strerror(errno));
	event.data.fd = _wakeFd;
	if (::epoll_ctl(_epoll, EPOLL_CTL_ADD, _wakeFd, &event) < 0) throw Poco::SystemException("epoll_ctl", std::strerror(errno));

	_started = true;
	_thread = std::thread([this]() { run(); });
}

void HTTPAcceptor::stop()
{
	if (!_started || _stopped) return;
	_stopped = true;
	_stopping = true;
	wake();
	_thread.join();
	std::size_t held = _held.size();
	_held.clear(); // closes them: the gate holds the last reference
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_resumed.clear();
		_stats.held = 0;
	}
	_socket.close();
	_dispatcher->stop();
	// Requests already on the pool finish; their connections close instead of resuming.
	_threads.joinAll();
	::close(_epoll);
	::close(_wakeFd);
	if (_spareFd >= 0) ::close(_spareFd);
	Stats s = stats();
	logger().information(
		"connection gate stopped: closed %s waiting connections; %s handed to the pool, %s timed out, %s rejected, %s busy",
		std::to_string(held), std::to_string(s.handedOff), std::to_string(s.timedOut), std::to_string(s.rejected), std::to_string(s.busy));
}

void HTTPAcceptor::resume(const Poco::Net::StreamSocket& socket)
{
	giveBack(socket, false);
}

void HTTPAcceptor::closeGracefully(const Poco::Net::StreamSocket& socket)
{
	giveBack(socket, true);
}

void HTTPAcceptor::giveBack(const Poco::Net::StreamSocket& socket, bool linger)
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_stopping) return; // the caller's copy goes out of scope and closes it
		_resumed.emplace_back(socket, linger);
	}
	wake();
}

HTTPAcceptor::Stats HTTPAcceptor::stats() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _stats;
}

void HTTPAcceptor::wake()
{
	Poco::UInt64 one = 1;
	ssize_t n = ::write(_wakeFd, &one, sizeof(one));
	(void)n; // a full counter (EAGAIN) means a wake-up is pending anyway
}

void HTTPAcceptor::run()
{
	const int listenFd = _socket.impl()->sockfd();
	epoll_event events[256];
	while (!_stopping)
	{
		int n = ::epoll_wait(_epoll, events, 256, SWEEP_MILLISECONDS);
		if (n < 0 && errno != EINTR)
		{
			logger().critical("epoll_wait: %s", std::string(std::strerror(errno)));
			break;
		}
		for (int i = 0; i < n && !_stopping; ++i)
		{
			int fd = events[i].data.fd;
			if (fd == listenFd) acceptAll();
			else if (fd == _wakeFd)
			{
				Poco::UInt64 count;
				ssize_t r = ::read(_wakeFd, &count, sizeof(count));
				(void)r;
				adoptResumed();
				retryWaiting();
			}
			else onReadable(fd, (events[i].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0);
		}
		if (_lastSweep.isElapsed(SWEEP_MILLISECONDS * 1000))
		{
			expire();
			_lastSweep.update();
		}
	}
}

void HTTPAcceptor::acceptAll()
{
	const int listenFd = _socket.impl()->sockfd();
	for (int i = 0; i < ACCEPT_BATCH; ++i)
	{
		// Blocking sockets: Poco's session reads them with its timeouts; the gate
		// itself only ever uses MSG_DONTWAIT on them.
		int fd = ::accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC);
		if (fd < 0)
		{
			if (errno == EINTR || errno == ECONNABORTED) continue;
			if (errno == EMFILE || errno == ENFILE) acceptOverflow();
			else if (errno != EAGAIN && errno != EWOULDBLOCK) logger().error("accept: %s", std::string(std::strerror(errno)));
			return;
		}
		Poco::Net::StreamSocket socket(new Poco::Net::StreamSocketImpl(fd));
		int one = 1;
		::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (_held.size() >= _options.maxConnections)
		{
			sendNow(fd, replyText(503, "Service Unavailable", "server_busy", BUSY_RETRY_SECONDS));
			std::lock_guard<std::mutex> lock(_mutex);
			++_stats.busy;
			continue; // closed as socket goes out of scope: no lingering for a flood
		}
		hold(socket, Phase::FRESH, Poco::Timestamp() + _options.headTimeout.totalMicroseconds());
	}
}

void HTTPAcceptor::acceptOverflow()
{
	logger().warning("out of file descriptors: refusing a connection");
	if (_spareFd < 0) return;
	::close(_spareFd);
	int fd = ::accept4(_socket.impl()->sockfd(), nullptr, nullptr, SOCK_CLOEXEC);
	if (fd >= 0) ::close(fd);
	_spareFd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
	std::lock_guard<std::mutex> lock(_mutex);
	++_stats.busy;
}

void HTTPAcceptor::adoptResumed()
{
	std::vector<std::pair<Poco::Net::StreamSocket, bool>> resumed;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		resumed.swap(_resumed);
	}
	for (const auto& entry: resumed)
	{
		const Poco::Net::StreamSocket& socket = entry.first;
		if (!entry.second)
		{
			hold(socket, Phase::IDLE, Poco::Timestamp() + _options.keepAliveTimeout.totalMicroseconds());
			continue;
		}
		int fd = socket.impl()->sockfd();
		::shutdown(fd, SHUT_WR);
		hold(socket, Phase::LINGER, Poco::Timestamp() + _options.lingerTime.totalMicroseconds());
		onReadable(fd, false);
	}
}

void HTTPAcceptor::hold(const Poco::Net::StreamSocket& socket, Phase phase, Poco::Timestamp deadline)
{
	int fd = socket.impl()->sockfd();
	epoll_event event{};
	// Edge-triggered: peeking leaves the bytes in the socket, so a level-triggered
	// registration would report the same partial head again and again. Every new
	// segment still raises an edge.
	event.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
	event.data.fd = fd;
	if (::epoll_ctl(_epoll, EPOLL_CTL_ADD, fd, &event) < 0)
	{
		logger().error("epoll_ctl: %s", std::string(std::strerror(errno)));
		return;
	}
	Held& held = _held[fd];
	held.socket = socket;
	held.phase = phase;
	held.deadline = deadline;
	std::lock_guard<std::mutex> lock(_mutex);
	_stats.held = _held.size();
}

void HTTPAcceptor::release(int fd)
{
	::epoll_ctl(_epoll, EPOLL_CTL_DEL, fd, nullptr);
	_held.erase(fd);
	std::lock_guard<std::mutex> lock(_mutex);
	_stats.held = _held.size();
}

void HTTPAcceptor::onReadable(int fd, bool peerClosed)
{
	auto it = _held.find(fd);
	if (it == _held.end()) return;
	Held& held = it->second;

	if (held.phase == Phase::LINGER)
	{
		// Drain and discard until the client closes.
		for (;;)
		{
			ssize_t n = ::recv(fd, _buffer.data(), _buffer.size(), MSG_DONTWAIT);
			if (n > 0) continue;
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
			release(fd);
			return;
		}
	}

	ssize_t n = ::recv(fd, _buffer.data(), _buffer.size(), MSG_PEEK | MSG_DONTWAIT);
	if (n < 0)
	{
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
		release(fd);
		return;
	}
	if (n == 0)
	{
		release(fd); // closed before sending a request: nothing to answer
		return;
	}
	if (held.phase == Phase::IDLE)
	{
		// The next request has begun: it gets the same time as a fresh one.
		held.phase = Phase::FRESH;
		held.deadline = Poco::Timestamp() + _options.headTimeout.totalMicroseconds();
	}
	RequestHead::Scan scan = RequestHead::scan(_buffer.data(), static_cast<std::size_t>(n), _options.headLimit, _options.handOffLimit);
	switch (scan.state)
	{
	case RequestHead::READY:
		if (scan.bodyPending && !takeBodySlot(fd, held))
		{
			// Holds no thread here; a freed slot or more bytes bring it back.
			if (std::find(_waitingForSlot.begin(), _waitingForSlot.end(), fd) == _waitingForSlot.end()) _waitingForSlot.push_back(fd);
			return;
		}
		if (!handOff(fd) && scan.bodyPending) releaseBodySlot(fd);
		return;
	case RequestHead::TOO_LARGE: answer(fd, 431, "Request Header Fields Too Large", "request_header_too_large"); return;
	case RequestHead::MALFORMED: answer(fd, 400, "Bad Request", "bad_request"); return;
	case RequestHead::INCOMPLETE:
		if (peerClosed)
		{
			// Half-closed with a partial request: no more bytes can come.
			if (scan.headSize > 0) handOff(fd); // the head is complete; the handler sees the short body
			else answer(fd, 400, "Bad Request", "bad_request");
		}
		return;
	}
}

bool HTTPAcceptor::handOff(int fd)
{
	auto it = _held.find(fd);
	if (it == _held.end()) return false;
	if (_dispatcher->queuedConnections() >= _params->getMaxQueued())
	{
		answer(fd, 503, "Service Unavailable", "server_busy", BUSY_RETRY_SECONDS);
		return false;
	}
	Poco::Net::StreamSocket socket = it->second.socket;
	release(fd);
	_dispatcher->enqueue(socket);
	std::lock_guard<std::mutex> lock(_mutex);
	++_stats.handedOff;
	return true;
}

bool HTTPAcceptor::takeBodySlot(int fd, Held& held)
{
	std::string client;
	try
	{
		client = held.socket.peerAddress().host().toString();
	}
	catch (Poco::Exception&)
	{
	}
	std::lock_guard<std::mutex> lock(_mutex);
	if (_slotHolders.count(fd)) return true;
	std::size_t& mine = _slotsByClient[client];
	if (_slotHolders.size() >= _options.bodySlots || mine >= _options.bodySlotsPerClient)
	{
		if (mine == 0) _slotsByClient.erase(client);
		return false;
	}
	++mine;
	_slotHolders[fd] = client;
	return true;
}

void HTTPAcceptor::releaseBodySlot(int fd)
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		auto it = _slotHolders.find(fd);
		if (it == _slotHolders.end()) return;
		auto client = _slotsByClient.find(it->second);
		if (client != _slotsByClient.end() && --client->second == 0) _slotsByClient.erase(client);
		_slotHolders.erase(it);
		if (_stopping) return;
	}
	wake();
}

void HTTPAcceptor::retryWaiting()
{
	// Oldest first; each either gets its slot now or waits again.
	std::vector<int> waiting;
	waiting.swap(_waitingForSlot);
	for (int fd: waiting)
	{
		auto it = _held.find(fd);
		if (it != _held.end() && it->second.phase == Phase::FRESH) onReadable(fd, false);
	}
}

void HTTPAcceptor::answer(int fd, int status, const std::string& reason, const std::string& error, int retryAfter)
{
	auto it = _held.find(fd);
	if (it == _held.end()) return;
	sendNow(fd, replyText(status, reason, error, retryAfter));
	// Closing with unread input would send a reset that can destroy the answer
	// in flight; shut the write side and drain for a moment instead.
	::shutdown(fd, SHUT_WR);
	it->second.phase = Phase::LINGER;
	it->second.deadline = Poco::Timestamp() + _options.lingerTime.totalMicroseconds();
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (status == 408) ++_stats.timedOut;
		else if (status == 503) ++_stats.busy;
		else ++_stats.rejected;
	}
	logger().debug("answered %d %s and closing", status, error);
	onReadable(fd, false);
}

void HTTPAcceptor::sendNow(int fd, const std::string& bytes)
{
	// Small enough for any socket buffer; a client that does not read cannot block the gate.
	ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
	(void)n;
}

void HTTPAcceptor::expire()
{
	Poco::Timestamp now;
	std::vector<int> due;
	for (const auto& entry: _held)
	{
		if (entry.second.deadline <= now) due.push_back(entry.first);
	}
	for (int fd: due)
	{
		auto it = _held.find(fd);
		if (it == _held.end()) continue;
		if (it->second.phase == Phase::FRESH) answer(fd, 408, "Request Timeout", "request_timeout");
		else release(fd); // idle keep-alive or lingering: a silent close is the normal end
	}
}

} // namespace Sygen
