//
// SigpipeBlock.cpp
//

#include "SigpipeBlock.h"
#include <ctime>
#include <pthread.h>

namespace Sygen {

SigpipeBlock::SigpipeBlock()
{
	sigset_t pipe;
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	::pthread_sigmask(SIG_BLOCK, &pipe, &_old);
}

SigpipeBlock::~SigpipeBlock()
{
	sigset_t pipe;
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	struct timespec zero
	{
		0, 0
	};
	while (::sigtimedwait(&pipe, nullptr, &zero) == SIGPIPE)
	{
	}
	::pthread_sigmask(SIG_SETMASK, &_old, nullptr);
}

} // namespace Sygen
