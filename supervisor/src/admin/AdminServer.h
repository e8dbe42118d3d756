//
// AdminServer.h
//
// The admin API: JSON request/response frames on a Unix socket (mode 0600) for
// sygen-webhookctl (SPEC §8, last bullet).
//

#ifndef Sygen_AdminServer_INCLUDED
#define Sygen_AdminServer_INCLUDED

#include "Sygen/Foundation/UnixSocket.h"
#include "Sygen/Protocol/FrameCodec.h"
#include "Sygen/Protocol/WorkerChannel.h"
#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>
#include <Poco/Timespan.h>
#include <atomic>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace Sygen {

class AdminServer
/// Serves commands from a table. A request is a frame {"cmd": NAME, ...args};
/// the answer is {"ok": true, "result": ...} or
/// {"ok": false, "error": CODE, "message": TEXT} with CODE one of
/// "unknown_command", "bad_request" (Poco::InvalidArgumentException,
/// Poco::DataFormatException, Poco::SyntaxException), "not_found"
/// (Poco::NotFoundException), "conflict" (Poco::ExistsException,
/// Poco::IllegalStateException) and "failed" (any other exception).
/// A connection may carry several requests, answered in order; it is closed
/// after IDLE_TIMEOUT without a request.
///
/// Only peers running as our effective uid or as root are served (SO_PEERCRED);
/// others get {"ok": false, "error": "forbidden"} and are disconnected.
///
/// The built-in command "help" lists the registered commands with their
/// summaries. Other parts of the supervisor register theirs with addCommand()
/// (see AdminCommands for workers.* and jobs.*).
///
/// Thread-safe. Handlers run on connection threads, possibly concurrently.
{
public:
	typedef std::function<Poco::Dynamic::Var(const Poco::JSON::Object& request)> Handler;
	/// Returns the "result" value; throws to answer with an error.

	static constexpr int MAX_CONNECTIONS = 16;
	static const Poco::Timespan IDLE_TIMEOUT;

	explicit AdminServer(const std::string& socketPath, std::size_t maxFrameSize = FrameCodec::DEFAULT_MAX_FRAME_SIZE);
	~AdminServer();
	/// Calls stop().

	AdminServer(const AdminServer&) = delete;
	AdminServer& operator=(const AdminServer&) = delete;

	void addCommand(const std::string& name, const std::string& summary, Handler handler);
	/// Registers a command. Throws Poco::ExistsException when the name is taken.

	bool hasCommand(const std::string& name) const;

	void start();
	/// Listens on the socket (0600) and serves in background threads.
	/// Throws what UnixSocket::listen() throws.

	void stop();
	/// Closes the socket and every connection, waits for the threads and removes
	/// the socket file. Idempotent.

	Poco::JSON::Object::Ptr handle(const Poco::JSON::Object& request) const;
	/// Runs one request and returns the answer frame; never throws for a failing
	/// handler (that becomes an error answer).

	const std::string& socketPath() const;

private:
	struct Command
	{
		std::string summary;
		Handler handler;
	};

	struct Connection
	{
		std::shared_ptr<WorkerChannel> channel;
		std::thread thread;
		std::atomic<bool> finished{false};
	};

	void acceptLoop();
	void serve(std::shared_ptr<Connection> connection);
	void reapConnections(bool all);
	static Poco::JSON::Object::Ptr error(const std::string& code, const std::string& message);

	const std::string _socketPath;
	const std::size_t _maxFrameSize;
	mutable std::mutex _mutex;
	std::map<std::string, Command> _commands;
	std::list<std::shared_ptr<Connection>> _connections;
	UnixSocket _listener;
	std::thread _acceptThread;
	std::atomic<bool> _stopping{false};
	bool _started = false;
};

} // namespace Sygen

#endif // Sygen_AdminServer_INCLUDED
