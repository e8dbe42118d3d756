//
// HMACHeaderFuzz.cpp
//
// HMAC and Standard Webhooks header parsing (SPEC §6) with the hook settings of
// real senders and of broken hook definitions.
//
// Input: byte 0 picks a hook preset, byte 1 holds flags, then signature header
// value, NUL, body, NUL, webhook-id, NUL, webhook-timestamp.
//
// Regexes come from a fixed list, not from the input: a fuzzed pattern would only
// find catastrophic backtracking in PCRE, which is the operator's choice of hook
// definition, not something a sender controls.
//
// Properties: neither authenticator throws; with flag 1 the header is replaced by
// the correct signature of the body, which must then be accepted.
//

#include "FuzzSupport.h"
#include "Sygen/Auth/HMACAuthenticator.h"
#include "Sygen/Auth/RequestView.h"
#include "Sygen/Auth/StandardWebhooksAuthenticator.h"
#include "Sygen/Hooks/Hook.h"
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Timestamp.h>

using Sygen::HMACAuthenticator;
using Sygen::Hook;
using Sygen::StandardWebhooksAuthenticator;

namespace {

const long long NOW = 1700000000;

struct Preset
{
	const char* authMode;
	const char* header;
	const char* secret;
	const char* algorithm;
	const char* encoding;
	const char* prefix;
	const char* sigRegex;
	const char* payloadRegex;
	long long tolerance; ///< 0: unset.
	bool signable;       ///< A correct header can be built and must be accepted.
};

const Preset PRESETS[] = {
	// GitHub
	{"hmac", "X-Hub-Signature-256", "It's a Secret to Everybody", "sha256", "hex", "sha256=", "", "", 0, true},
	// Stripe: "t=<ts>,v1=<hex>" over "<ts>.<body>"
	{"hmac", "Stripe-Signature", "whsec_stripe", "sha256", "hex", "", "v1=([a-f0-9]+)", "t=(\\d+)", 300, true},
	// Shopify: bare base64
	{"hmac", "X-Shopify-Hmac-Sha256", "shpss_secret", "sha256", "base64", "", "", "", 0, true},
	// GitHub's legacy header
	{"hmac", "X-Hub-Signature", "s", "SHA1", "HEX", "sha1=", "", "", 0, true},
	{"hmac", "X-Sig", "k", "sha512", "base64", "", "^(?:sig=)?([A-Za-z0-9+/=]+)$", "", 0, true},
	{"hmac", "X-Sig", "k", "sha256", "hex", "", "(?i)v1=([0-9a-f]*)", "(?:^|,)\\s*t=([^,]*)", 60, false},
	// Broken definitions: rejected, never thrown.
	{"hmac", "X-Sig", "k", "sha256", "hex", "", "(", "", 0, false},
	{"hmac", "X-Sig", "k", "sha256", "hex", "", "v1=[a-f0-9]+", "", 0, false},
	{"hmac", "X-Sig", "k", "sha256", "hex", "", "", "t=[0-9]+", 0, false},
	{"hmac", "X-Sig", "k", "sha256", "hex", "", "", "", 300, false},
	{"hmac", "X-Sig", "k", "md5", "hex", "", "", "", 0, false},
	{"hmac", "X-Sig", "k", "sha256", "base32", "", "", "", 0, false},
	{"hmac", "X-Sig", "", "sha256", "hex", "", "", "", 0, false},
	{"hmac", "", "k", "sha256", "hex", "", "", "", 0, false},
	{"hmac", "X-Sig", "k", "sha256", "hex", "", "()", "()", -5, false},
	// Standard Webhooks
	{"standard_webhooks", "", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "", "", "", "", "", 0, true},
	{"standard_webhooks", "", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "", "", "", "", "", 30, true},
	{"standard_webhooks", "", "whsec_!!!", "", "", "", "", "", 0, false},
	{"standard_webhooks", "", "whsec_", "", "", "", "", "", 0, false},
	{"standard_webhooks", "", "", "", "", "", "", "", 0, false},
};

Hook hookOf(const Preset& preset)
{
	Hook hook;
	hook.id = "fuzz";
	hook.authMode = preset.authMode;
	hook.hmacHeader = preset.header;
	hook.hmacSecret = preset.secret;
	if (*preset.algorithm) hook.hmacAlgorithm = preset.algorithm;
	if (*preset.encoding) hook.hmacEncoding = preset.encoding;
	hook.hmacSigPrefix = preset.prefix;
	hook.hmacSigRegex = preset.sigRegex;
	hook.hmacPayloadPrefixRegex = preset.payloadRegex;
	if (preset.tolerance != 0) hook.hmacToleranceSeconds = preset.tolerance;
	return hook;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
	Sygen::Fuzz::silenceLogging();
	return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	if (size < 2) return 0;
	const Preset& preset = PRESETS[data[0] % (sizeof(PRESETS) / sizeof(PRESETS[0]))];
	const bool selfSign = (data[1] & 1) != 0;
	std::vector<std::string> parts = Sygen::Fuzz::split(data + 2, size - 2, 4);
	parts.resize(4);
	std::string signature = parts[0];
	const std::string& body = parts[1];
	const std::string& webhookId = parts[2];
	std::string timestamp = parts[3];

	Hook hook = hookOf(preset);
	const bool standard = hook.authMode == "standard_webhooks";
	bool mustAccept = false;
	if (selfSign && preset.signable)
	{
		const std::string now = std::to_string(NOW);
		if (standard)
		{
			timestamp = now;
			signature = "v1," +
				StandardWebhooksAuthenticator::sign(
					StandardWebhooksAuthenticator::decodeSecret(hook.hmacSecret), webhookId, timestamp, body);
			mustAccept = !webhookId.empty() && Sygen::RequestView::isAscii(webhookId);
		}
		else if (!hook.hmacPayloadPrefixRegex.empty())
		{
			signature = "t=" + now + ",v1=" + HMACAuthenticator::sign(hook, now + "." + body);
			mustAccept = true;
		}
		else
		{
			signature = hook.hmacSigPrefix + HMACAuthenticator::sign(hook, body);
			mustAccept = true;
		}
	}

	Poco::Net::NameValueCollection headers;
	if (standard)
	{
		headers.set("webhook-signature", signature);
		headers.set("webhook-id", webhookId);
		headers.set("webhook-timestamp", timestamp);
	}
	else if (!hook.hmacHeader.empty()) headers.set(hook.hmacHeader, signature);
	Sygen::RequestView request(headers, body, "", Poco::Timestamp::fromEpochTime(NOW));

	bool accepted = standard ? StandardWebhooksAuthenticator::authenticate(hook, request) : HMACAuthenticator::authenticate(hook, request);
	if (mustAccept && !accepted) Sygen::Fuzz::fail("a correctly signed request was rejected");
	// The other authenticator must cope with the foreign hook definition as well.
	if (standard) HMACAuthenticator::authenticate(hook, request);
	else StandardWebhooksAuthenticator::authenticate(hook, request);
	return 0;
}
