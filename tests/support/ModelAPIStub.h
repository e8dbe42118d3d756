//
// ModelAPIStub.h
//
// A model API on 127.0.0.1 as a real CLI calls it, for the realcli suites: every
// request is recorded; the model requests are answered with a scripted text or a
// scripted error. The wire format is a subclass's (AnthropicStub, OpenAIStub,
// GeminiStub).
//

#ifndef Sygen_ModelAPIStub_INCLUDED
#define Sygen_ModelAPIStub_INCLUDED

#include "FakeHTTPServer.h"
#include <mutex>
#include <string>
#include <vector>

namespace Sygen {
namespace Test {

class ModelAPIStub
/// Thread-safe (FakeHTTPServer). The destructor stops the server.
{
public:
	using Matcher = bool (*)(const RecordedRequest& request);
	using Answer = FakeReply (*)(const RecordedRequest& request, const std::string& text);

	virtual ~ModelAPIStub();

	void replyText(const std::string& text);
	/// Every later model request gets this assistant text.

	virtual void replyError(int status, const std::string& kind, const std::string& message) = 0;
	/// Every later model request gets the API's error body with this HTTP
	/// status, kind being the API's name for the error (its type or status).

	std::string baseUrl() const; ///< "http://127.0.0.1:<port>"

	std::vector<RecordedRequest> modelRequests() const;
	/// The model requests received, in order.

	std::string requestLines() const;
	/// "<method> <uri>" of every request received, one a line (for messages).

protected:
	ModelAPIStub(Matcher isModelRequest, Answer answer);
	/// isModelRequest tells the model requests from the rest (they alone get a
	/// scripted error); answer gives the reply to every request while no error
	/// is scripted, the text being the one replyText() set. Both are functions
	/// without state, so that the server thread never calls into a subclass
	/// being destroyed.

	void replyErrorBody(int status, const std::string& body);
	/// Every later model request gets this JSON body with this HTTP status.

private:
	FakeReply answer(const RecordedRequest& request);

	Matcher _isModelRequest;
	Answer _answer;
	mutable std::mutex _mutex;
	std::string _text = "stub answer";
	int _errorStatus = 0;
	std::string _errorBody;
	FakeHTTPServer _server; ///< last: stopped before the rest goes.
};

}
} // namespace Sygen::Test

#endif // Sygen_ModelAPIStub_INCLUDED
