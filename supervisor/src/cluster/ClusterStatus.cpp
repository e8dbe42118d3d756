//
// ClusterStatus.cpp
//

#include "cluster/ClusterStatus.h"
#include "Sygen/Foundation/IsoTime.h"
#include "jobs/SchemaMigrator.h"
#include <Poco/JSON/Array.h>

namespace Sygen {

namespace {

Poco::JSON::Array::Ptr nodesOf(PostgresConnection& connection, int leaseSeconds)
{
	Poco::Timestamp now;
	PostgresResult rows = connection.query("SELECT node_id, heartbeat_us, started_us, ingress, workers FROM sygen_nodes ORDER BY node_id");
	Poco::JSON::Array::Ptr nodes = new Poco::JSON::Array;
	for (int row = 0; row < rows.rows(); ++row)
	{
		double age = static_cast<double>(now.epochMicroseconds() - rows.integer(row, 1)) / 1e6;
		Poco::JSON::Object::Ptr node = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		node->set("node_id", rows.text(row, 0));
		node->set("lease_age_seconds", age);
		node->set("alive", age < leaseSeconds);
		node->set("ingress", rows.text(row, 3) == "t");
		node->set("workers", static_cast<int>(rows.integer(row, 4)));
		node->set("started_at", IsoTime::format(Poco::Timestamp(rows.integer(row, 2))));
		nodes->add(node);
	}
	return nodes;
}

} // namespace

void ClusterStatus::announce(PostgresPool& pool, const std::string& nodeId, bool ingress, int workers)
{
	pool.with([&](PostgresConnection& connection) {
		return connection
			.query("UPDATE sygen_nodes SET ingress = $2, workers = $3 WHERE node_id = $1",
				{nodeId, ingress ? "true" : "false", std::to_string(workers)})
			.affected();
	});
}

Poco::JSON::Object::Ptr ClusterStatus::read(PostgresPool& pool, const Config::Backend& settings)
{
	return pool.with([&](PostgresConnection& connection) {
		Poco::JSON::Object::Ptr status = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		status->set("dsn", PostgresConnection::maskDSN(settings.dsn));
		status->set("schema_version", SchemaMigrator::version(connection));
		status->set("binary_schema_version", SchemaMigrator::CURRENT_VERSION);
		status->set("node_id", settings.nodeId);
		status->set("lease_seconds", settings.leaseSeconds);
		PostgresResult queue = connection.query("SELECT count(*) FILTER (WHERE status IN ('queued', 'claimed')),"
												" count(*) FILTER (WHERE status IN ('running', 'lost')) FROM sygen_jobs");
		status->set("queued", static_cast<Poco::UInt64>(queue.integer(0, 0)));
		status->set("running", static_cast<Poco::UInt64>(queue.integer(0, 1)));
		status->set("nodes", nodesOf(connection, settings.leaseSeconds));
		return status;
	});
}

} // namespace Sygen
