//
// AnthropicStub.h
//
// The Anthropic Messages API as the real claude CLI calls it, on 127.0.0.1: every
// request is recorded; POST /v1/messages is answered with a scripted text (as the
// streaming server-sent events when the request asks for a stream) or an error.
//

#ifndef Sygen_AnthropicStub_INCLUDED
#define Sygen_AnthropicStub_INCLUDED

#include "ModelAPIStub.h"
#include <string>

namespace Sygen {
namespace Test {

class AnthropicStub: public ModelAPIStub
/// Thread-safe. The model requests are POST /v1/messages (count_tokens aside).
{
public:
	AnthropicStub();

	void replyError(int status, const std::string& type, const std::string& message) override;
	/// Every later model request gets {"type": "error", "error": {type, message}}
	/// with this HTTP status (401 authentication_error, 500 api_error, ...).

	static std::string sse(const std::string& model, const std::string& text);
	/// The event stream of one assistant text message.

private:
	static bool isModelRequest(const RecordedRequest& request);
	static FakeReply answer(const RecordedRequest& request, const std::string& text);
};

}
} // namespace Sygen::Test

#endif // Sygen_AnthropicStub_INCLUDED
