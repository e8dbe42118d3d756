//
// WebhookSigner.cpp
//

#include "Sygen/Auth/WebhookSigner.h"
#include "Sygen/Auth/BearerAuthenticator.h"
#include "Sygen/Auth/HMACAuthenticator.h"
#include "Sygen/Auth/HMACDigest.h"
#include "Sygen/Auth/RequestView.h"
#include "Sygen/Auth/StandardWebhooksAuthenticator.h"
#include <Poco/Exception.h>
#include <Poco/RandomStream.h>
#include <vector>

namespace Sygen {

namespace {

std::string unixSeconds(Poco::Timestamp now)
{
	return std::to_string(now.epochTime());
}

Poco::Net::NameValueCollection signHMAC(const Hook& hook, const std::string& body, Poco::Timestamp now)
{
	if (hook.hmacHeader.empty()) throw Poco::InvalidArgumentException("hook '" + hook.id + "': hmac_header is empty");

	// Candidate header values, most likely first. The authenticator is the judge:
	// each candidate is verified with it and the first one it accepts is returned,
	// so the signer can never drift from what the server checks.
	std::vector<std::string> candidates;
	if (hook.hmacPayloadPrefixRegex.empty())
	{
		const std::string sig = HMACAuthenticator::sign(hook, body);
		candidates.push_back(hook.hmacSigPrefix + sig);
		candidates.push_back(sig);
		candidates.push_back("v1=" + sig);
	}
	else
	{
		const std::string ts = unixSeconds(now);
		const std::string sig = HMACAuthenticator::sign(hook, ts + "." + body);
		candidates.push_back("t=" + ts + ",v1=" + sig);
		candidates.push_back("t=" + ts + "," + hook.hmacSigPrefix + sig);
		candidates.push_back("t=" + ts + ",v0=" + sig);
	}

	for (const std::string& candidate: candidates)
	{
		Poco::Net::NameValueCollection headers;
		headers.set(hook.hmacHeader, candidate);
		RequestView view(headers, body, std::string(), now);
		if (HMACAuthenticator::authenticate(hook, view)) return headers;
	}
	throw Poco::NotImplementedException("hook '" + hook.id + "': no signature header shape satisfies the hook's regexes");
}

} // namespace

Poco::Net::NameValueCollection WebhookSigner::sign(
	const Hook& hook, const std::string& body, const std::string& globalToken, Poco::Timestamp now)
{
	if (hook.authMode == "hmac")
	{
		// sign() validates secret, algorithm and encoding with clear messages before
		// the candidates are tried.
		HMACAuthenticator::sign(hook, body);
		return signHMAC(hook, body, now);
	}
	if (hook.authMode == "standard_webhooks")
	{
		return signStandardWebhooks(hook.hmacSecret, newMessageId(), body, now);
	}
	const std::string& token = hook.token.empty() ? globalToken : hook.token;
	if (token.empty()) throw Poco::InvalidArgumentException("hook '" + hook.id + "': no token (hook token and global token are empty)");
	Poco::Net::NameValueCollection headers;
	headers.set("Authorization", "Bearer " + token);
	return headers;
}

Poco::Net::NameValueCollection WebhookSigner::signStandardWebhooks(
	const std::string& secret, const std::string& messageId, const std::string& body, Poco::Timestamp now)
{
	const std::string key = StandardWebhooksAuthenticator::decodeSecret(secret);
	const std::string ts = unixSeconds(now);
	Poco::Net::NameValueCollection headers;
	headers.set("webhook-id", messageId);
	headers.set("webhook-timestamp", ts);
	headers.set("webhook-signature", "v1," + StandardWebhooksAuthenticator::sign(key, messageId, ts, body));
	return headers;
}

std::string WebhookSigner::newMessageId()
{
	char bytes[16];
	Poco::RandomInputStream().read(bytes, sizeof(bytes));
	return "msg_" + HMACDigest::toHex(std::string(bytes, sizeof(bytes)));
}

} // namespace Sygen
