//
// WebhookRequestHandler.cpp
//

#include "http/WebhookRequestHandler.h"
#include "Sygen/Foundation/JSONWriter.h"
#include "Sygen/Foundation/PayloadParser.h"
#include "http/HTTPConnection.h"
#include "http/HTTPErrorMapper.h"
#include "http/JSONResponse.h"
#include <Poco/Ascii.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>
#include <cerrno>
#include <sys/socket.h>

using Poco::Net::HTTPResponse;

namespace Sygen {

namespace {

Poco::Logger& logger()
{
	return Poco::Logger::get("Sygen.WebhookRequestHandler");
}

class BodyDeadline
/// The whole body must arrive within the server's read timeout (read_timeout_seconds),
/// not just each read: a body too large for the gate to wait for (over 32 KiB, or
/// chunked) is read on a pool thread, and a client trickling a byte just inside the
/// per-read timeout would otherwise hold that thread for as long as it likes. Each
/// socket read may wait only for what is left of the deadline; past it the read fails
/// with Poco::TimeoutException, answered 408 (HTTPErrorMapper).
{
public:
	explicit BodyDeadline(Poco::Net::HTTPServerRequest& request):
		_impl(dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request)),
		_budget(request.serverParams().getTimeout())
	{
	}

	~BodyDeadline()
	{
		// The next request on a kept-alive connection gets the normal timeout back.
		try
		{
			if (_shortened) _impl->socket().setReceiveTimeout(_perRead);
		}
		catch (...)
		{
		}
	}

	BodyDeadline(const BodyDeadline&) = delete;
	BodyDeadline& operator=(const BodyDeadline&) = delete;

	[[noreturn]] void rethrowReadFailure() const
	/// The stream swallows what the socket threw (a timeout, a reset) and reports a
	/// short body; a truncated body must not be parsed as if it were all.
	{
		if (_impl && _impl->session().networkException()) _impl->session().networkException()->rethrow();
		throw Poco::IOException("request body could not be read");
	}

	void beforeRead()
	{
		if (!_impl || _budget.totalMicroseconds() <= 0) return;
		const Poco::Timespan elapsed(_started.elapsed());
		if (elapsed >= _budget) throw Poco::TimeoutException("request body not received within the read timeout");
		// A body that comes at once (nearly all of them) costs no system call here.
		if (elapsed < GRACE) return;
		if (!_shortened) _perRead = _impl->socket().getReceiveTimeout();
		const Poco::Timespan left = _budget - elapsed;
		_impl->socket().setReceiveTimeout(_perRead.totalMicroseconds() > 0 && _perRead < left ? _perRead : left);
		_shortened = true;
	}

private:
	static constexpr Poco::Timespan::TimeDiff GRACE = 100000; // µs

	Poco::Net::HTTPServerRequestImpl* _impl;
	const Poco::Timespan _budget;
	Poco::Timespan _perRead;
	Poco::Timestamp _started;
	bool _shortened = false;
};

} // namespace

WebhookRequestHandler::WebhookRequestHandler(IngressBackend& backend, const std::string& hookId):
	_backend(backend),
	_hookId(hookId)
{
}

bool WebhookRequestHandler::isJSONMediaType(const std::string& contentType)
{
	std::string type = contentType.substr(0, contentType.find(';'));
	return Poco::icompare(Poco::trim(type), "application/json") == 0;
}

void WebhookRequestHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
	try
	{
		RateLimiter::Decision rate = _backend.admit(request.clientAddress().host().toString());
		if (!rate.allowed)
		{
			JSONResponse::errorWithRetry(response, HTTPResponse::HTTP_TOO_MANY_REQUESTS, "rate_limited", rate.retryAfterSeconds);
			_backend.countResponse("hooks", 429);
			return;
		}
		if (!request.has("Content-Type") || !isJSONMediaType(request.get("Content-Type")))
			return reply(response, 415, "content_type_must_be_json");

		std::string body;
		BodyRead read = readBody(request, body);
		if (read == BodyRead::TOO_LARGE)
		{
			// The rest of the body was never read: this connection cannot carry another request.
			response.setKeepAlive(false);
			return reply(response, 413, "body_too_large");
		}
		if (read == BodyRead::NO_LENGTH)
		{
			response.setKeepAlive(false);
			return reply(response, 411, "length_required");
		}
		if (read == BodyRead::BAD_LENGTH)
		{
			response.setKeepAlive(false);
			return reply(response, 400, "invalid_content_length");
		}
		if (read == BodyRead::TRUNCATED)
		{
			response.setKeepAlive(false);
			return reply(response, 400, "incomplete_body");
		}
		// At a request boundary now: every answer from here on may keep the connection.
		HTTPConnection::bodyRead(request, response);

		PayloadParser::Outcome parsed = PayloadParser::check(body);
		if (parsed == PayloadParser::INVALID_JSON) return reply(response, 400, "invalid_json");
		if (parsed == PayloadParser::NOT_AN_OBJECT) return reply(response, 400, "body_must_be_object");

		std::shared_ptr<const Hook> hook = _backend.findHook(_hookId);
		if (!hook) return reply(response, 404, "hook_not_found");
		if (!hook->enabled) return reply(response, 403, "hook_disabled");
		if (!_backend.authenticate(*hook, request, body))
		{
			// Debug only: a flood of bad signatures must not become a flood of log lines
			// (the 401s are counted in /metrics).
			if (logger().debug())
				logger().debug("rejected request for hook %s from %s: unauthorized", hook->id, request.clientAddress().host().toString());
			return reply(response, 401, "unauthorized");
		}

		EnqueueOutcome outcome = _backend.enqueue(*hook, request, body);
		accepted(response, *hook, outcome);
	}
	catch (Poco::Exception& exc)
	{
		HTTPErrorMapper::respond(exc, response);
		_backend.countResponse("hooks", response.getStatus());
	}
}

WebhookRequestHandler::BodyRead WebhookRequestHandler::readBody(Poco::Net::HTTPServerRequest& request, std::string& body) const
{
	const std::size_t limit = _backend.maxBodyBytes();
	const bool chunked = request.getChunkedTransferEncoding();
	// Both framings at once is how request smuggling starts; neither leaves the
	// end of the body undefined (read-to-close would hold the connection open).
	if (chunked && request.has("Content-Length")) return BodyRead::BAD_LENGTH;
	if (!chunked && !request.has("Content-Length")) return BodyRead::NO_LENGTH;
	if (request.has("Transfer-Encoding") && !chunked) return BodyRead::BAD_LENGTH;
	if (!chunked)
	{
		// Decided before reading a byte: a sender announcing too much is refused at once.
		const std::string& text = request.get("Content-Length");
		if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos) return BodyRead::BAD_LENGTH;
		unsigned long long length = std::stoull(text);
		if (length > limit) return BodyRead::TOO_LARGE;
	}
	std::istream& in = request.stream();
	BodyDeadline deadline(request);
	char buffer[8192];
	for (;;)
	{
		// One blocking socket read per round (istream::read of a whole buffer would
		// block across many), then whatever that read brought, without blocking.
		deadline.beforeRead();
		if (!in.read(buffer, 1)) break;
		std::streamsize more = in.readsome(buffer + 1, sizeof(buffer) - 1);
		body.append(buffer, static_cast<std::size_t>(1 + more));
		// A chunked (or unannounced) body is cut off one byte past the limit.
		if (body.size() > limit) return BodyRead::TOO_LARGE;
	}
	if (in.bad()) deadline.rethrowReadFailure();
	if (chunked && peerClosed(request)) return BodyRead::TRUNCATED;
	return BodyRead::OK;
}

bool WebhookRequestHandler::peerClosed(Poco::Net::HTTPServerRequest& request)
{
	// Poco's chunked stream reports a connection closed before the last chunk as a
	// plain end of body. A sender of a complete chunked body waits for the answer
	// with its connection open; one whose connection is already closed was cut off
	// (or half-closed after the last chunk, which real senders do not do).
	auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
	if (!impl) return false;
	char byte;
	ssize_t n;
	do n = ::recv(impl->socket().impl()->sockfd(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

void WebhookRequestHandler::reply(Poco::Net::HTTPServerResponse& response, int status, const std::string& error)
{
	JSONResponse::error(response, static_cast<HTTPResponse::HTTPStatus>(status), error);
	_backend.countResponse("hooks", status);
}

void WebhookRequestHandler::accepted(Poco::Net::HTTPServerResponse& response, const Hook& hook, const EnqueueOutcome& outcome)
{
	switch (outcome.kind)
	{
	case EnqueueOutcome::QUEUE_FULL:
		JSONResponse::errorWithRetry(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "queue_full", outcome.retryAfterSeconds);
		_backend.countResponse("hooks", 503);
		return;
	case EnqueueOutcome::BACKEND_UNAVAILABLE:
		JSONResponse::errorWithRetry(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "backend_unavailable", outcome.retryAfterSeconds);
		_backend.countResponse("hooks", 503);
		return;
	case EnqueueOutcome::BUSY:
		JSONResponse::errorWithRetry(response, HTTPResponse::HTTP_CONFLICT, "delivery_in_progress", outcome.retryAfterSeconds);
		_backend.countResponse("hooks", 409);
		return;
	case EnqueueOutcome::DUPLICATE:
	{
		Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
		body.set("accepted", true);
		body.set("hook_id", hook.id);
		body.set("job_id", outcome.jobId);
		body.set("duplicate", true);
		JSONResponse::send(response, HTTPResponse::HTTP_OK, body);
		_backend.countResponse("hooks", 200);
		return;
	}
	case EnqueueOutcome::ACCEPTED:
	{
		const std::string body =
			"{\"accepted\":true,\"hook_id\":" + JSONWriter::quote(hook.id) + ",\"job_id\":" + JSONWriter::quote(outcome.jobId) + "}";
		try
		{
			// The job is already durable: the sender learns it first, the dispatch
			// work (which may write and sync a "started" record) comes after.
			JSONResponse::sendText(response, HTTPResponse::HTTP_ACCEPTED, body);
		}
		catch (...)
		{
			// The client went away; the spooled job must still run.
			_backend.dispatch(outcome);
			throw;
		}
		_backend.dispatch(outcome);
		_backend.countResponse("hooks", 202);
		return;
	}
	}
}

} // namespace Sygen
