//
// Authenticator.cpp
//

#include "Sygen/Auth/Authenticator.h"
#include "Sygen/Auth/BearerAuthenticator.h"
#include "Sygen/Auth/HMACAuthenticator.h"
#include "Sygen/Auth/StandardWebhooksAuthenticator.h"
#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <exception>

namespace Sygen {

bool Authenticator::authenticate(const Hook& hook, const RequestView& request)
{
	try
	{
		if (hook.authMode == "hmac") return HMACAuthenticator::authenticate(hook, request);
		if (hook.authMode == "standard_webhooks") return StandardWebhooksAuthenticator::authenticate(hook, request);
		return BearerAuthenticator::authenticate(hook, request);
	}
	catch (std::exception& exc)
	{
		// The authenticators catch what they expect; this is the last line that keeps
		// an unexpected failure (e.g. std::bad_alloc) a 401 instead of a 500.
		Poco::Logger::get("Sygen.Auth").error("hook '" + hook.id + "': authentication failed: " + exc.what() + "; request rejected");
		return false;
	}
}

} // namespace Sygen
