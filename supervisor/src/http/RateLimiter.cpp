//
// RateLimiter.cpp
//

#include "http/RateLimiter.h"
#include <Poco/Exception.h>
#include <algorithm>

namespace Sygen {

namespace {

const Poco::Timestamp::TimeDiff WINDOW = RateLimiter::WINDOW_SECONDS * Poco::Timestamp::resolution();

} // namespace

RateLimiter::RateLimiter(int perMinute, int perIpPerMinute, std::size_t maxClients):
	_perMinute(perMinute),
	_perIpPerMinute(perIpPerMinute),
	_maxClients(maxClients)
{
	if (maxClients == 0) throw Poco::InvalidArgumentException("RateLimiter: maxClients must be at least 1");
}

void RateLimiter::expire(Window& window, Poco::Timestamp::TimeVal now)
{
	// Strictly older than the window leaves it: a timestamp exactly 60 s old still counts.
	while (!window.empty() && now - window.front() > WINDOW) window.pop_front();
}

int RateLimiter::retryAfter(const Window& window, std::size_t limit, Poco::Timestamp::TimeVal now)
{
	if (window.size() < limit || limit == 0) return 1;
	// A slot frees when the window holds limit - 1 timestamps, i.e. when the one at
	// index size - limit (the oldest, unless the limit was lowered) has left. It stops
	// counting once now - t > WINDOW; rounding the remaining time up gives a moment
	// at which it has left, or is exactly on the boundary, where the 1 s minimum
	// covers the last microsecond.
	const Poco::Timestamp::TimeDiff remaining = window[window.size() - limit] + WINDOW - now;
	const Poco::Timestamp::TimeDiff second = Poco::Timestamp::resolution();
	const long long seconds = (remaining + second - 1) / second;
	return static_cast<int>(std::max<long long>(1, seconds));
}

RateLimiter::ClientList::iterator RateLimiter::findClient(const std::string& address)
{
	auto it = _clientIndex.find(address);
	return it == _clientIndex.end() ? _clients.end() : it->second;
}

RateLimiter::ClientList::iterator RateLimiter::addClient(const std::string& address, Poco::Timestamp::TimeVal now)
{
	if (_clients.size() >= _maxClients)
	{
		// Least recently seen clients sit at the back. Those whose window has emptied
		// are dropped for free; if none has, the least recently seen one goes anyway.
		while (!_clients.empty())
		{
			Client& last = _clients.back();
			expire(last.window, now);
			if (!last.window.empty() && _clients.size() < _maxClients) break;
			_clientIndex.erase(last.address);
			_clients.pop_back();
		}
	}
	_clients.push_front(Client{address, Window()});
	_clientIndex[address] = _clients.begin();
	return _clients.begin();
}

RateLimiter::Decision RateLimiter::check(const std::string& clientAddress, Poco::Timestamp now)
{
	const Poco::Timestamp::TimeVal t = now.epochMicroseconds();
	Decision decision;
	std::lock_guard<std::mutex> lock(_mutex);

	if (_perMinute <= 0)
	{
		decision.allowed = false;
		decision.retryAfterSeconds = WINDOW_SECONDS;
		return decision;
	}

	expire(_global, t);
	const bool globalFull = _global.size() >= static_cast<std::size_t>(_perMinute);

	ClientList::iterator client = _clients.end();
	bool clientFull = false;
	if (_perIpPerMinute > 0)
	{
		client = findClient(clientAddress);
		if (client != _clients.end())
		{
			expire(client->window, t);
			clientFull = client->window.size() >= static_cast<std::size_t>(_perIpPerMinute);
			// Seen now, allowed or not: move to the front of the LRU order.
			_clients.splice(_clients.begin(), _clients, client);
		}
	}

	if (globalFull || clientFull)
	{
		decision.allowed = false;
		decision.retryAfterSeconds = std::max(globalFull ? retryAfter(_global, static_cast<std::size_t>(_perMinute), t) : 1,
			clientFull ? retryAfter(client->window, static_cast<std::size_t>(_perIpPerMinute), t) : 1);
		return decision;
	}

	_global.push_back(t);
	if (_perIpPerMinute > 0)
	{
		// A new client gets a table slot only once it has been allowed, so rejected
		// floods from fresh addresses do not churn the table.
		if (client == _clients.end()) client = addClient(clientAddress, t);
		client->window.push_back(t);
	}
	return decision;
}

void RateLimiter::setLimits(int perMinute, int perIpPerMinute)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_perMinute = perMinute;
	_perIpPerMinute = perIpPerMinute;
}

std::size_t RateLimiter::clientCount() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _clients.size();
}

} // namespace Sygen
