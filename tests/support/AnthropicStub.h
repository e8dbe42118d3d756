//
// AnthropicStub.h
//
// The Anthropic Messages API as the real claude CLI calls it, on 127.0.0.1: every
// request is recorded; POST /v1/messages is answered with a scripted text (as the
// streaming server-sent events when the request asks for a stream) or an error.
//

#ifndef Sygen_AnthropicStub_INCLUDED
#define Sygen_AnthropicStub_INCLUDED

#include "FakeHTTPServer.h"
#include <string>

namespace Sygen {
namespace Test {

class AnthropicStub
	/// Thread-safe (FakeHTTPServer). The destructor stops the server.
{
public:
	AnthropicStub();

	void replyText(const std::string& text);
		/// Every later model request gets this assistant text (end_turn).

	void replyError(int status, const std::string& type, const std::string& message);
		/// Every later model request gets {"type": "error", "error": {type, message}}
		/// with this HTTP status (401 authentication_error, 500 api_error, ...).

	std::string baseUrl() const;
	std::vector<RecordedRequest> modelRequests() const;
		/// The POST /v1/messages requests received, in order.

	static std::string sse(const std::string& model, const std::string& text);
		/// The event stream of one assistant text message.

private:
	FakeReply answer(const RecordedRequest& request);

	FakeHTTPServer _server;
	mutable std::mutex _mutex;
	std::string _text = "stub answer";
	int _errorStatus = 0;
	std::string _errorBody;
};

} } // namespace Sygen::Test

#endif // Sygen_AnthropicStub_INCLUDED
