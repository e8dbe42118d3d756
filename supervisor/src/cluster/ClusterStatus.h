//
// ClusterStatus.h
//
// The nodes' roles in the database, and what sygen-webhookctl db status shows.
//

#ifndef Sygen_ClusterStatus_INCLUDED
#define Sygen_ClusterStatus_INCLUDED

#include "Sygen/Foundation/Config.h"
#include "jobs/PostgresPool.h"
#include <Poco/JSON/Object.h>

namespace Sygen {

class ClusterStatus
/// Reads and writes sygen_nodes beyond the lease that PostgresJobStore renews.
{
public:
	static void announce(PostgresPool& pool, const std::string& nodeId, bool ingress, int workers);
	/// Records this node's roles (webhooks.ingress, webhooks.workers) in its row.
	/// Throws BackendUnavailable.

	static Poco::JSON::Object::Ptr read(PostgresPool& pool, const Config::Backend& settings);
	/// {dsn (masked), schema_version, binary_schema_version, node_id, lease_seconds,
	/// queued, running, nodes: [{node_id, lease_age_seconds, alive, ingress,
	/// workers, started_at}]}: queued and running count the whole cluster; a node
	/// is alive while its lease is younger than lease_seconds. Throws
	/// BackendUnavailable.
};

} // namespace Sygen

#endif // Sygen_ClusterStatus_INCLUDED
