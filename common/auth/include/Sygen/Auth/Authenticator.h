//
// Authenticator.h
//
// Library: Sygen/Auth
//
// The single entry point of SPEC §6 for the HTTP handler.
//

#ifndef Sygen_Auth_Authenticator_INCLUDED
#define Sygen_Auth_Authenticator_INCLUDED

#include "Sygen/Auth/RequestView.h"
#include "Sygen/Hooks/Hook.h"

namespace Sygen {

class Authenticator
/// Chooses the authenticator by hook.authMode: "hmac" → HMACAuthenticator,
/// "standard_webhooks" → StandardWebhooksAuthenticator, "bearer" and any other
/// value → BearerAuthenticator (names compared exactly, as the reference does).
{
public:
	static bool authenticate(const Hook& hook, const RequestView& request);
	/// True when the request is authentic for the hook. Never throws: an
	/// unexpected exception is logged (logger "Sygen.Auth") and gives false, so
	/// authentication never produces a 500. Thread-safe.
};

} // namespace Sygen

#endif // Sygen_Auth_Authenticator_INCLUDED
