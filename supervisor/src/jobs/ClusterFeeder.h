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
/// thread claims jobs (PostgresJobStore::claim) while the node has free workers,
/// woken by a local accept or finish, by another node's NOTIFY, and once a second
/// regardless. Claims stop while the dispatcher is paused (shutdown).
{
public:
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

	PostgresJobStore& _store;
	Dispatcher& _dispatcher;
	std::size_t _workers;
	std::mutex _mutex;
	std::condition_variable _woken;
	bool _wanted = false;
	bool _stopping = false;
	std::thread _thread;
};

} // namespace Sygen

#endif // Sygen_ClusterFeeder_INCLUDED
