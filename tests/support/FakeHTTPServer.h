//
// FakeHTTPServer.h
//
// A real HTTP server on 127.0.0.1 (port 0) inside the test process, standing in
// for the Telegram Bot API, a Matrix homeserver or a result callback receiver.
// It records every request and answers with what the test's responder says.
//

#ifndef Sygen_FakeHTTPServer_INCLUDED
#define Sygen_FakeHTTPServer_INCLUDED

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Timespan.h>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace Sygen {
namespace Test {

struct RecordedRequest
{
	std::string method;
	std::string uri; ///< path and query, as sent.
	Poco::Net::NameValueCollection headers;
	std::string body;

	Poco::JSON::Object::Ptr json() const;
	/// The body as a JSON object; throws when it is not one.
};

struct FakeReply
{
	int status = 200;
	std::string body = "{}";
	std::map<std::string, std::string> headers;
	double delaySeconds = 0; ///< wait before answering.
};

class FakeHTTPServer
/// Thread-safe. The destructor stops the server.
{
public:
	using Responder = std::function<FakeReply(const RecordedRequest&)>;

	explicit FakeHTTPServer(Responder responder = Responder());
	/// Without a responder every request gets 200 "{}".
	~FakeHTTPServer();

	void setResponder(Responder responder);

	int port() const;
	std::string baseUrl() const; ///< "http://127.0.0.1:<port>"

	std::vector<RecordedRequest> requests() const;
	std::size_t count() const;
	bool waitForRequests(std::size_t n, Poco::Timespan timeout = Poco::Timespan(10, 0)) const;
	/// Waits until at least n requests were recorded.

	static FakeReply telegramOk();
	/// 200 {"ok": true, "result": {"message_id": 1}}.
	static FakeReply matrixOk();
	/// 200 {"event_id": "$fake"}.

	FakeReply handle(const RecordedRequest& request); ///< used by the server's handler.

private:
	mutable std::mutex _mutex;
	mutable std::condition_variable _changed;
	std::vector<RecordedRequest> _requests;
	Responder _responder;
	std::unique_ptr<Poco::Net::HTTPServer> _server;
	int _port = 0;
};

}
} // namespace Sygen::Test

#endif // Sygen_FakeHTTPServer_INCLUDED
