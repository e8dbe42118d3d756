//
// FrameCodec.h
//
// Library: Sygen/Protocol
//
// The wire format between the supervisor and its workers, and of the admin API:
// a 4-byte big-endian length followed by that many bytes of a UTF-8 JSON object.
//

#ifndef Sygen_Protocol_FrameCodec_INCLUDED
#define Sygen_Protocol_FrameCodec_INCLUDED

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <cstddef>
#include <string>

namespace Sygen {

POCO_DECLARE_EXCEPTION(, FrameException, Poco::DataException)
/// A frame that is not a JSON object (garbage, empty, an array, invalid UTF-8 JSON).
/// The frame has been consumed; the stream is still in sync and decoding may go on.

POCO_DECLARE_EXCEPTION(, FrameTooLargeException, FrameException)
/// A frame longer than the maximum. The stream cannot be resynchronised:
/// the decoder stays in this error and the connection must be closed.

class FrameCodec
/// Encodes and decodes frames. The decoder is incremental: feed() it whatever
/// bytes arrived, then call next() until it returns null.
///
/// Not thread-safe: one codec per direction of a connection.
{
public:
	static constexpr std::size_t HEADER_SIZE = 4;
	static constexpr std::size_t DEFAULT_MAX_FRAME_SIZE = 16 * 1024 * 1024;
	/// Large enough for a prompt built from a 256 KiB body and a result with 8 MiB
	/// of output; small enough that a garbage length cannot make us allocate gigabytes.

	explicit FrameCodec(std::size_t maxFrameSize = DEFAULT_MAX_FRAME_SIZE);

	std::size_t maxFrameSize() const;

	std::string encode(const Poco::JSON::Object& obj) const;
	/// Returns header + compact JSON of obj. Throws FrameTooLargeException when
	/// the JSON is longer than the maximum frame size.

	void feed(const char* data, std::size_t length);
	/// Appends received bytes. Throws FrameTooLargeException as soon as a header
	/// announces more than the maximum (before the payload arrives), and on every
	/// later call once that happened.

	void feed(const std::string& data);

	Poco::JSON::Object::Ptr next();
	/// Returns the next complete frame, or null when more bytes are needed.
	/// Throws FrameException for a frame that is not a JSON object (that frame is
	/// dropped; the next call continues with the following one), and
	/// FrameTooLargeException once an oversized header was seen.

	bool hasPartialFrame() const;
	/// True when bytes of an incomplete frame are buffered: at end of stream this
	/// means the peer sent a truncated frame.

	std::size_t bufferedBytes() const;

	void reset();
	/// Drops buffered bytes and clears the oversize error.

private:
	void checkHeader();

	std::size_t _maxFrameSize;
	std::string _buffer;
	std::size_t _offset = 0; ///< Start of the first unconsumed byte in _buffer.
	bool _tooLarge = false;
};

} // namespace Sygen

#endif // Sygen_Protocol_FrameCodec_INCLUDED
