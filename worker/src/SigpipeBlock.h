//
// SigpipeBlock.h
//
// Library: Sygen/worker
//
// SIGPIPE blocked in the calling thread while writing to a child's stdin.
//

#ifndef Sygen_SigpipeBlock_INCLUDED
#define Sygen_SigpipeBlock_INCLUDED

#include <csignal>

namespace Sygen {

class SigpipeBlock
/// Blocks SIGPIPE in this thread for the lifetime of the object, and discards
/// one raised meanwhile, so that EPIPE is reported by write() instead: a child
/// that closes its stdin early is an ordinary write error, whether or not the
/// process ignores SIGPIPE (the worker does, a test driver may not).
{
public:
	SigpipeBlock();
	~SigpipeBlock();

	SigpipeBlock(const SigpipeBlock&) = delete;
	SigpipeBlock& operator=(const SigpipeBlock&) = delete;

private:
	sigset_t _old;
};

} // namespace Sygen

#endif // Sygen_SigpipeBlock_INCLUDED
