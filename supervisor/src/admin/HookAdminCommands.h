//
// HookAdminCommands.h
//
// The hooks.* and token.* commands of the admin API (SPEC §8 last bullet, §17).
//

#ifndef Sygen_HookAdminCommands_INCLUDED
#define Sygen_HookAdminCommands_INCLUDED

#include "Sygen/Foundation/Config.h"
#include "Sygen/Hooks/HookRepository.h"
#include "admin/AdminServer.h"
#include <functional>
#include <string>

namespace Sygen {

class HookAdminCommands
/// Registers on an AdminServer:
///
///   hooks.list, hooks.get, hooks.add, hooks.update, hooks.remove,
///   hooks.rotate_token     HookOperations on the service's HookRepository (the same
///                          code the ctl runs itself when no supervisor runs)
///   hooks.test {id, payload?}
///                          → {url, status, reason, body, job_id}: signs payload
///                          (default "{}") like a real sender (WebhookSigner, with
///                          a fresh delivery id in the hook's dedupe_header) and
///                          POSTs it to the service's own HTTP address
///                          (<state>/http.address), through the whole ingress chain.
///                          Signing happens here so that no secret ever leaves the
///                          service.
///   token.show             → {set, fingerprint, location, path, stored_matches}:
///                          never the token itself; location "database" in
///                          cluster mode
///   token.rotate           → {token, location, path, applied}: a new global token,
///                          stored where the old one was (GlobalTokenStore), then
///                          swapped into the running service, so the old token stops
///                          working at once
///
/// Every token or secret a command stores is registered with Logging::addSecret()
/// before the answer is sent.
{
public:
	struct GlobalToken
	/// How the commands reach the service's in-memory global token.
	{
		std::function<std::string()> get;            ///< The token requests are checked against now.
		std::function<void(const std::string&)> set; ///< Swaps it; thread-safe.
		std::function<std::string()> stored;
		///< Cluster mode: the token the database holds now. Empty: the files (GlobalTokenStore).
		std::function<std::string()> rotate;
		///< Cluster mode: stores a new token in the database, announces it to every
		///< node and returns it. Empty: the files (GlobalTokenStore).
	};

	static void add(AdminServer& server, HookRepository& hooks, const Config::Paths& paths, const GlobalToken& token);
	/// The referenced objects must outlive the server.
};

} // namespace Sygen

#endif // Sygen_HookAdminCommands_INCLUDED
