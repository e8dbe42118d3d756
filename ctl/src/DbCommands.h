//
// DbCommands.h
//
// The db commands of sygen-webhookctl: the cluster's PostgreSQL (CLUSTER.md).
//

#ifndef Sygen_DbCommands_INCLUDED
#define Sygen_DbCommands_INCLUDED

namespace Sygen {

class CtlApp;

class DbCommands
/// Registers on a CtlApp:
///
///   db status    the schema version (the database's and this binary's), the
///                nodes with their lease age and roles, and the queue depth,
///                as a running node sees them (admin command db.status)
///
/// An instance without webhooks.backend postgres has no database: the command
/// says so and exits 1 without asking the service.
{
public:
	static void addTo(CtlApp& app);
};

} // namespace Sygen

#endif // Sygen_DbCommands_INCLUDED
