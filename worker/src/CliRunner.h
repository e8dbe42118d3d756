//
// CliRunner.h
//
// Library: Sygen/worker
//
// Runs one CLI process to completion (SPEC §10 step 8): feeds its stdin,
// captures stdout (bounded) and the tail of stderr, enforces the timeout by
// signalling the whole process group (SIGTERM, then SIGKILL after a grace), and
// leaves no process of the group behind, whichever way the run ends.
//

#ifndef Sygen_CliRunner_INCLUDED
#define Sygen_CliRunner_INCLUDED

#include "Sygen/Foundation/ProcessSpawner.h"
#include <Poco/Timespan.h>
#include <optional>
#include <string>

namespace Sygen {

struct CliOutcome
{
	ProcessStatus status;   ///< how the CLI itself ended.
	bool timedOut = false;  ///< the timeout fired (status then usually shows the signal).
	std::string stdoutText; ///< up to the stdout limit.
	bool stdoutTruncated = false;
	std::string stderrTail; ///< the last bytes of stderr.
	long long durationMs = 0;
};

class CliRunner
/// One run per call; thread-safe (no shared state). SIGPIPE is blocked in the
/// calling thread while writing stdin, so a CLI closing its stdin early is an
/// ordinary write error.
{
public:
	struct Limits
	{
		Poco::Timespan timeout = Poco::Timespan(3600, 0);
		Poco::Timespan killGrace = Poco::Timespan(5, 0);
		size_t stdoutLimit = 8u << 20;
		size_t stderrTail = 64u << 10;
	};

	static CliOutcome run(
		SpawnOptions options, const std::optional<std::string>& stdinText, const Limits& limits, const std::string& groupFile = "");
	/// Spawns options (stdin, stdout and stderr are set here: a pipe or
	/// /dev/null for stdin, pipes for the others; a new process group is forced)
	/// and waits for the end. After the CLI exits, any process left in its group
	/// is killed. Throws SpawnException when the CLI cannot be started.
	///
	/// When groupFile is set, "<pgid> <boot id>" is written there once the CLI
	/// is spawned and "0 <boot id>" when the run ends (each record one write of
	/// the same length, padded with spaces before its newline; the file stays,
	/// open, for the next run), so that the supervisor can kill the group should
	/// this worker die meanwhile (WorkerSettings::cliGroupFile). A failure to
	/// write it is logged, not fatal.

	static std::string bootId();
	/// /proc/sys/kernel/random/boot_id without its newline; empty when unreadable.
	/// Tells a group file of this boot from one left by the previous boot.
};

} // namespace Sygen

#endif // Sygen_CliRunner_INCLUDED
