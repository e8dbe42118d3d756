//
// PostgresServer.cpp
//

#include "PostgresServer.h"
#include "Sygen/Foundation/ProcessSpawner.h"
#include <Poco/Environment.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Thread.h>
#include <Poco/Timestamp.h>
#include <arpa/inet.h>
#include <csignal>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Sygen {
namespace Test {

namespace {

int freeLoopbackPort()
{
	int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) throw Poco::IOException("socket() failed");
	sockaddr_in address{};
	address.sin_family = AF_INET;
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t length = sizeof(address);
	if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
		::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
	{
		::close(fd);
		throw Poco::IOException("no free loopback port");
	}
	::close(fd);
	return ntohs(address.sin_port);
}

} // namespace

PostgresServer::PostgresServer()
{
	if (::geteuid() == 0)
	{
		// PostgreSQL refuses to run as root: use the system user the Debian package creates.
		const passwd* pw = ::getpwnam("postgres");
		if (!pw) throw Poco::NotFoundException("running as root and there is no postgres user to run PostgreSQL as");
		_dropToPostgres = true;
		_uid = pw->pw_uid;
		_gid = pw->pw_gid;
		if (::chown(_dir.path().c_str(), _uid, _gid) != 0) throw Poco::IOException("cannot chown " + _dir.path());
	}
	_dataDir = _dir.file("data");
	_port = freeLoopbackPort();
	initialise();
	start();
}

PostgresServer::~PostgresServer()
{
	try
	{
		if (running()) stop();
	}
	catch (...)
	{
		::kill(_pid, SIGKILL);
		ProcessSpawner::wait(_pid);
	}
}

std::string PostgresServer::binDir()
{
	std::string dir = Poco::Environment::get("SYGEN_PG_BINDIR", "");
	return dir.empty() ? "/usr/lib/postgresql/15/bin" : dir;
}

bool PostgresServer::available()
{
	return Poco::File(binDir() + "/initdb").exists() && Poco::File(binDir() + "/postgres").exists();
}

void PostgresServer::initialise()
{
	SpawnOptions options;
	options.executable = binDir() + "/initdb";
	options.argv = {options.executable, "-D", _dataDir, "-U", "sygen", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"};
	options.env = std::vector<std::string>{"PATH=/usr/bin:/bin", "LC_ALL=C.UTF-8"};
	options.stdoutMode = SpawnOptions::Output::DEV_NULL;
	if (_dropToPostgres)
	{
		options.uid = _uid;
		options.gid = _gid;
	}
	ProcessStatus status = ProcessSpawner::wait(ProcessSpawner::spawn(options).pid);
	if (!status.success()) throw Poco::RuntimeException("initdb failed with " + std::to_string(status.code()));
}

void PostgresServer::start()
{
	if (running()) return;
	SpawnOptions options;
	options.executable = binDir() + "/postgres";
	// fsync off: tests check behaviour, not power-loss durability (bench/ measures with it on).
	options.argv = {options.executable, "-D", _dataDir, "-p", std::to_string(_port), "-k", _dir.path(), "-c", "listen_addresses=127.0.0.1",
		"-c", "fsync=off", "-c", "max_connections=200", "-c", "log_min_messages=warning", "-c", "shared_buffers=16MB"};
	options.env = std::vector<std::string>{"PATH=/usr/bin:/bin", "LC_ALL=C.UTF-8"};
	options.stdoutMode = SpawnOptions::Output::DEV_NULL;
	options.parentDeathSignal = SIGQUIT; // the test died: the server goes too
	if (_dropToPostgres)
	{
		options.uid = _uid;
		options.gid = _gid;
	}
	_pid = ProcessSpawner::spawn(options).pid;
	waitReady();
}

void PostgresServer::waitReady()
{
	Poco::Timestamp started;
	while (PQping(dsn().c_str()) != PQPING_OK)
	{
		if (ProcessSpawner::tryWait(_pid))
		{
			_pid = -1;
			throw Poco::RuntimeException("postgres exited during start");
		}
		if (started.elapsed() > 60 * Poco::Timestamp::resolution()) throw Poco::TimeoutException("postgres did not start within 60 s");
		Poco::Thread::sleep(20);
	}
}

void PostgresServer::stop()
{
	if (!running()) return;
	::kill(_pid, SIGINT);
	ProcessSpawner::wait(_pid);
	_pid = -1;
}

bool PostgresServer::running() const
{
	return _pid > 0;
}

std::string PostgresServer::dsn() const
{
	return "host=" + _dir.path() + " port=" + std::to_string(_port) + " dbname=postgres user=sygen";
}

Config::Backend PostgresServer::backend(const std::string& nodeId) const
{
	Config::Backend settings;
	settings.type = "postgres";
	settings.dsn = dsn();
	settings.nodeId = nodeId;
	return settings;
}

std::string PostgresServer::tcpDSN() const
{
	return "host=127.0.0.1 port=" + std::to_string(_port) + " dbname=postgres user=sygen";
}

int PostgresServer::port() const
{
	return _port;
}

const std::string& PostgresServer::socketDir() const
{
	return _dir.path();
}

void PostgresServer::execute(const std::string& sql) const
{
	PGconn* conn = PQconnectdb(dsn().c_str());
	std::string error;
	if (PQstatus(conn) != CONNECTION_OK)
	{
		error = PQerrorMessage(conn);
	}
	else
	{
		PGresult* result = PQexec(conn, sql.c_str());
		ExecStatusType status = PQresultStatus(result);
		if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) error = PQresultErrorMessage(result);
		PQclear(result);
	}
	PQfinish(conn);
	if (!error.empty()) throw Poco::RuntimeException("SQL failed: " + error);
}

}
} // namespace Sygen::Test
