//
// HTTPClient.cpp
//

#include "Sygen/Delivery/HTTPClient.h"
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/String.h>
#include <Poco/URI.h>
#include <algorithm>
#include <istream>
#include <memory>
#include <mutex>
#include <ostream>

namespace Sygen {

POCO_IMPLEMENT_EXCEPTION(HTTPTransportError, Poco::IOException, "HTTP transport error")

namespace {

std::string readBounded(std::istream& in, std::size_t limit)
{
	std::string body;
	char buffer[8192];
	while (in && body.size() < limit)
	{
		in.read(buffer, static_cast<std::streamsize>(std::min(sizeof(buffer), limit - body.size())));
		body.append(buffer, static_cast<std::size_t>(in.gcount()));
	}
	return body;
}

std::string withoutPath(std::string text, const std::string& pathEtc)
{
	// Poco's messages name host and port only, but an exception text is the one
	// place a URL could slip into a log line; the path may hold the bot token.
	if (pathEtc.size() > 1)
	{
		std::size_t pos;
		while ((pos = text.find(pathEtc)) != std::string::npos) text.replace(pos, pathEtc.size(), "/...");
	}
	return text;
}

std::string rawPathEtc(const std::string& url)
{
	// The path exactly as given: Poco::URI would decode and re-encode it with its own
	// reserved set (turning a Matrix room id's "%3A" back into ':').
	std::size_t authority = url.find("://");
	std::size_t slash = url.find_first_of("/?#", authority == std::string::npos ? 0 : authority + 3);
	if (slash == std::string::npos) return "/";
	std::string rest = url.substr(slash);
	std::size_t fragment = rest.find('#');
	if (fragment != std::string::npos) rest.erase(fragment);
	if (rest.empty() || rest[0] != '/') rest.insert(0, "/");
	return rest;
}

} // namespace

HTTPClient::HTTPClient(Poco::Timespan timeout):
	_timeout(timeout)
{
}

std::string HTTPClient::origin(const std::string& url)
{
	try
	{
		Poco::URI uri(url);
		if (uri.getHost().empty()) return "";
		return uri.getScheme() + "://" + uri.getHost() + ":" + std::to_string(uri.getPort());
	}
	catch (Poco::Exception&)
	{
		return "";
	}
}

Poco::Net::Context::Ptr HTTPClient::tlsContext()
{
	static std::once_flag once;
	static Poco::Net::Context::Ptr context;
	std::call_once(once, [] {
		// loadDefaultCAs: OpenSSL's default verify paths, i.e. the system store.
		context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", Poco::Net::Context::VERIFY_RELAXED, 9, true);
		context->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 | Poco::Net::Context::PROTO_TLSV1 |
			Poco::Net::Context::PROTO_TLSV1_1);
	});
	return context;
}

HTTPClient::Response HTTPClient::send(const std::string& method, const std::string& url, const std::string& body,
	const Poco::Net::NameValueCollection& headers, const std::string& contentType) const
{
	Poco::URI uri;
	try
	{
		uri = Poco::URI(url);
	}
	catch (Poco::Exception&)
	{
		throw HTTPTransportError("invalid URL (not shown: it may contain a secret)");
	}
	const std::string scheme = Poco::toLower(uri.getScheme());
	if ((scheme != "http" && scheme != "https") || uri.getHost().empty())
	{
		throw HTTPTransportError("unsupported URL: scheme must be http or https with a host, got \"" + scheme + "\"");
	}
	const std::string where = scheme + "://" + uri.getHost() + ":" + std::to_string(uri.getPort());
	const std::string pathEtc = rawPathEtc(url);
	try
	{
		std::unique_ptr<Poco::Net::HTTPClientSession> session;
		if (scheme == "https") session.reset(new Poco::Net::HTTPSClientSession(uri.getHost(), uri.getPort(), tlsContext()));
		else session.reset(new Poco::Net::HTTPClientSession(uri.getHost(), uri.getPort()));
		session->setTimeout(_timeout);
		session->setKeepAlive(false);

		Poco::Net::HTTPRequest request(method, pathEtc, Poco::Net::HTTPMessage::HTTP_1_1);
		request.setContentType(contentType);
		request.setContentLength(static_cast<std::streamsize>(body.size()));
		request.set("User-Agent", "sygen-webhook/" SYGEN_VERSION);
		request.set("Accept", "application/json");
		for (const auto& header: headers) request.set(header.first, header.second);
		std::ostream& out = session->sendRequest(request);
		out << body;
		out.flush();

		Poco::Net::HTTPResponse response;
		std::istream& in = session->receiveResponse(response);
		Response result;
		result.status = static_cast<int>(response.getStatus());
		result.reason = response.getReason();
		for (const auto& header: response) result.headers.add(header.first, header.second);
		result.body = readBounded(in, MAX_RESPONSE_BYTES);
		return result;
	}
	catch (Poco::Exception& exc)
	{
		throw HTTPTransportError(where + ": " + withoutPath(exc.displayText(), pathEtc));
	}
	catch (std::exception& exc)
	{
		throw HTTPTransportError(where + ": " + withoutPath(exc.what(), pathEtc));
	}
}

} // namespace Sygen
