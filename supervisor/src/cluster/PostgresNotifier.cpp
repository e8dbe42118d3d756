//
// PostgresNotifier.cpp
//

#include "cluster/PostgresNotifier.h"
#include "jobs/JobStore.h"
#include <Poco/Logger.h>
#include <Poco/Thread.h>
#include <poll.h>

namespace Sygen {

namespace {

const int POLL_MS = 250;

} // namespace

PostgresNotifier::PostgresNotifier(PostgresPool& pool):
	_pool(pool)
{
}

PostgresNotifier::~PostgresNotifier()
{
	stop();
}

void PostgresNotifier::on(const std::string& channel, std::function<void()> callback)
{
	_callbacks[channel] = std::move(callback);
}

void PostgresNotifier::start()
{
	if (_thread.joinable()) return;
	_stopping = false;
	_thread = std::thread([this] { run(); });
}

void PostgresNotifier::stop()
{
	_stopping = true;
	if (_thread.joinable()) _thread.join();
}

void PostgresNotifier::run()
{
	while (!_stopping)
	{
		try
		{
			listen();
		}
		catch (Poco::Exception& exc)
		{
			// An outage is logged once by the pool (the next connect() fails there);
			// anything else is worth a line.
			PostgresError* error = dynamic_cast<PostgresError*>(&exc);
			bool outage = dynamic_cast<BackendUnavailable*>(&exc) || (error && error->connectionLost());
			if (!outage) Poco::Logger::get("Backend").error("listening for changes failed: %s", exc.displayText());
			for (int i = 0; i < 4 && !_stopping; ++i) Poco::Thread::sleep(POLL_MS);
		}
	}
}

void PostgresNotifier::listen()
{
	std::unique_ptr<PostgresConnection> connection = _pool.connect();
	for (const auto& entry: _callbacks) connection->execute("LISTEN " + entry.first);
	// What changed while nobody listened.
	for (const auto& entry: _callbacks) entry.second();
	while (!_stopping)
	{
		pollfd descriptor{connection->socket(), POLLIN, 0};
		if (::poll(&descriptor, 1, POLL_MS) <= 0) continue;
		std::map<std::string, bool> arrived;
		for (const std::string& channel: connection->notifications()) arrived[channel] = true;
		for (const auto& entry: arrived)
		{
			auto callback = _callbacks.find(entry.first);
			if (callback != _callbacks.end()) callback->second();
		}
	}
}

} // namespace Sygen
