//
// HookPreset.cpp
//

#include "Sygen/Admin/HookPreset.h"
#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/String.h>

namespace Sygen {

namespace {

struct Preset
{
	const char* name;
	const char* authMode;
	const char* header;
	const char* encoding;
	const char* sigPrefix;
	const char* sigRegex;
	const char* payloadPrefixRegex;
	long long toleranceSeconds; // 0: none
	const char* dedupeHeader;   // "": none
};

const Preset PRESETS[] = {
	{"github", "hmac", "X-Hub-Signature-256", "hex", "sha256=", "", "", 0, "X-GitHub-Delivery"},
	{"stripe", "hmac", "Stripe-Signature", "hex", "", "v1=([a-f0-9]+)", "t=(\\d+)", 300, ""},
	{"shopify", "hmac", "X-Shopify-Hmac-Sha256", "base64", "", "", "", 0, ""},
	{"standard-webhooks", "standard_webhooks", "", "hex", "sha256=", "", "", 0, "webhook-id"},
};

void setUnlessPresent(Poco::JSON::Object& fields, const std::string& key, const Poco::Dynamic::Var& value)
{
	if (!fields.has(key)) fields.set(key, value);
}

Poco::Dynamic::Var textOrNull(const char* text)
{
	if (*text == '\0') return Poco::Dynamic::Var();
	return std::string(text);
}

} // namespace

const std::vector<std::string>& HookPreset::names()
{
	static const std::vector<std::string> NAMES = {"github", "stripe", "shopify", "standard-webhooks"};
	return NAMES;
}

void HookPreset::apply(const std::string& name, Poco::JSON::Object& fields)
{
	std::string key = Poco::toLower(name);
	Poco::replaceInPlace(key, std::string("_"), std::string("-"));
	if (key == "slack")
	{
		throw Poco::NotImplementedException(
			"preset 'slack' cannot be expressed yet: Slack signs \"v0:<timestamp>:<body>\" "
			"with the timestamp in the separate X-Slack-Request-Timestamp header, but a hook's hmac_payload_prefix_regex "
			"only searches the signature header (and joins with \".\"); put a relay that re-signs in front, or use a bearer hook");
	}
	if (key == "gitlab")
	{
		throw Poco::NotImplementedException(
			"preset 'gitlab' cannot be expressed yet: GitLab sends a plain shared token in "
			"X-Gitlab-Token, which is neither an HMAC signature nor an \"Authorization: Bearer\" header; set the GitLab "
			"webhook's custom header \"Authorization: Bearer <token>\" and use a bearer hook instead");
	}
	for (const Preset& p: PRESETS)
	{
		if (key != p.name) continue;
		setUnlessPresent(fields, "auth_mode", std::string(p.authMode));
		setUnlessPresent(fields, "hmac_header", std::string(p.header));
		setUnlessPresent(fields, "hmac_algorithm", std::string("sha256"));
		setUnlessPresent(fields, "hmac_encoding", std::string(p.encoding));
		setUnlessPresent(fields, "hmac_sig_prefix", std::string(p.sigPrefix));
		setUnlessPresent(fields, "hmac_sig_regex", std::string(p.sigRegex));
		setUnlessPresent(fields, "hmac_payload_prefix_regex", std::string(p.payloadPrefixRegex));
		setUnlessPresent(
			fields, "hmac_tolerance_seconds", p.toleranceSeconds > 0 ? Poco::Dynamic::Var(p.toleranceSeconds) : Poco::Dynamic::Var());
		setUnlessPresent(fields, "dedupe_header", textOrNull(p.dedupeHeader));
		return;
	}
	std::string known;
	for (const std::string& n: names()) known += (known.empty() ? "" : ", ") + n;
	throw Poco::InvalidArgumentException("unknown preset '" + name + "' (known: " + known + ")");
}

} // namespace Sygen
