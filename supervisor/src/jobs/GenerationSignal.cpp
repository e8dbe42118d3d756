//
// GenerationSignal.cpp
//

#include "jobs/GenerationSignal.h"
#include <cerrno>
#include <climits>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace Sygen {

namespace {

static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t), "a futex word is 32 bits");
static_assert(std::atomic<std::uint32_t>::is_always_lock_free, "a futex word must be a plain integer");

std::uint32_t* wordAddress(std::atomic<std::uint32_t>& word)
{
	return reinterpret_cast<std::uint32_t*>(&word);
}

} // namespace

GenerationSignal::GenerationSignal()
{
	_words[0].store(0);
	_words[1].store(0);
}

bool GenerationSignal::reached(std::uint32_t seen, std::uint64_t generation)
{
	// Serial number arithmetic: at most one event per parity is outstanding.
	return static_cast<std::int32_t>(seen - static_cast<std::uint32_t>(generation)) >= 0;
}

void GenerationSignal::complete(std::uint64_t generation)
{
	std::atomic<std::uint32_t>& word = _words[generation & 1];
	word.store(static_cast<std::uint32_t>(generation), std::memory_order_release);
	::syscall(SYS_futex, wordAddress(word), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
}

void GenerationSignal::waitFor(std::uint64_t generation) const
{
	std::atomic<std::uint32_t>& word = _words[generation & 1];
	for (;;)
	{
		std::uint32_t seen = word.load(std::memory_order_acquire);
		if (reached(seen, generation)) return;
		// Sleeps only while the word still holds `seen`: a complete() between the load
		// and this call changes the word, and the kernel returns at once (EAGAIN).
		::syscall(SYS_futex, wordAddress(word), FUTEX_WAIT_PRIVATE, seen, nullptr, nullptr, 0);
	}
}

bool GenerationSignal::completed(std::uint64_t generation) const
{
	return reached(_words[generation & 1].load(std::memory_order_acquire), generation);
}

} // namespace Sygen
