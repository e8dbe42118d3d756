//
// FrameDecoderFuzz.cpp
//
// The wire format between supervisor, workers and the admin client: bytes from a
// peer (a crashed worker, a confused client) through FrameCodec::feed/next.
//
// Input: byte 0 chooses the size of the chunks the rest arrives in (1 to 256
// bytes, as a socket might deliver them), byte 1 a small maximum frame size so that
// the oversize path is reached; the rest is the stream.
//
// Properties: only FrameException (and FrameTooLargeException) are thrown; after an
// oversized header every call keeps failing until reset(); every decoded frame
// encodes and decodes back to the same JSON; chunking does not change the result.
//

#include "FuzzSupport.h"
#include "Sygen/Foundation/JSONFields.h"
#include "Sygen/Protocol/FrameCodec.h"

using Sygen::FrameCodec;
using Sygen::FrameException;
using Sygen::FrameTooLargeException;

namespace {

std::vector<std::string> decode(const std::string& stream, std::size_t chunk, std::size_t maxFrame, bool& tooLarge)
/// The frames of stream ("!" for a bad frame), fed chunk bytes at a time.
{
	FrameCodec codec(maxFrame);
	std::vector<std::string> frames;
	tooLarge = false;
	for (std::size_t pos = 0; pos < stream.size() && !tooLarge; pos += chunk)
	{
		try
		{
			codec.feed(stream.data() + pos, std::min(chunk, stream.size() - pos));
			for (;;)
			{
				try
				{
					Poco::JSON::Object::Ptr obj = codec.next();
					if (!obj) break;
					frames.push_back(Sygen::JSONFields::compact(obj));
				}
				catch (FrameTooLargeException&)
				{
					throw;
				}
				catch (FrameException&)
				{
					frames.push_back("!");
				}
			}
		}
		catch (FrameTooLargeException&)
		{
			tooLarge = true;
			try
			{
				codec.next();
				Sygen::Fuzz::fail("next() succeeded after an oversized frame");
			}
			catch (FrameTooLargeException&)
			{
			}
		}
	}
	if (!tooLarge && codec.hasPartialFrame() != (codec.bufferedBytes() > 0))
		Sygen::Fuzz::fail("hasPartialFrame() disagrees with bufferedBytes()");
	return frames;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
	Sygen::Fuzz::silenceLogging();
	return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	if (size < 2) return 0;
	const std::size_t chunk = std::size_t(data[0]) + 1;
	const std::size_t maxFrame = data[1] < 128 ? FrameCodec::DEFAULT_MAX_FRAME_SIZE : std::size_t(data[1]) * 8;
	std::string stream(reinterpret_cast<const char*>(data + 2), size - 2);

	bool tooLarge = false;
	std::vector<std::string> frames = decode(stream, chunk, maxFrame, tooLarge);
	bool tooLargeWhole = false;
	std::vector<std::string> whole = decode(stream, stream.size() + 1, maxFrame, tooLargeWhole);
	if (!tooLarge && !tooLargeWhole && frames != whole) Sygen::Fuzz::fail("chunking changed the decoded frames");

	FrameCodec codec(maxFrame);
	for (const std::string& json: frames)
	{
		if (json == "!") continue;
		Poco::JSON::Object::Ptr obj = Sygen::JSONFields::parseObject(json);
		std::string frame;
		try
		{
			frame = codec.encode(*obj);
		}
		catch (FrameTooLargeException&)
		{
			continue; // Compact JSON can be longer than the frame it came from (escapes).
		}
		codec.feed(frame);
		Poco::JSON::Object::Ptr back = codec.next();
		if (!back || Sygen::JSONFields::compact(back) != json) Sygen::Fuzz::fail("encode/decode round trip changed a frame");
	}
	return 0;
}
