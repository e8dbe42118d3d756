//
// GeminiStub.h
//
// The Gemini API as the real gemini CLI calls it (GOOGLE_GEMINI_BASE_URL), on
// 127.0.0.1: POST /v1beta/models/<model>:streamGenerateContent?alt=sse (server-sent
// events) and :generateContent (one JSON object) are answered with a scripted model
// text, or with an error.
//

#ifndef Sygen_GeminiStub_INCLUDED
#define Sygen_GeminiStub_INCLUDED

#include "ModelAPIStub.h"
#include <string>

namespace Sygen {
namespace Test {

class GeminiStub: public ModelAPIStub
/// Thread-safe. The model requests are POST ...:generateContent and
/// ...:streamGenerateContent.
{
public:
	GeminiStub();

	void replyError(int status, const std::string& code, const std::string& message) override;
	/// Every later model request gets {"error": {code: status, message, status:
	/// code}} with this HTTP status (400 INVALID_ARGUMENT, 401 UNAUTHENTICATED, ...).

	static std::string candidate(const std::string& text);
	/// One generateContent response holding the model's text (finishReason STOP).

private:
	static bool isModelRequest(const RecordedRequest& request);
	static FakeReply answer(const RecordedRequest& request, const std::string& text);
};

}
} // namespace Sygen::Test

#endif // Sygen_GeminiStub_INCLUDED
