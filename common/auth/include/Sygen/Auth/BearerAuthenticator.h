//
// BearerAuthenticator.h
//
// Library: Sygen/Auth
//
// SPEC §6, bearer mode.
//

#ifndef Sygen_Auth_BearerAuthenticator_INCLUDED
#define Sygen_Auth_BearerAuthenticator_INCLUDED

#include "Sygen/Auth/RequestView.h"
#include "Sygen/Hooks/Hook.h"
#include <string>

namespace Sygen {

class BearerAuthenticator
/// Checks the `Authorization: Bearer <token>` header.
{
public:
	static bool authenticate(const Hook& hook, const RequestView& request);
	/// True when the Authorization header starts with exactly "Bearer " (capital B,
	/// one space) and the rest, untrimmed, equals the expected token in constant
	/// time. The expected token is hook.token when non-empty, else the global
	/// token; a hook with its own token therefore rejects the global one. Both
	/// empty, a missing header or a non-ASCII value: false.
	/// Never throws. Thread-safe.

	static bool authenticateToken(const RequestView& request, const std::string& expected);
	/// The same header check against a given token (for GET /jobs and /metrics,
	/// which accept the global token). An empty expected token never matches.
	/// Never throws. Thread-safe.
};

} // namespace Sygen

#endif // Sygen_Auth_BearerAuthenticator_INCLUDED
