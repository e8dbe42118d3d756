//
// RateLimiter.h
//
// Library: Sygen/supervisor
//
// SPEC §7: the global sliding-window limit and the optional per-client-IP limit.
//

#ifndef Sygen_RateLimiter_INCLUDED
#define Sygen_RateLimiter_INCLUDED

#include <Poco/Timestamp.h>
#include <cstddef>
#include <deque>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace Sygen {

class RateLimiter
/// Sliding windows of WINDOW_SECONDS over the times of accepted requests.
///
/// A request is allowed when both the global window (limit perMinute) and,
/// when perIpPerMinute > 0, its client's window have room. Only an allowed
/// request is recorded, in both windows; a rejected one is not counted anywhere.
/// A timestamp exactly WINDOW_SECONDS old still counts (reference behaviour).
/// perMinute <= 0 rejects every request.
///
/// The per-IP table is bounded by maxClients: when a new client arrives at a full
/// table, clients whose window is empty are dropped first, then the least
/// recently seen one. Memory is thus bounded by maxClients × perIpPerMinute
/// timestamps whatever the number of addresses an attacker uses; the price is
/// that an evicted client starts with an empty window.
///
/// Thread safety: all methods are thread-safe. One mutex guards both windows so
/// that check-and-record is atomic across them; the critical section is O(1)
/// amortised (deques of timestamps, an LRU list).
{
public:
	static constexpr int WINDOW_SECONDS = 60;
	static constexpr std::size_t DEFAULT_MAX_CLIENTS = 10000;

	struct Decision
	{
		bool allowed = true;
		int retryAfterSeconds = 0; ///< When denied: whole seconds (>= 1) until a slot frees.
	};

	RateLimiter(int perMinute, int perIpPerMinute, std::size_t maxClients = DEFAULT_MAX_CLIENTS);
	/// perIpPerMinute <= 0 turns the per-IP limit off. maxClients must be >= 1.

	Decision check(const std::string& clientAddress, Poco::Timestamp now);
	/// Decides on one request from clientAddress (an IP address text; any string
	/// works as a key) arriving at now, and records it when allowed.
	/// When denied, retryAfterSeconds is the ceiling of the time until the oldest
	/// counted timestamp of the full window leaves it (the larger of the two when
	/// both are full), at least 1; with perMinute <= 0 it is WINDOW_SECONDS.

	void setLimits(int perMinute, int perIpPerMinute);
	/// Changes the limits (config reload); recorded timestamps are kept.

	std::size_t clientCount() const;
	/// Number of clients in the per-IP table (for tests and metrics).

private:
	using Window = std::deque<Poco::Timestamp::TimeVal>;

	struct Client
	{
		std::string address;
		Window window;
	};
	using ClientList = std::list<Client>;

	static void expire(Window& window, Poco::Timestamp::TimeVal now);
	static int retryAfter(const Window& window, std::size_t limit, Poco::Timestamp::TimeVal now);
	ClientList::iterator findClient(const std::string& address);
	ClientList::iterator addClient(const std::string& address, Poco::Timestamp::TimeVal now);

	mutable std::mutex _mutex;
	int _perMinute;
	int _perIpPerMinute;
	std::size_t _maxClients;
	Window _global;
	ClientList _clients; ///< Most recently seen first.
	std::unordered_map<std::string, ClientList::iterator> _clientIndex;
};

} // namespace Sygen

#endif // Sygen_RateLimiter_INCLUDED
