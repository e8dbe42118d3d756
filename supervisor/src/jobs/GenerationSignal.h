//
// GenerationSignal.h
//
// Wakes exactly the threads waiting for one numbered event (a journal flush).
//

#ifndef Sygen_GenerationSignal_INCLUDED
#define Sygen_GenerationSignal_INCLUDED

#include <atomic>
#include <cstdint>

namespace Sygen {

class GenerationSignal
/// A sequence of numbered events 1, 2, 3, ... that complete in order, and threads
/// that wait for "event n has completed" without a mutex.
///
/// Built for group commit: hundreds of request threads wait for the flush that
/// covers their record. With a condition variable every flush woke every waiter,
/// those whose record belongs to the next flush included, and each woken thread
/// then queued on the mutex: about four context switches per request, the largest
/// cost of the 202 path (bench/README.md, "Fixes"). Here waiters sleep on one of
/// two futex words chosen by the parity of the event they wait for, so completing
/// event n wakes only the waiters of n, and none of them needs a lock to go on.
///
/// Only the thread that calls complete() may advance the sequence; complete(n)
/// must follow complete(n - 1). Linux only (futex(2)).
{
public:
	GenerationSignal();

	void complete(std::uint64_t generation);
	/// Marks the event done and wakes every thread waiting for it.

	void waitFor(std::uint64_t generation) const;
	/// Returns once complete(generation) (or a later one) has been called.

	bool completed(std::uint64_t generation) const;

private:
	static bool reached(std::uint32_t seen, std::uint64_t generation);

	// The low 32 bits of the last completed odd and even event. Two events of one
	// parity are never both outstanding, so 32 bits cannot wrap under a waiter.
	mutable std::atomic<std::uint32_t> _words[2];
};

} // namespace Sygen

#endif // Sygen_GenerationSignal_INCLUDED
