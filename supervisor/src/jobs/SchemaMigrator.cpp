//
// SchemaMigrator.cpp
//

#include "jobs/SchemaMigrator.h"

namespace Sygen {

namespace {

// Step N brings the schema from version N-1 to N. Append steps; never edit one
// that has been released (nodes of the older binary have already applied it).
// Times are microseconds since the epoch (Poco::Timestamp), exact both ways.
const char* const MIGRATIONS[] = {
	// 1: jobs, delivery ids for replay protection, and the nodes of the cluster.
	"CREATE TABLE sygen_jobs ("
	"  seq bigserial PRIMARY KEY,"
	"  job_id text NOT NULL UNIQUE,"
	"  hook_id text NOT NULL,"
	"  dependency text NOT NULL DEFAULT '',"
	"  max_concurrent integer NOT NULL DEFAULT 0,"
	"  body bytea NOT NULL,"
	"  status text NOT NULL DEFAULT 'queued',"
	"  queued_us bigint NOT NULL,"
	"  node_id text,"
	"  worker_id integer NOT NULL DEFAULT 0,"
	"  started_us bigint,"
	"  finished_us bigint,"
	"  result jsonb,"
	"  retry_of text NOT NULL DEFAULT '',"
	"  run_on jsonb,"
	"  session_key text NOT NULL DEFAULT '');"
	"CREATE INDEX sygen_jobs_retry_of ON sygen_jobs (retry_of) WHERE retry_of <> '';"
	"CREATE INDEX sygen_jobs_queued ON sygen_jobs (seq) WHERE status = 'queued';"
	"CREATE INDEX sygen_jobs_running ON sygen_jobs (node_id) WHERE status = 'running';"
	"CREATE INDEX sygen_jobs_finished ON sygen_jobs (finished_us) WHERE finished_us IS NOT NULL;"
	"CREATE TABLE sygen_deliveries ("
	"  hook_id text NOT NULL,"
	"  delivery_id text NOT NULL,"
	"  job_id text NOT NULL,"
	"  accepted_us bigint NOT NULL,"
	"  PRIMARY KEY (hook_id, delivery_id));"
	"CREATE TABLE sygen_nodes ("
	"  node_id text PRIMARY KEY,"
	"  started_us bigint NOT NULL,"
	"  heartbeat_us bigint NOT NULL,"
	"  workers integer NOT NULL DEFAULT 0);"
	"CREATE TABLE sygen_sessions ("
	"  session_key text PRIMARY KEY,"
	"  node_id text NOT NULL,"
	"  updated_us bigint NOT NULL);",
	// 2: what the nodes share besides the jobs: hook definitions and their telemetry
	// (PostgresHookStore), settings (the global token, the hooks' revision), the
	// rate limit's counts (ClusterRateLimiter), and the nodes' ingress role.
	"CREATE TABLE sygen_hooks ("
	"  hook_id text PRIMARY KEY,"
	"  ordinal bigserial NOT NULL,"
	"  definition text NOT NULL,"
	"  trigger_count bigint NOT NULL DEFAULT 0,"
	"  last_triggered_at text,"
	"  last_error text,"
	"  updated_us bigint NOT NULL);"
	"CREATE TABLE sygen_settings ("
	"  name text PRIMARY KEY,"
	"  value text NOT NULL);"
	"INSERT INTO sygen_settings (name, value) VALUES ('hooks_revision', '0');"
	"CREATE TABLE sygen_rate ("
	"  node_id text NOT NULL,"
	"  at_second bigint NOT NULL,"
	"  client text NOT NULL,"
	"  count bigint NOT NULL,"
	"  PRIMARY KEY (node_id, at_second, client));"
	"CREATE INDEX sygen_rate_at_second ON sygen_rate (at_second);"
	"ALTER TABLE sygen_nodes ADD COLUMN ingress boolean NOT NULL DEFAULT true;",
};

const int MIGRATION_COUNT = static_cast<int>(sizeof(MIGRATIONS) / sizeof(MIGRATIONS[0]));

class AdvisoryLock
/// Holds the migration lock for a scope; released even when a step throws.
{
public:
	explicit AdvisoryLock(PostgresConnection& connection):
		_connection(connection)
	{
		_connection.query("SELECT pg_advisory_lock($1)", {std::to_string(SchemaMigrator::LOCK_KEY)});
	}

	~AdvisoryLock()
	{
		try
		{
			if (_connection.ok()) _connection.query("SELECT pg_advisory_unlock($1)", {std::to_string(SchemaMigrator::LOCK_KEY)});
		}
		catch (...)
		{
			// The session's end releases it anyway.
		}
	}

private:
	PostgresConnection& _connection;
};

} // namespace

const int SchemaMigrator::CURRENT_VERSION = MIGRATION_COUNT;
const long long SchemaMigrator::LOCK_KEY = 0x5967656e4d696772LL; // "SygenMigr"

SchemaTooNewError::SchemaTooNewError(int databaseVersion, int binaryVersion):
	Poco::RuntimeException("the database schema is at version " + std::to_string(databaseVersion) +
		", newer than this sygen-webhookd understands (version " + std::to_string(binaryVersion) +
		"): upgrade this node, or point it at another database")
{
}

int SchemaMigrator::version(PostgresConnection& connection)
{
	PostgresResult exists = connection.query("SELECT to_regclass('sygen_schema') IS NOT NULL");
	if (exists.text(0, 0) != "t") return 0;
	PostgresResult row = connection.query("SELECT version FROM sygen_schema");
	return row.rows() == 0 ? 0 : static_cast<int>(row.integer(0, 0));
}

int SchemaMigrator::migrate(PostgresConnection& connection)
{
	AdvisoryLock lock(connection);
	connection.execute("CREATE TABLE IF NOT EXISTS sygen_schema (version integer NOT NULL)");
	int from = version(connection);
	if (from > CURRENT_VERSION) throw SchemaTooNewError(from, CURRENT_VERSION);
	for (int step = from + 1; step <= CURRENT_VERSION; ++step) apply(connection, step);
	return from;
}

void SchemaMigrator::apply(PostgresConnection& connection, int version)
{
	connection.execute("BEGIN");
	try
	{
		connection.execute(MIGRATIONS[version - 1]);
		connection.execute("DELETE FROM sygen_schema");
		connection.query("INSERT INTO sygen_schema (version) VALUES ($1)", {std::to_string(version)});
		connection.execute("COMMIT");
	}
	catch (...)
	{
		if (connection.ok()) connection.execute("ROLLBACK");
		throw;
	}
}

} // namespace Sygen
