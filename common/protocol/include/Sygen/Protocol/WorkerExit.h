//
// WorkerExit.h
//
// Library: Sygen/Protocol
//
// The worker's exit codes, which the supervisor's pool acts on.
//

#ifndef Sygen_Protocol_WorkerExit_INCLUDED
#define Sygen_Protocol_WorkerExit_INCLUDED

#include "Sygen/Foundation/Config.h"

namespace Sygen {

struct WorkerExit
/// The values of sysexits.h, as Poco::Util::Application uses them. The pool
/// respawns a worker that exits with anything but CONFIG; CONFIG (a bad
/// configuration or command line, which a restart cannot fix) puts the slot in
/// "failed" (WorkerPool).
{
	static constexpr int OK = 0;
	static constexpr int USAGE = 64;
	static constexpr int UNAVAILABLE = 69;
	static constexpr int SOFTWARE = 70;
	static constexpr int CONFIG = Config::EXIT_CONFIG;
};

} // namespace Sygen

#endif // Sygen_Protocol_WorkerExit_INCLUDED
