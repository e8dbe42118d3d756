//
// RequestView.h
//
// Library: Sygen/Auth
//
// The part of an HTTP request that authenticators look at, independent of
// Poco::Net::HTTPServerRequest so that authentication is unit-testable in isolation.
//

#ifndef Sygen_Auth_RequestView_INCLUDED
#define Sygen_Auth_RequestView_INCLUDED

#include <Poco/Net/NameValueCollection.h>
#include <Poco/Timestamp.h>
#include <optional>
#include <string>

namespace Sygen {

class RequestView
/// A read-only view of one request: its headers (looked up case-insensitively),
/// the raw body bytes, the server's global token and the time the request is
/// judged at.
///
/// The view keeps references to the headers and the body: both must outlive it.
/// (Poco::Net::HTTPServerRequest is a NameValueCollection, so the HTTP handler
/// passes the request itself.) Binding a temporary is refused at compile time.
///
/// Thread safety: const methods only; safe to share while the referenced
/// objects are not modified.
{
public:
	RequestView(
		const Poco::Net::NameValueCollection& headers, const std::string& body, const std::string& globalToken, Poco::Timestamp now);
	/// Creates a view. globalToken is copied; headers and body are referenced.

	RequestView(
		Poco::Net::NameValueCollection&& headers, const std::string& body, const std::string& globalToken, Poco::Timestamp now) = delete;
	RequestView(
		const Poco::Net::NameValueCollection& headers, std::string&& body, const std::string& globalToken, Poco::Timestamp now) = delete;
	RequestView(Poco::Net::NameValueCollection&& headers, std::string&& body, const std::string& globalToken, Poco::Timestamp now) = delete;

	std::optional<std::string> header(const std::string& name) const;
	/// Returns the value of the first header with the given name (case-insensitive),
	/// or std::nullopt when there is none. The value is returned as received
	/// (not trimmed, any bytes).

	const std::string& body() const;
	/// The raw body bytes, exactly as received.

	const std::string& globalToken() const;
	/// The server's global bearer token (may be empty).

	Poco::Timestamp now() const;
	/// The time the request is judged at (for signature timestamp tolerances).

	bool isFresh(const std::string& unixSeconds, long long toleranceSeconds) const;
	/// True when unixSeconds is 1 to 12 decimal digits (nothing else, no sign)
	/// of Unix time no further than toleranceSeconds from now(), either way.
	/// A negative tolerance is never fresh.

	static bool isAscii(const std::string& value);
	/// True when every byte of value is below 0x80. Authenticators reject header
	/// values that are not: the reference failed with a 500 on them.

private:
	const Poco::Net::NameValueCollection& _headers;
	const std::string& _body;
	std::string _globalToken;
	Poco::Timestamp _now;
};

} // namespace Sygen

#endif // Sygen_Auth_RequestView_INCLUDED
