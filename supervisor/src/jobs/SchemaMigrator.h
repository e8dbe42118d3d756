//
// SchemaMigrator.h
//
// Creates and upgrades the cluster's tables in PostgreSQL.
//

#ifndef Sygen_SchemaMigrator_INCLUDED
#define Sygen_SchemaMigrator_INCLUDED

#include "jobs/PostgresConnection.h"
#include <Poco/Exception.h>
#include <string>

namespace Sygen {

class SchemaTooNewError: public Poco::RuntimeException
/// The database was migrated by a newer sygen-webhookd: this binary must not
/// touch it. The service exits 78 with message().
{
public:
	SchemaTooNewError(int databaseVersion, int binaryVersion);
};

class SchemaMigrator
/// Versioned migrations: the table sygen_schema holds the version the database is
/// at; migrate() applies every newer step in order, each in its own transaction
/// with the version bump, under a session advisory lock, so several nodes starting
/// together wait for each other instead of racing (the second finds nothing to do).
{
public:
	static const int CURRENT_VERSION;
	/// The schema version this binary writes and understands.

	static const long long LOCK_KEY;
	/// pg_advisory_lock key held while migrating.

	static int migrate(PostgresConnection& connection);
	/// Brings the database to CURRENT_VERSION and returns the version it was at
	/// (0: empty). Throws SchemaTooNewError when it is newer than CURRENT_VERSION,
	/// PostgresError when a statement fails (that step is rolled back).

	static int version(PostgresConnection& connection);
	/// The database's schema version; 0 when it has none yet.

private:
	static void apply(PostgresConnection& connection, int version);
};

} // namespace Sygen

#endif // Sygen_SchemaMigrator_INCLUDED
