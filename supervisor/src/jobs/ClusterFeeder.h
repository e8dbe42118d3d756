//
// ClusterFeeder.h
//
// Feeds this node's dispatcher with jobs claimed from the cluster's queue.
//

#ifndef Sygen_ClusterFeeder_INCLUDED
#define Sygen_ClusterFeeder_INCLUDED

#include "jobs/Dispatcher.h"
#include "jobs/PostgresJobStore.h"
#include <condition_variable>
#include <mutex>
#include <thread>

namespace Sygen {

class ClusterFeeder
/// In cluster mode the dispatcher's queue holds only what this node claimed: a
/// thread claims jobs (PostgresJobStore::claim), woken by a local accept or
/// finish, by another node's NOTIFY, and once a second regardless. Claims stop
/// while the dispatcher is paused (shutdown).
///
/// It claims ahead: up to CLAIM_AHEAD_PER_WORKER jobs per worker beyond the ones
/// running, so a worker that goes idle finds its next job in the local queue
/// instead of waiting for a claim's commit (and the cluster-wide claim lock). It
/// claims once at least one job per worker is missing, so that a claim's commit
/// is shared by several jobs rather than paid per job. The bound keeps other
/// nodes from being starved: a node holds at most that many unstarted jobs.
/// Unstarted claims of a node that dies return to the queue (reaper, restart).
{
public:
	static constexpr std::size_t CLAIM_AHEAD_PER_WORKER = 2;

	ClusterFeeder(PostgresJobStore& store, Dispatcher& dispatcher, int workers);
	~ClusterFeeder();

	ClusterFeeder(const ClusterFeeder&) = delete;
	ClusterFeeder& operator=(const ClusterFeeder&) = delete;

	void start();
	void stop();
	void wake();

private:
	void run();
	void feed();
	std::size_t wanted() const;
	/// How many more jobs this node may claim now (0 when it holds enough).

	PostgresJobStore& _store;
	Dispatcher& _dispatcher;
	std::size_t _workers;
	std::size_t _bound; ///< Jobs running or queued on this node that claims fill up to.
	std::mutex _mutex;
	std::condition_variable _woken;
	bool _wanted = false;
	bool _stopping = false;
	std::thread _thread;
};

} // namespace Sygen

#endif // Sygen_ClusterFeeder_INCLUDED
