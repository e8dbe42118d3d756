//
// HMACAuthenticator.cpp
//

#include "Sygen/Auth/HMACAuthenticator.h"
#include "Sygen/Auth/ConstantTime.h"
#include "Sygen/Auth/HMACDigest.h"
#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/RegularExpression.h>
#include <Poco/String.h>
#include <map>
#include <memory>
#include <mutex>

namespace Sygen {

namespace {

Poco::Logger& logger()
{
	return Poco::Logger::get("Sygen.Auth");
}

void badDefinition(const Hook& hook, const std::string& what)
{
	logger().error("hook '" + hook.id + "': bad HMAC definition: " + what + "; request rejected");
}

class RegexCache
/// Compiled patterns by text, shared by all request threads. Compiling a PCRE
/// pattern costs far more than matching it, and hooks are few, so the cache is
/// small and simply cleared when full. A compiled Poco::RegularExpression may be
/// matched from several threads at once (pcre_exec only reads the pattern).
{
public:
	std::shared_ptr<const Poco::RegularExpression> get(const std::string& pattern)
	{
		{
			std::lock_guard<std::mutex> lock(_mutex);
			auto it = _patterns.find(pattern);
			if (it != _patterns.end()) return it->second;
		}
		// Compile outside the lock; an invalid pattern throws and is not cached.
		auto re = std::make_shared<const Poco::RegularExpression>(pattern);
		std::lock_guard<std::mutex> lock(_mutex);
		if (_patterns.size() >= MAX_PATTERNS) _patterns.clear();
		_patterns.emplace(pattern, re);
		return re;
	}

private:
	static constexpr std::size_t MAX_PATTERNS = 256;
	std::mutex _mutex;
	std::map<std::string, std::shared_ptr<const Poco::RegularExpression>> _patterns;
};

RegexCache& regexCache()
{
	static RegexCache cache;
	return cache;
}

enum class Search
{
	FOUND,
	NO_MATCH,
	NO_GROUP
};

Search searchGroup1(const Poco::RegularExpression& re, const std::string& subject, std::string& group)
{
	Poco::RegularExpression::MatchVec matches;
	if (re.match(subject, 0, matches) == 0 || matches.empty()) return Search::NO_MATCH;
	if (matches.size() < 2 || matches[1].offset == std::string::npos) return Search::NO_GROUP;
	group = subject.substr(matches[1].offset, matches[1].length);
	return Search::FOUND;
}

bool isBase64Encoding(const std::string& encoding)
{
	return Poco::icompare(encoding, "base64") == 0;
}

bool isKnownEncoding(const std::string& encoding)
{
	return Poco::icompare(encoding, "hex") == 0 || isBase64Encoding(encoding);
}

bool verify(const Hook& hook, const RequestView& request)
{
	// The definition first, so a broken hook is logged on every attempt rather than
	// only when a sender happens to get past the request checks.
	if (hook.hmacSecret.empty())
	{
		badDefinition(hook, "hmac_secret is empty");
		return false;
	}
	if (hook.hmacHeader.empty())
	{
		badDefinition(hook, "hmac_header is empty");
		return false;
	}
	if (!HMACDigest::isSupported(hook.hmacAlgorithm))
	{
		badDefinition(hook, "unsupported hmac_algorithm '" + hook.hmacAlgorithm + "'");
		return false;
	}
	if (!isKnownEncoding(hook.hmacEncoding))
	{
		badDefinition(hook, "unsupported hmac_encoding '" + hook.hmacEncoding + "'");
		return false;
	}
	const long long tolerance = hook.hmacToleranceSeconds.value_or(0);
	if (tolerance > 0 && hook.hmacPayloadPrefixRegex.empty())
	{
		badDefinition(hook, "hmac_tolerance_seconds needs hmac_payload_prefix_regex to find the timestamp");
		return false;
	}
	std::shared_ptr<const Poco::RegularExpression> sigRegex;
	std::shared_ptr<const Poco::RegularExpression> payloadRegex;
	try
	{
		if (!hook.hmacSigRegex.empty()) sigRegex = regexCache().get(hook.hmacSigRegex);
	}
	catch (Poco::RegularExpressionException& exc)
	{
		badDefinition(hook, "invalid hmac_sig_regex: " + exc.message());
		return false;
	}
	try
	{
		if (!hook.hmacPayloadPrefixRegex.empty()) payloadRegex = regexCache().get(hook.hmacPayloadPrefixRegex);
	}
	catch (Poco::RegularExpressionException& exc)
	{
		badDefinition(hook, "invalid hmac_payload_prefix_regex: " + exc.message());
		return false;
	}

	// Step 1: the header.
	std::optional<std::string> value = request.header(hook.hmacHeader);
	if (!value || value->empty()) return false;
	if (!RequestView::isAscii(*value)) return false;

	// Step 2: the signature.
	std::string signature;
	if (sigRegex)
	{
		Search s = searchGroup1(*sigRegex, *value, signature);
		if (s == Search::NO_GROUP)
		{
			badDefinition(hook, "hmac_sig_regex matched without a group 1 (it needs a capturing group)");
			return false;
		}
		if (s == Search::NO_MATCH || signature.empty()) return false;
	}
	else if (!hook.hmacSigPrefix.empty() && value->compare(0, hook.hmacSigPrefix.size(), hook.hmacSigPrefix) == 0)
	{
		signature = value->substr(hook.hmacSigPrefix.size());
	}
	else
	{
		signature = *value;
	}
	if (signature.empty()) return false;

	// Step 3: the signed bytes. Step 6's timestamp is group 1 of the same search.
	std::string prefix;
	const std::string* signedBytes = &request.body();
	std::string prefixed;
	if (payloadRegex)
	{
		Search s = searchGroup1(*payloadRegex, *value, prefix);
		if (s == Search::NO_GROUP)
		{
			badDefinition(hook, "hmac_payload_prefix_regex matched without a group 1 (it needs a capturing group)");
			return false;
		}
		// [beyond] The reference silently signed the bare body here.
		if (s == Search::NO_MATCH) return false;
		prefixed.reserve(prefix.size() + 1 + request.body().size());
		prefixed.append(prefix).append(1, '.').append(request.body());
		signedBytes = &prefixed;
	}

	// Steps 4 and 5.
	if (!ConstantTime::equals(signature, HMACAuthenticator::sign(hook, *signedBytes))) return false;

	// Step 6.
	if (tolerance > 0 && !request.isFresh(prefix, tolerance)) return false;
	return true;
}

} // namespace

bool HMACAuthenticator::authenticate(const Hook& hook, const RequestView& request)
{
	try
	{
		return verify(hook, request);
	}
	catch (Poco::Exception& exc)
	{
		// A PCRE runtime error (e.g. the match limit of a pathological pattern) ends here.
		logger().error("hook '" + hook.id + "': HMAC verification failed: " + exc.displayText() + "; request rejected");
		return false;
	}
}

std::string HMACAuthenticator::sign(const Hook& hook, const std::string& signedBytes)
{
	if (hook.hmacSecret.empty()) throw Poco::InvalidArgumentException("hook '" + hook.id + "': hmac_secret is empty");
	if (!isKnownEncoding(hook.hmacEncoding))
		throw Poco::InvalidArgumentException("hook '" + hook.id + "': unsupported hmac_encoding", hook.hmacEncoding);
	std::string mac = HMACDigest::compute(hook.hmacAlgorithm, hook.hmacSecret, signedBytes);
	return isBase64Encoding(hook.hmacEncoding) ? HMACDigest::toBase64(mac) : HMACDigest::toHex(mac);
}

} // namespace Sygen
