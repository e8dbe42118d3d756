//
// RequestHead.h
//
// What the connection gate learns from the first bytes of a connection.
//

#ifndef Sygen_RequestHead_INCLUDED
#define Sygen_RequestHead_INCLUDED

#include <cstddef>

namespace Sygen {

class RequestHead
/// Examines the bytes received so far on a connection (peeked, never
/// consumed) and decides whether the request head is complete, can never be
/// valid, or needs more bytes. The parsing proper stays with Poco's
/// HTTPServerSession: this is only enough to keep incomplete and hostile
/// requests off the HTTP thread pool.
{
public:
	enum State
	{
		INCOMPLETE, ///< More bytes are needed (the head, or a small body announced by Content-Length).
		READY,      ///< The head (and a small announced body) is here: hand the connection over.
		TOO_LARGE,  ///< The head is longer than the limit: 431.
		MALFORMED   ///< Not an HTTP/1.x request head (bad method, control bytes): 400.
	};

	struct Scan
	{
		State state = INCOMPLETE;
		std::size_t headSize = 0; ///< With READY or a complete head: bytes up to and including the empty line.
		std::size_t needed = 0;   ///< With a complete head: bytes to wait for before READY (head + small body).
		bool bodyPending = false; ///< READY, but a body (too large for the gate to await, or chunked) is not all here.
	};

	static Scan scan(const char* data, std::size_t size, std::size_t headLimit, std::size_t handOffLimit);
	/// data/size: the bytes peeked so far. A head whose end is not found within
	/// headLimit bytes is TOO_LARGE. When the head is complete and announces a
	/// body by one plain Content-Length (no Transfer-Encoding, no Expect), and
	/// head + body fit into handOffLimit bytes, the state stays INCOMPLETE until
	/// the body has arrived too, so a client trickling a small body does not
	/// hold a pool thread either. Larger or chunked bodies are read by the pool.
	///
	/// Leading blank lines are skipped (RFC 9112 §2.2, as Poco does). Bytes
	/// below 0x20 other than CR, LF and TAB, and DEL, make the head MALFORMED,
	/// as does a method that is not a token of at most 32 characters.

	static constexpr std::size_t MAX_METHOD_LENGTH = 32;
};

} // namespace Sygen

#endif // Sygen_RequestHead_INCLUDED
