//
// PostgresNotifier.h
//
// LISTEN on a few PostgreSQL channels and call back when another node NOTIFYs.
//

#ifndef Sygen_PostgresNotifier_INCLUDED
#define Sygen_PostgresNotifier_INCLUDED

#include "jobs/PostgresPool.h"
#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <thread>

namespace Sygen {

class PostgresNotifier
/// One connection of its own (PostgresPool::connect) LISTENs on every channel a
/// callback was registered for; a thread calls the channel's callback for each
/// notification that arrives. After every (re)connection all callbacks are called
/// once, since notifications sent while not listening are lost: the callbacks
/// re-read what they watch. While the database is down the thread retries once a
/// second (the pool logs the outage once).
{
public:
	explicit PostgresNotifier(PostgresPool& pool);
	~PostgresNotifier();
	/// Stops the thread.

	PostgresNotifier(const PostgresNotifier&) = delete;
	PostgresNotifier& operator=(const PostgresNotifier&) = delete;

	void on(const std::string& channel, std::function<void()> callback);
	/// Registers callback for channel (a plain identifier). Before start() only.

	void start();
	void stop();
	/// Idempotent; no callback runs after stop() returns.

private:
	void run();
	void listen();

	PostgresPool& _pool;
	std::map<std::string, std::function<void()>> _callbacks;
	std::atomic<bool> _stopping{false};
	std::thread _thread;
};

} // namespace Sygen

#endif // Sygen_PostgresNotifier_INCLUDED
