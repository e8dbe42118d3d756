//
// PostgresServer.h
//
// A real PostgreSQL 15 server of a test's own, in a temp folder.
//

#ifndef Sygen_PostgresServer_INCLUDED
#define Sygen_PostgresServer_INCLUDED

#include "Sygen/Foundation/Config.h"
#include "TestSupport.h"
#include <string>
#include <sys/types.h>

namespace Sygen {
namespace Test {

class PostgresServer
/// initdb in a fresh temp folder (as the `postgres` system user when the test
/// runs as root: PostgreSQL refuses to run as root), then the postmaster started
/// on a free loopback port and a Unix socket in that folder, trust authentication
/// for the superuser `sygen`. The postmaster is a child of the test (not daemonised
/// by pg_ctl) with a parent-death signal, so it ends with the test even when the
/// test process is killed; the destructor stops it and removes the folder.
///
/// The binaries are looked up in $SYGEN_PG_BINDIR, else /usr/lib/postgresql/15/bin.
{
public:
	PostgresServer();
	/// Initialises the cluster and starts the server; throws when it does not
	/// accept connections within 60 s.
	~PostgresServer();

	PostgresServer(const PostgresServer&) = delete;
	PostgresServer& operator=(const PostgresServer&) = delete;

	std::string dsn() const;
	/// "host=<socket folder> port=<port> dbname=postgres user=sygen".
	std::string tcpDSN() const;
	/// The same over TCP on 127.0.0.1.

	Config::Backend backend(const std::string& nodeId) const;
	/// webhooks.backend of a cluster node on this server (dsn(), other keys default).

	int port() const;
	const std::string& socketDir() const;

	void start();
	/// Starts the server again after stop(); returns when it accepts connections.
	void stop();
	/// Fast shutdown (SIGINT: clients are disconnected); returns once it exited.
	bool running() const;

	void execute(const std::string& sql) const;
	/// Runs SQL on a connection of its own; throws with the server's message.

	static bool available();
	/// Whether the PostgreSQL server binaries are installed.

private:
	static std::string binDir();
	void initialise();
	void waitReady();

	TempDir _dir;
	std::string _dataDir;
	int _port = 0;
	pid_t _pid = -1;
	bool _dropToPostgres = false;
	uid_t _uid = 0;
	gid_t _gid = 0;
};

}
} // namespace Sygen::Test

#endif // Sygen_PostgresServer_INCLUDED
