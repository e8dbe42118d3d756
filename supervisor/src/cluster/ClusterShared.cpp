//
// ClusterShared.cpp
//

#include "cluster/ClusterShared.h"
#include "Sygen/Foundation/Logging.h"
#include "cluster/ClusterStatus.h"
#include <Poco/Logger.h>

namespace Sygen {

namespace {

Poco::Logger& logger()
{
	return Poco::Logger::get("Backend");
}

} // namespace

ClusterShared::ClusterShared(PostgresPool& pool, PostgresHookStore& hooks, const Config& config):
	_pool(pool),
	_hooks(hooks),
	_config(config),
	_token(pool),
	_rate(pool, config.webhooks.backend.nodeId, static_cast<int>(config.webhooks.rateLimitPerMinute),
		static_cast<int>(config.webhooks.rateLimitPerIpPerMinute), config.webhooks.backend.leaseSeconds),
	_notifier(pool)
{
}

ClusterShared::~ClusterShared()
{
	stop();
}

std::string ClusterShared::open(const std::string& offeredToken, TokenListener tokenChanged, std::function<void()> hooksChanged)
{
	ClusterStatus::announce(_pool, _config.webhooks.backend.nodeId, _config.webhooks.ingress, _config.webhooks.workers);
	std::string token = _token.establish(offeredToken);
	Logging::addSecret(token);
	if (token != offeredToken) logger().notice("global token: the cluster's, kept in PostgreSQL (this node's own token is not used)");
	else logger().information("global token: kept in PostgreSQL for the whole cluster");
	_knownToken = token;
	_tokenChanged = std::move(tokenChanged);
	_notifier.on(PostgresHookStore::CHANNEL, [this, hooksChanged]() {
		if (_hooks.reload() && hooksChanged) hooksChanged();
	});
	_notifier.on(ClusterToken::CHANNEL, [this]() { tokenNotified(); });
	_rate.start();
	_notifier.start();
	return token;
}

void ClusterShared::stop()
{
	_notifier.stop();
	_rate.stop();
}

void ClusterShared::tokenNotified()
{
	std::string token;
	try
	{
		token = _token.read();
	}
	catch (Poco::Exception&)
	{
		// Unreachable: the pool logged it; the notifier calls again once reconnected.
		return;
	}
	if (token.empty() || token == _knownToken) return;
	// Masked before anything can print it, then used.
	Logging::addSecret(token);
	_knownToken = token;
	if (_tokenChanged) _tokenChanged(token);
	logger().information("global token: a new one was stored in PostgreSQL; this node uses it now");
}

RateLimiter::Decision ClusterShared::admit(const std::string& clientAddress, const std::function<RateLimiter::Decision()>& local)
{
	return _rate.admit(clientAddress, local);
}

ClusterToken& ClusterShared::token()
{
	return _token;
}

Poco::JSON::Object::Ptr ClusterShared::status()
{
	return ClusterStatus::read(_pool, _config.webhooks.backend);
}

} // namespace Sygen
