//
// RequestView.cpp
//

#include "Sygen/Auth/RequestView.h"

namespace Sygen {

RequestView::RequestView(
	const Poco::Net::NameValueCollection& headers, const std::string& body, const std::string& globalToken, Poco::Timestamp now):
	_headers(headers),
	_body(body),
	_globalToken(globalToken),
	_now(now)
{
}

std::optional<std::string> RequestView::header(const std::string& name) const
{
	auto it = _headers.find(name);
	if (it == _headers.end()) return std::nullopt;
	return it->second;
}

const std::string& RequestView::body() const
{
	return _body;
}

const std::string& RequestView::globalToken() const
{
	return _globalToken;
}

Poco::Timestamp RequestView::now() const
{
	return _now;
}

bool RequestView::isFresh(const std::string& unixSeconds, long long toleranceSeconds) const
{
	// Twelve digits reach the year 33658 and keep the microsecond arithmetic below
	// far from overflow; the tolerance is clamped for the same reason.
	if (unixSeconds.empty() || unixSeconds.size() > 12 || toleranceSeconds < 0) return false;
	long long seconds = 0;
	for (char c: unixSeconds)
	{
		if (c < '0' || c > '9') return false;
		seconds = seconds * 10 + (c - '0');
	}
	const long long maxTolerance = 1000000000000LL;
	if (toleranceSeconds > maxTolerance) toleranceSeconds = maxTolerance;
	const Poco::Timestamp::TimeDiff diff = _now.epochMicroseconds() - seconds * Poco::Timestamp::resolution();
	const Poco::Timestamp::TimeDiff limit = toleranceSeconds * Poco::Timestamp::resolution();
	return diff <= limit && -diff <= limit;
}

bool RequestView::isAscii(const std::string& value)
{
	for (unsigned char c: value)
	{
		if (c >= 0x80) return false;
	}
	return true;
}

} // namespace Sygen
