//
// BearerAuthenticator.cpp
//

#include "Sygen/Auth/BearerAuthenticator.h"
#include "Sygen/Auth/ConstantTime.h"

namespace Sygen {

namespace {

const std::string BEARER_PREFIX = "Bearer ";

} // namespace

bool BearerAuthenticator::authenticate(const Hook& hook, const RequestView& request)
{
	return authenticateToken(request, hook.token.empty() ? request.globalToken() : hook.token);
}

bool BearerAuthenticator::authenticateToken(const RequestView& request, const std::string& expected)
{
	if (expected.empty()) return false;
	std::optional<std::string> value = request.header("Authorization");
	if (!value || !RequestView::isAscii(*value)) return false;
	// The scheme is matched exactly, as the reference does: "bearer x" or "Bearer  x"
	// with the extra space kept in the token are not the expected token.
	if (value->compare(0, BEARER_PREFIX.size(), BEARER_PREFIX) != 0) return false;
	return ConstantTime::equals(value->substr(BEARER_PREFIX.size()), expected);
}

} // namespace Sygen
