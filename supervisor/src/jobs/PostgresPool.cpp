//
// PostgresPool.cpp
//

#include "jobs/PostgresPool.h"
#include "jobs/JobStore.h"
#include <Poco/Logger.h>
#include <algorithm>

namespace Sygen {

namespace {

Poco::Logger& logger()
{
	return Poco::Logger::get("Backend");
}

const int FIRST_BACKOFF_MS = 100;
const int ACQUIRE_WAIT_MS = 10000;

} // namespace

PostgresPool::PostgresPool(const std::string& dsn, int size):
	_dsn(dsn),
	_size(std::max(1, size))
{
}

PostgresPool::~PostgresPool() = default;

bool PostgresPool::available() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return !_down;
}

std::string PostgresPool::maskedDSN() const
{
	return PostgresConnection::maskDSN(_dsn);
}

std::unique_ptr<PostgresConnection> PostgresPool::acquire()
{
	std::unique_lock<std::mutex> lock(_mutex);
	for (;;)
	{
		if (!_idle.empty())
		{
			std::unique_ptr<PostgresConnection> connection = std::move(_idle.back());
			_idle.pop_back();
			return connection;
		}
		if (_open < _size) break;
		if (!_returned.wait_for(lock, std::chrono::milliseconds(ACQUIRE_WAIT_MS), [this] { return !_idle.empty() || _open < _size; }))
			throw BackendUnavailable("no PostgreSQL connection free within 10 s");
	}
	++_open;
	lock.unlock();
	try
	{
		return connect();
	}
	catch (...)
	{
		lock.lock();
		--_open;
		_returned.notify_one();
		throw;
	}
}

std::unique_ptr<PostgresConnection> PostgresPool::connect()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		// During an outage only one attempt per backoff period; the others fail at once.
		if (_down && Poco::Timestamp() < _nextAttempt) throw BackendUnavailable("PostgreSQL unreachable");
		if (_down) _nextAttempt = Poco::Timestamp() + static_cast<Poco::Timestamp::TimeDiff>(_backoffMs) * 1000;
	}
	try
	{
		std::unique_ptr<PostgresConnection> connection(new PostgresConnection(_dsn));
		markUp();
		std::lock_guard<std::mutex> lock(_mutex);
		_bornIn[connection.get()] = _generation;
		return connection;
	}
	catch (PostgresError& error)
	{
		unavailable(error.message());
	}
}

void PostgresPool::release(std::unique_ptr<PostgresConnection> connection)
{
	std::lock_guard<std::mutex> lock(_mutex);
	// A connection made before the last outage began may look fine and still be dead
	// (it was in use when the server went): it is not kept, or the first statement after
	// the recovery would fail on it and count as a second outage.
	auto born = _bornIn.find(connection.get());
	bool current = born != _bornIn.end() && born->second == _generation;
	if (connection && connection->ok() && current)
	{
		_idle.push_back(std::move(connection));
	}
	else
	{
		if (born != _bornIn.end()) _bornIn.erase(born);
		--_open;
	}
	_returned.notify_one();
}

void PostgresPool::unavailable(const std::string& why)
{
	markDown(why);
	throw BackendUnavailable(why);
}

void PostgresPool::markDown(const std::string& why)
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (!_down)
	{
		_down = true;
		_downSince.update();
		_backoffMs = FIRST_BACKOFF_MS;
		// Once per outage, not per request (the 503s are counted in /metrics).
		logger().error("PostgreSQL unreachable, answering 503 until it is back: %s", why);
	}
	else
	{
		_backoffMs = std::min(MAX_BACKOFF_MS, _backoffMs * 2);
	}
	_nextAttempt = Poco::Timestamp() + static_cast<Poco::Timestamp::TimeDiff>(_backoffMs) * 1000;
	// The other idle connections went down with the server; those in use are dropped
	// when they come back (release()).
	++_generation;
	_open -= static_cast<int>(_idle.size());
	for (const auto& connection: _idle) _bornIn.erase(connection.get());
	_idle.clear();
}

void PostgresPool::markUp()
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (!_down) return;
	_down = false;
	_backoffMs = 0;
	logger().notice("PostgreSQL reachable again after %s s", std::to_string(_downSince.elapsed() / Poco::Timestamp::resolution()));
}

} // namespace Sygen
