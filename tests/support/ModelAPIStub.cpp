//
// ModelAPIStub.cpp
//

#include "ModelAPIStub.h"

namespace Sygen {
namespace Test {

ModelAPIStub::ModelAPIStub(Matcher isModelRequest, Answer answer):
	_isModelRequest(isModelRequest),
	_answer(answer),
	_server([this](const RecordedRequest& r) { return this->answer(r); })
{
}

ModelAPIStub::~ModelAPIStub() = default;

void ModelAPIStub::replyText(const std::string& text)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_text = text;
	_errorStatus = 0;
}

void ModelAPIStub::replyErrorBody(int status, const std::string& body)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_errorStatus = status;
	_errorBody = body;
}

std::string ModelAPIStub::baseUrl() const
{
	return _server.baseUrl();
}

std::vector<RecordedRequest> ModelAPIStub::modelRequests() const
{
	std::vector<RecordedRequest> out;
	for (const RecordedRequest& r: _server.requests())
	{
		if (_isModelRequest(r)) out.push_back(r);
	}
	return out;
}

std::string ModelAPIStub::requestLines() const
{
	std::string lines;
	for (const RecordedRequest& r: _server.requests()) lines += r.method + " " + r.uri + "\n";
	return lines;
}

FakeReply ModelAPIStub::answer(const RecordedRequest& request)
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_errorStatus == 0 || !_isModelRequest(request)) return _answer(request, _text);
	FakeReply reply;
	reply.status = _errorStatus;
	reply.body = _errorBody;
	reply.headers["Content-Type"] = "application/json";
	return reply;
}

}
} // namespace Sygen::Test
