//
// JobActionCommands.h
//
// The admin commands that change jobs: jobs.retry, jobs.cancel, jobs.payload.
//

#ifndef Sygen_JobActionCommands_INCLUDED
#define Sygen_JobActionCommands_INCLUDED

#include "SupervisorCore.h"
#include "admin/AdminServer.h"
#include "workers/WorkerPool.h"

namespace Sygen {

class JobActionCommands
/// Registers on an AdminServer:
///
///   jobs.retry {job_id}                    → job (the new one, retry_of set)
///   jobs.retry {status, since_seconds}     → {retried: [{job_id, retry_id}],
///                                             failed: [{job_id, error}]}
///   jobs.cancel {job_id}                   → job (after it ended, or as it is
///                                             after wait_seconds, default 30)
///   jobs.payload {job_id}                  → {job_id, payload}
///
/// A batch retry takes the finished jobs in the history whose status matches
/// the shell pattern (fnmatch: "error:*") and that finished within the last
/// since_seconds, oldest first, skipping those retried before. Cancelling a
/// running job terminates its worker at once (the pool kills the CLI's process
/// group with it); the pool starts a fresh worker.
{
public:
	static void add(AdminServer& server, SupervisorCore& core, WorkerPool& pool);

	static constexpr int DEFAULT_CANCEL_WAIT_SECONDS = 30;
};

} // namespace Sygen

#endif // Sygen_JobActionCommands_INCLUDED
