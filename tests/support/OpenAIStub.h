//
// OpenAIStub.h
//
// The OpenAI Responses API as the real codex CLI calls it (a custom model provider
// with wire_api "responses"), on 127.0.0.1: POST <base>/responses is answered with
// a scripted assistant text as server-sent events, or with an error.
//

#ifndef Sygen_OpenAIStub_INCLUDED
#define Sygen_OpenAIStub_INCLUDED

#include "ModelAPIStub.h"
#include <string>

namespace Sygen {
namespace Test {

class OpenAIStub: public ModelAPIStub
/// Thread-safe. The model requests are POST .../responses.
{
public:
	OpenAIStub();

	void replyError(int status, const std::string& type, const std::string& message) override;
	/// Every later model request gets {"error": {message, type, param, code}}
	/// with this HTTP status (400 invalid_request_error, 401 invalid_api_key, ...).

	static std::string sse(const std::string& text);
	/// The event stream of one response holding one assistant message.

private:
	static bool isModelRequest(const RecordedRequest& request);
	static FakeReply answer(const RecordedRequest& request, const std::string& text);
};

}
} // namespace Sygen::Test

#endif // Sygen_OpenAIStub_INCLUDED
