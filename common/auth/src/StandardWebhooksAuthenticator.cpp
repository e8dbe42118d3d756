//
// StandardWebhooksAuthenticator.cpp
//

#include "Sygen/Auth/StandardWebhooksAuthenticator.h"
#include "Sygen/Auth/ConstantTime.h"
#include "Sygen/Auth/HMACDigest.h"
#include <Poco/Exception.h>
#include <Poco/Logger.h>

namespace Sygen {

namespace {

const std::string SECRET_PREFIX = "whsec_";
const std::string VERSION_PREFIX = "v1,";

Poco::Logger& logger()
{
	return Poco::Logger::get("Sygen.Auth");
}

bool verify(const Hook& hook, const RequestView& request)
{
	std::string key;
	try
	{
		key = StandardWebhooksAuthenticator::decodeSecret(hook.hmacSecret);
	}
	catch (Poco::DataFormatException& exc)
	{
		logger().error(
			"hook '" + hook.id + "': bad Standard Webhooks secret (" + exc.message() + "; expected whsec_<base64>); request rejected");
		return false;
	}

	std::optional<std::string> id = request.header("webhook-id");
	std::optional<std::string> timestamp = request.header("webhook-timestamp");
	std::optional<std::string> signatures = request.header("webhook-signature");
	if (!id || !timestamp || !signatures) return false;
	if (id->empty() || timestamp->empty() || signatures->empty()) return false;
	if (!RequestView::isAscii(*id) || !RequestView::isAscii(*timestamp) || !RequestView::isAscii(*signatures)) return false;

	const long long configured = hook.hmacToleranceSeconds.value_or(0);
	const long long tolerance = configured > 0 ? configured : StandardWebhooksAuthenticator::DEFAULT_TOLERANCE_SECONDS;
	if (!request.isFresh(*timestamp, tolerance)) return false;

	const std::string expected = StandardWebhooksAuthenticator::sign(key, *id, *timestamp, request.body());
	bool matched = false;
	std::string::size_type pos = 0;
	while (pos <= signatures->size())
	{
		std::string::size_type end = signatures->find(' ', pos);
		if (end == std::string::npos) end = signatures->size();
		const std::string entry = signatures->substr(pos, end - pos);
		if (entry.compare(0, VERSION_PREFIX.size(), VERSION_PREFIX) == 0)
		{
			// No early exit: every entry is compared, so the time does not tell which matched.
			if (ConstantTime::equals(entry.substr(VERSION_PREFIX.size()), expected)) matched = true;
		}
		pos = end + 1;
	}
	return matched;
}

} // namespace

bool StandardWebhooksAuthenticator::authenticate(const Hook& hook, const RequestView& request)
{
	try
	{
		return verify(hook, request);
	}
	catch (Poco::Exception& exc)
	{
		logger().error("hook '" + hook.id + "': Standard Webhooks verification failed: " + exc.displayText() + "; request rejected");
		return false;
	}
}

std::string StandardWebhooksAuthenticator::decodeSecret(const std::string& secret)
{
	// A secret without the prefix is taken as base64 as a whole, as the reference
	// libraries of the Standard Webhooks project do.
	const bool prefixed = secret.compare(0, SECRET_PREFIX.size(), SECRET_PREFIX) == 0;
	std::string key = HMACDigest::fromBase64(prefixed ? secret.substr(SECRET_PREFIX.size()) : secret);
	if (key.empty()) throw Poco::DataFormatException("empty key");
	return key;
}

std::string StandardWebhooksAuthenticator::sign(
	const std::string& key, const std::string& id, const std::string& timestamp, const std::string& body)
{
	std::string content;
	content.reserve(id.size() + timestamp.size() + body.size() + 2);
	content.append(id).append(1, '.').append(timestamp).append(1, '.').append(body);
	return HMACDigest::toBase64(HMACDigest::compute("sha256", key, content));
}

} // namespace Sygen
