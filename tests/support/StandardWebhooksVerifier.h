//
// StandardWebhooksVerifier.h
//
// The receiving side of the Standard Webhooks scheme, written for the tests from
// the specification (https://www.standardwebhooks.com) and independent of the
// service's signer: HMAC-SHA256 (TestHmac) over "<webhook-id>.<webhook-timestamp>.<body>"
// keyed with the base64-decoded part of the "whsec_" secret, compared with every
// "v1,<base64>" entry of the space-separated webhook-signature header.
//

#ifndef Sygen_StandardWebhooksVerifier_INCLUDED
#define Sygen_StandardWebhooksVerifier_INCLUDED

#include "TestSupport.h"
#include <Poco/Base64Decoder.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/StreamCopier.h>
#include <cstdlib>
#include <sstream>
#include <string>

namespace Sygen {
namespace Test {

class StandardWebhooksVerifier
/// Header-only; stateless.
{
public:
	static bool verify(const std::string& secret, const Poco::Net::NameValueCollection& headers, const std::string& body,
		long long nowSeconds, long long toleranceSeconds = 300)
	{
		const std::string id = headers.get("webhook-id", "");
		const std::string timestamp = headers.get("webhook-timestamp", "");
		const std::string signatures = headers.get("webhook-signature", "");
		if (id.empty() || timestamp.empty() || signatures.empty()) return false;
		char* end = nullptr;
		long long ts = std::strtoll(timestamp.c_str(), &end, 10);
		if (!end || *end != '\0') return false;
		if (ts < nowSeconds - toleranceSeconds || ts > nowSeconds + toleranceSeconds) return false;

		std::string encodedKey = secret.compare(0, 6, "whsec_") == 0 ? secret.substr(6) : secret;
		std::istringstream in(encodedKey);
		Poco::Base64Decoder decoder(in);
		std::string key;
		Poco::StreamCopier::copyToString(decoder, key);
		const std::string expected = TestHmac::base64("sha256", key, id + "." + timestamp + "." + body);

		std::istringstream list(signatures);
		std::string entry;
		while (list >> entry)
		{
			if (entry.compare(0, 3, "v1,") == 0 && entry.substr(3) == expected) return true;
		}
		return false;
	}
};

}
} // namespace Sygen::Test

#endif // Sygen_StandardWebhooksVerifier_INCLUDED
