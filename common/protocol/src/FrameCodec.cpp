//
// FrameCodec.cpp
//

#include "Sygen/Protocol/FrameCodec.h"
#include "Sygen/Foundation/JSONFields.h"
#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/Parser.h>
#include <sstream>

namespace Sygen {

POCO_IMPLEMENT_EXCEPTION(FrameException, Poco::DataException, "Bad frame")
POCO_IMPLEMENT_EXCEPTION(FrameTooLargeException, FrameException, "Frame too large")

namespace {

std::size_t decodeLength(const char* p)
{
	const unsigned char* u = reinterpret_cast<const unsigned char*>(p);
	return (std::size_t(u[0]) << 24) | (std::size_t(u[1]) << 16) | (std::size_t(u[2]) << 8) | std::size_t(u[3]);
}

} // namespace

FrameCodec::FrameCodec(std::size_t maxFrameSize):
	_maxFrameSize(maxFrameSize)
{
}

std::size_t FrameCodec::maxFrameSize() const
{
	return _maxFrameSize;
}

std::string FrameCodec::encode(const Poco::JSON::Object& obj) const
{
	std::ostringstream out;
	obj.stringify(out);
	std::string json = out.str();
	if (json.size() > _maxFrameSize)
		throw FrameTooLargeException(
			"frame of " + std::to_string(json.size()) + " bytes exceeds the maximum of " + std::to_string(_maxFrameSize));
	std::string frame;
	frame.reserve(HEADER_SIZE + json.size());
	const std::size_t n = json.size();
	frame.push_back(static_cast<char>((n >> 24) & 0xFF));
	frame.push_back(static_cast<char>((n >> 16) & 0xFF));
	frame.push_back(static_cast<char>((n >> 8) & 0xFF));
	frame.push_back(static_cast<char>(n & 0xFF));
	frame += json;
	return frame;
}

void FrameCodec::feed(const char* data, std::size_t length)
{
	if (_tooLarge) throw FrameTooLargeException("stream out of sync after an oversized frame");
	// Compact lazily, so a burst of small frames does not move the buffer each time.
	if (_offset > 0 && _offset >= _buffer.size() / 2)
	{
		_buffer.erase(0, _offset);
		_offset = 0;
	}
	_buffer.append(data, length);
	checkHeader();
}

void FrameCodec::feed(const std::string& data)
{
	feed(data.data(), data.size());
}

void FrameCodec::checkHeader()
{
	// Reject an oversized frame from its header alone: waiting for its payload
	// would let a peer make us buffer up to 4 GiB.
	if (_buffer.size() - _offset < HEADER_SIZE) return;
	std::size_t length = decodeLength(_buffer.data() + _offset);
	if (length > _maxFrameSize)
	{
		_tooLarge = true;
		throw FrameTooLargeException(
			"peer announced a frame of " + std::to_string(length) + " bytes; the maximum is " + std::to_string(_maxFrameSize));
	}
}

Poco::JSON::Object::Ptr FrameCodec::next()
{
	if (_tooLarge) throw FrameTooLargeException("stream out of sync after an oversized frame");
	if (_buffer.size() - _offset < HEADER_SIZE) return nullptr;
	checkHeader();
	std::size_t length = decodeLength(_buffer.data() + _offset);
	if (_buffer.size() - _offset - HEADER_SIZE < length) return nullptr;

	std::string payload = _buffer.substr(_offset + HEADER_SIZE, length);
	_offset += HEADER_SIZE + length;
	if (_offset == _buffer.size())
	{
		_buffer.clear();
		_offset = 0;
	}
	if (payload.empty()) throw FrameException("empty frame");
	try
	{
		return JSONFields::parseObject(payload);
	}
	catch (Poco::JSON::JSONException& e)
	{
		throw FrameException("frame is not valid JSON", e.message());
	}
	catch (Poco::SyntaxException& e)
	{
		throw FrameException("frame is not valid JSON", e.message());
	}
	catch (Poco::DataFormatException& e)
	{
		throw FrameException("frame is not a JSON object", e.message());
	}
}

bool FrameCodec::hasPartialFrame() const
{
	return _buffer.size() > _offset;
}

std::size_t FrameCodec::bufferedBytes() const
{
	return _buffer.size() - _offset;
}

void FrameCodec::reset()
{
	_buffer.clear();
	_offset = 0;
	_tooLarge = false;
}

} // namespace Sygen
