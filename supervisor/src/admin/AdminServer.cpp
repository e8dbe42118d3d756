//
// AdminServer.cpp
//

#include "admin/AdminServer.h"
#include "Sygen/Foundation/JSONFields.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/Logger.h>
#include <unistd.h>

namespace Sygen {

const Poco::Timespan AdminServer::IDLE_TIMEOUT(60, 0);

namespace {

Poco::Logger& logger()
{
	return Poco::Logger::get("Sygen.AdminServer");
}

} // namespace

AdminServer::AdminServer(const std::string& socketPath, std::size_t maxFrameSize):
	_socketPath(socketPath),
	_maxFrameSize(maxFrameSize)
{
	addCommand("help", "list the commands", [this](const Poco::JSON::Object&) {
		Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
		std::lock_guard<std::mutex> lock(_mutex);
		for (const auto& entry: _commands)
		{
			Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
			item->set("cmd", entry.first);
			item->set("summary", entry.second.summary);
			list->add(item);
		}
		return Poco::Dynamic::Var(list);
	});
}

AdminServer::~AdminServer()
{
	stop();
}

const std::string& AdminServer::socketPath() const
{
	return _socketPath;
}

void AdminServer::addCommand(const std::string& name, const std::string& summary, Handler handler)
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_commands.count(name)) throw Poco::ExistsException("admin command already registered", name);
	_commands[name] = Command{summary, std::move(handler)};
}

bool AdminServer::hasCommand(const std::string& name) const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _commands.count(name) > 0;
}

void AdminServer::start()
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_started) return;
	_listener = UnixSocket::listen(_socketPath);
	_started = true;
	_acceptThread = std::thread(&AdminServer::acceptLoop, this);
}

void AdminServer::stop()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (!_started || _stopping) return;
		_stopping = true;
	}
	_listener.shutdown();
	if (_acceptThread.joinable()) _acceptThread.join();
	reapConnections(true);
	_listener.close();
	::unlink(_socketPath.c_str());
}

Poco::JSON::Object::Ptr AdminServer::error(const std::string& code, const std::string& message)
{
	Poco::JSON::Object::Ptr answer = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	answer->set("ok", false);
	answer->set("error", code);
	answer->set("message", message);
	return answer;
}

Poco::JSON::Object::Ptr AdminServer::handle(const Poco::JSON::Object& request) const
{
	std::string name;
	try
	{
		name = JSONFields::requireString(request, "cmd");
	}
	catch (Poco::DataFormatException& e)
	{
		return error("bad_request", e.message());
	}
	Handler handler;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		auto it = _commands.find(name);
		if (it == _commands.end()) return error("unknown_command", "unknown command '" + name + "'");
		handler = it->second.handler;
	}
	try
	{
		Poco::Dynamic::Var result = handler(request);
		Poco::JSON::Object::Ptr answer = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		answer->set("ok", true);
		answer->set("result", result);
		return answer;
	}
	catch (Poco::InvalidArgumentException& e)
	{
		return error("bad_request", e.message());
	}
	catch (Poco::DataFormatException& e)
	{
		return error("bad_request", e.message());
	}
	catch (Poco::SyntaxException& e)
	{
		return error("bad_request", e.message());
	}
	catch (Poco::NotFoundException& e)
	{
		return error("not_found", e.message());
	}
	catch (Poco::ExistsException& e)
	{
		return error("conflict", e.message());
	}
	catch (Poco::IllegalStateException& e)
	{
		return error("conflict", e.message());
	}
	catch (Poco::Exception& e)
	{
		logger().error("admin command " + name + " failed: " + e.displayText());
		return error("failed", e.displayText());
	}
	catch (std::exception& e)
	{
		logger().error("admin command " + name + " failed: " + std::string(e.what()));
		return error("failed", e.what());
	}
}

void AdminServer::acceptLoop()
{
	while (!_stopping)
	{
		UnixSocket socket;
		try
		{
			socket = _listener.accept(Poco::Timespan(0, 200000));
		}
		catch (Poco::Exception& e)
		{
			logger().error("admin socket: accept failed: " + e.displayText());
			std::this_thread::sleep_for(std::chrono::milliseconds(200));
			continue;
		}
		reapConnections(false);
		if (!socket.valid()) continue;
		try
		{
			auto connection = std::make_shared<Connection>();
			connection->channel = std::make_shared<WorkerChannel>(std::move(socket), _maxFrameSize);
			std::lock_guard<std::mutex> lock(_mutex);
			if (static_cast<int>(_connections.size()) >= MAX_CONNECTIONS)
			{
				connection->channel->send(*error("busy", "too many admin connections"));
				continue;
			}
			_connections.push_back(connection);
			connection->thread = std::thread(&AdminServer::serve, this, connection);
		}
		catch (Poco::Exception& e)
		{
			logger().warning("admin socket: cannot set up a connection: " + e.displayText());
		}
	}
}

void AdminServer::serve(std::shared_ptr<Connection> connection)
{
	WorkerChannel& channel = *connection->channel;
	try
	{
		PeerCredentials peer = channel.peerCredentials();
		if (peer.uid != ::geteuid() && peer.uid != 0)
		{
			logger().warning("admin socket: refused uid " + std::to_string(peer.uid) + " (pid " + std::to_string(peer.pid) + ")");
			channel.send(*error("forbidden", "only the service's user or root may use the admin API"));
		}
		else
		{
			while (!_stopping)
			{
				Poco::JSON::Object::Ptr request;
				try
				{
					request = channel.receive(IDLE_TIMEOUT);
				}
				catch (FrameTooLargeException&)
				{
					throw;
				}
				catch (FrameException& e)
				{
					channel.send(*error("bad_request", e.displayText()));
					continue;
				}
				if (!request) break;
				channel.send(*handle(*request));
			}
		}
	}
	catch (ChannelClosedException&)
	{
		// The client hung up: the normal end of a connection.
	}
	catch (Poco::Exception& e)
	{
		logger().warning("admin connection dropped: " + e.displayText());
	}
	channel.close();
	connection->finished = true;
}

void AdminServer::reapConnections(bool all)
{
	std::list<std::shared_ptr<Connection>> done;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		for (auto it = _connections.begin(); it != _connections.end();)
		{
			if (all || (*it)->finished)
			{
				if (all) (*it)->channel->close();
				done.push_back(*it);
				it = _connections.erase(it);
			}
			else ++it;
		}
	}
	for (auto& connection: done)
	{
		if (connection->thread.joinable()) connection->thread.join();
	}
}

} // namespace Sygen
