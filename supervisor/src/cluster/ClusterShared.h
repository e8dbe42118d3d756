//
// ClusterShared.h
//
// What the nodes of a cluster share through PostgreSQL besides the jobs.
//

#ifndef Sygen_ClusterShared_INCLUDED
#define Sygen_ClusterShared_INCLUDED

#include "Sygen/Foundation/Config.h"
#include "cluster/ClusterRateLimiter.h"
#include "cluster/ClusterToken.h"
#include "cluster/PostgresHookStore.h"
#include "cluster/PostgresNotifier.h"
#include <Poco/JSON/Object.h>
#include <functional>
#include <memory>

namespace Sygen {

class ClusterShared
/// The global token (ClusterToken) and the rate limit (ClusterRateLimiter) of a
/// cluster, the node's roles in sygen_nodes, and the one PostgresNotifier that
/// keeps the hook definitions (the PostgresHookStore the supervisor reads them
/// from) and the token current on this node.
{
public:
	using TokenListener = std::function<void(const std::string&)>;

	ClusterShared(PostgresPool& pool, PostgresHookStore& hooks, const Config& config);
	~ClusterShared();
	/// stop().

	ClusterShared(const ClusterShared&) = delete;
	ClusterShared& operator=(const ClusterShared&) = delete;

	std::string open(const std::string& offeredToken, TokenListener tokenChanged, std::function<void()> hooksChanged);
	/// After the job store opened and the hooks loaded: records this node's roles,
	/// returns the cluster's global token (offeredToken when it has none yet),
	/// starts the rate limit's sync and the notifier, which calls tokenChanged
	/// with the new token after a rotation on any node and hooksChanged after the
	/// hooks were re-read. Throws BackendUnavailable.

	void stop();
	/// Ends the notifier and the rate limit's thread. Idempotent.

	RateLimiter::Decision admit(const std::string& clientAddress, const std::function<RateLimiter::Decision()>& local);
	/// ClusterRateLimiter::admit().

	ClusterToken& token();

	Poco::JSON::Object::Ptr status();
	/// ClusterStatus::read(): what sygen-webhookctl db status shows.

private:
	void tokenNotified();

	PostgresPool& _pool;
	PostgresHookStore& _hooks;
	const Config& _config;
	ClusterToken _token;
	ClusterRateLimiter _rate;
	PostgresNotifier _notifier;
	TokenListener _tokenChanged;
	std::string _knownToken; // the notifier's thread only, after open()
};

} // namespace Sygen

#endif // Sygen_ClusterShared_INCLUDED
