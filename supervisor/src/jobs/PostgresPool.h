//
// PostgresPool.h
//
// A few PostgreSQL connections shared by threads, with reconnection and backoff.
//

#ifndef Sygen_PostgresPool_INCLUDED
#define Sygen_PostgresPool_INCLUDED

#include "jobs/PostgresConnection.h"
#include <Poco/Timestamp.h>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace Sygen {

class PostgresPool
/// Up to `size` connections to one DSN, opened on demand. A connection that
/// broke is dropped when it comes back; while the database cannot be reached,
/// callers fail at once with BackendUnavailable and a new connection is tried
/// only after a backoff (0.1 s doubling to 5 s), so an outage costs neither a
/// connect attempt per request nor a log line per request: one line when it
/// starts, one when it ends. Thread-safe.
{
public:
	static constexpr int MAX_BACKOFF_MS = 5000;

	PostgresPool(const std::string& dsn, int size);
	~PostgresPool();

	PostgresPool(const PostgresPool&) = delete;
	PostgresPool& operator=(const PostgresPool&) = delete;

	template <typename F>
	auto with(F work) -> decltype(work(std::declval<PostgresConnection&>()))
	/// Runs work on a connection. A lost connection (or none to be had) becomes
	/// BackendUnavailable; a statement the server rejected stays PostgresError.
	{
		std::unique_ptr<PostgresConnection> connection = acquire();
		try
		{
			auto result = work(*connection);
			release(std::move(connection));
			return result;
		}
		catch (PostgresError& error)
		{
			bool lost = error.connectionLost() || !connection->ok();
			release(std::move(connection));
			if (lost) unavailable(error.message());
			throw;
		}
		catch (...)
		{
			release(std::move(connection));
			throw;
		}
	}

	bool available() const;
	/// false from a lost connection until a new one is made.

	std::string maskedDSN() const;

	std::unique_ptr<PostgresConnection> connect();
	/// A connection of the caller's own (LISTEN); counts toward availability.
	/// Throws BackendUnavailable.

private:
	std::unique_ptr<PostgresConnection> acquire();
	void release(std::unique_ptr<PostgresConnection> connection);
	[[noreturn]] void unavailable(const std::string& why);
	void markDown(const std::string& why);
	void markUp();

	std::string _dsn;
	int _size;
	mutable std::mutex _mutex;
	std::condition_variable _returned;
	std::vector<std::unique_ptr<PostgresConnection>> _idle;
	int _open = 0;
	unsigned _generation = 0;                                        ///< Raised by each outage.
	std::unordered_map<const PostgresConnection*, unsigned> _bornIn; ///< The generation each open connection was made in.
	bool _down = false;
	Poco::Timestamp _downSince;
	Poco::Timestamp _nextAttempt;
	int _backoffMs = 0;
};

} // namespace Sygen

#endif // Sygen_PostgresPool_INCLUDED
