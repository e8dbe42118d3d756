//
// ClusterToken.h
//
// The cluster's global token, kept in PostgreSQL once generated.
//

#ifndef Sygen_ClusterToken_INCLUDED
#define Sygen_ClusterToken_INCLUDED

#include "jobs/PostgresPool.h"
#include <string>

namespace Sygen {

class ClusterToken
/// One global token for every node (CLUSTER.md): the row 'global_token' of
/// sygen_settings. The first node to start offers the token it has (config.json
/// webhooks.token, else <state>/token, generated there if need be) and every
/// later node adopts the stored one. token.rotate on any node stores a new one
/// and NOTIFYs CHANNEL; every node re-reads it (PostgresNotifier) and swaps it in.
/// Calls throw BackendUnavailable when the database cannot be reached.
{
public:
	static const char* const CHANNEL;
	/// "sygen_token".

	explicit ClusterToken(PostgresPool& pool);

	std::string establish(const std::string& offered);
	/// The cluster's token: the stored one, or offered when none is stored yet
	/// (stored then; two nodes starting together agree on the first commit).

	std::string read();
	/// The stored token; "" when none.

	std::string rotate();
	/// A fresh token (TokenGenerator), stored and announced; returns it.

private:
	PostgresPool& _pool;
};

} // namespace Sygen

#endif // Sygen_ClusterToken_INCLUDED
